/**
 * The rules that select what is traced. Files: globs matched against paths relative to the working
 * directory the recording started in (`**` alone leaves node_modules out; a glob that names
 * node_modules, such as `node_modules/**`, brings it in). Classes whose state is recorded: names or
 * globs of names, and `extends:NAME` for the classes that extend NAME at run time.
 */
import * as path from 'node:path';
import picomatch from 'picomatch';

/** Compiles `globs` into a test of absolute file names. */
export function fileMatcher(globs: readonly string[], cwd: string): (filename: string) => boolean {
  if (globs.length === 0) return () => false;
  const matches = picomatch(globs as string[], { dot: true });
  const namesNodeModules = globs.some((g) => g.includes('node_modules'));
  return (filename) => {
    if (filename.startsWith('node:') || filename.startsWith('internal/')) return false;
    const relative = path.relative(cwd, filename).split(path.sep).join('/');
    if (!namesNodeModules && /(^|\/)node_modules\//.test(relative)) return false;
    return matches(relative);
  };
}

/** Compiles name rules (`Account`, `*Store`, `todos*`) into a test of class or function names. */
export function classMatcher(rules: readonly string[]): (className: string) => boolean {
  if (rules.length === 0) return () => false;
  const matches = picomatch(rules as string[]);
  return (className) => matches(className);
}

/** The prefix of a state rule that selects classes by an ancestor: `extends:EventEmitter`. */
export const EXTENDS_PREFIX = 'extends:';

/** The `--state` rules, split by how they select a class. */
export interface StateSelector {
  /** Whether a class is selected by its own name. */
  readonly byName: (className: string) => boolean;
  /**
   * Whether a class is selected when one of its ancestors (at any depth) has this name; null when
   * there are no `extends:` rules, so calls pay nothing for them.
   */
  readonly byAncestor: ((ancestorName: string) => boolean) | null;
}

/** Compiles `--state` rules: names or globs of class names, and `extends:NAME_OR_GLOB`. */
export function stateSelector(rules: readonly string[]): StateSelector {
  const names: string[] = [];
  const ancestors: string[] = [];
  for (const rule of rules) {
    if (rule.startsWith(EXTENDS_PREFIX)) ancestors.push(rule.slice(EXTENDS_PREFIX.length).trim());
    else names.push(rule);
  }
  const usable = ancestors.filter((a) => a !== '');
  return { byName: classMatcher(names), byAncestor: usable.length ? classMatcher(usable) : null };
}

/** A sentence for the user when a state rule cannot select anything, else undefined. */
export function stateRuleProblem(rule: string): string | undefined {
  if (rule.trim() === '') return 'A state rule is empty: give a class name, a glob, or extends:NAME.';
  if (rule.startsWith(EXTENDS_PREFIX) && rule.slice(EXTENDS_PREFIX.length).trim() === '') {
    return `The state rule '${rule}' names no class: write it as extends:NAME, e.g. extends:EventEmitter.`;
  }
  return undefined;
}

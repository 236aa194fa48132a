/**
 * Which files are instrumented: globs matched against paths relative to the working directory the
 * recording started in. `**` alone leaves node_modules out; a glob that names node_modules (such as
 * `node_modules/**`) brings it in.
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

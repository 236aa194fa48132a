/**
 * The environment that injects the runtime into a Node program: `--require <preload>` appended to
 * NODE_OPTIONS and the configuration in CINESCOPE_RUNTIME. `cinescope record` and the debug adapter
 * start programs with it; child processes inherit it, so they are traced too.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CONFIG_ENV } from './config';
import type { RuntimeConfig } from './config';

/** `base` plus the variables that load the runtime bundle at `preloadPath` configured by `config`. */
export function runtimeLaunchEnv(
  base: NodeJS.ProcessEnv,
  preloadPath: string,
  config: Partial<RuntimeConfig>,
): NodeJS.ProcessEnv {
  return {
    ...base,
    NODE_OPTIONS: `${base.NODE_OPTIONS ?? ''} --require ${quoteOption(preloadPath)}`.trim(),
    [CONFIG_ENV]: JSON.stringify(config),
  };
}

/** NODE_OPTIONS splits on spaces; quote the path so folders with spaces work. */
export function quoteOption(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Instrumented files are cached where build tools cache: node_modules/.cache when there is one. */
export function defaultCacheDir(cwd: string): string {
  const modules = path.join(cwd, 'node_modules');
  return existsSync(modules)
    ? path.join(modules, '.cache', 'cinescope')
    : path.join(tmpdir(), 'cinescope-cache');
}

/** `cinescope-YYYYMMDD-HHMMSS.cinescope`, the default name of a trace file. */
export function defaultTraceName(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `cinescope-${stamp}.cinescope`;
}

/**
 * Load-time instrumentation of CommonJS modules: the source of every file the rules select is
 * rewritten with probes before Node compiles it. A separate bundle (dist/runtime/loadHook.js),
 * loaded only when there are rules, so untraced runs never pay for the parser.
 *
 * Next: ES modules through `module.register`, and a transform cache keyed by content and options.
 */
import Module from 'node:module';
import { EventType } from './eventSchema';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type * as Instrumenter from './instrumenter';
import type { RecordEvent } from './probes';
import { fileMatcher } from './traceRules';
import { TransformCache } from './transformCache';

type Compile = (this: unknown, content: string, filename: string) => unknown;

/**
 * Installs the CommonJS hook for files matching `globs` (the preload has installed the probes).
 * `record` is the preload's `recordEvent`: this bundle has no recorder of its own.
 */
export function installLoadHook(
  globs: readonly string[],
  cwd: string,
  cacheDir: string,
  record: RecordEvent,
): void {
  const selected = fileMatcher(globs, cwd);
  const cache = cacheDir ? new TransformCache(cacheDir) : undefined;
  const options = { sourceType: 'script' } as const;
  const proto = (Module as unknown as { prototype: { _compile: Compile } }).prototype;
  const compile = proto._compile;
  proto._compile = function _compile(this: unknown, content: string, filename: string) {
    let code = content;
    if (selected(filename)) {
      try {
        const key = cache?.key(filename, content, options);
        let result = key ? cache?.get(key) : undefined;
        if (!result) {
          result = loadInstrumenter().instrument(content, { filename, ...options });
          if (key) cache?.set(key, { code: result.code, warnings: result.warnings });
        }
        code = result.code;
        for (const message of result.warnings) record(EventType.warning, { message });
      } catch {
        // The file runs as written; instrument() reports its own failures as warnings.
      }
    }
    return compile.call(this, code, filename);
  };
}

let instrumenter: typeof Instrumenter | undefined;

/** The parser and transform, loaded on the first cache miss. */
function loadInstrumenter(): typeof Instrumenter {
  return (instrumenter ??= createRequire(__filename)(
    path.join(__dirname, 'instrumenter.js'),
  ) as typeof Instrumenter);
}

/** Helpers of the instrumenter tests: write instrumented files, run them in real Node processes. */
import { buildSync } from 'esbuild';
import MagicString from 'magic-string';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { instrument } from '../../runtime/instrument/instrument';
import type { InstrumentOptions, InstrumentResult, SourceMapV3 } from '../../runtime/instrument/instrument';
import { ROOT, run } from '../helpers';
import type { RunResult } from '../helpers';

export { ROOT };

/** Bundles the recording preload (TypeScript) into a CommonJS file Node can `--require`. */
export function bundlePreload(dir: string): string {
  const outfile = join(dir, 'probe-preload.cjs');
  buildSync({
    entryPoints: [join(ROOT, 'test/instrument/probePreload.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

/** The map as the comment Node reads with `--enable-source-maps`. */
export function inlineMap(map: SourceMapV3): string {
  return `\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}`;
}

/** Instruments `source` as the file `path` and writes the result there, with its map inline. */
export function writeInstrumented(
  path: string,
  source: string,
  options: Partial<InstrumentOptions> = {},
): InstrumentResult {
  const result = instrument(source, { filename: path, ...options });
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, result.map ? result.code + inlineMap(result.map) : result.code);
  return result;
}

export function writeFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/**
 * Writes an uninstrumented file with an identity source map. The baseline of the fidelity table:
 * with `--enable-source-maps`, Node formats stacks of files that have a map slightly differently
 * (`async <anonymous> (file:l:c)` instead of `async file:l:c`, a blank line after the source excerpt
 * of an uncaught error), so the original gets a map too and the comparison isolates the transform.
 */
export function writeWithIdentityMap(path: string, source: string): void {
  const map = new MagicString(source).generateMap({
    source: path,
    file: path,
    includeContent: true,
    hires: true,
  });
  writeFile(path, source + inlineMap({ ...map, version: 3 }));
}

/** Runs `node [flags] file` in the file's directory. */
export function runNode(
  file: string,
  options: { preload?: string; env?: NodeJS.ProcessEnv; args?: string[] } = {},
): Promise<RunResult> {
  const flags = ['--enable-source-maps', ...(options.preload ? ['--require', options.preload] : [])];
  return run(process.execPath, [...flags, file, ...(options.args ?? [])], {
    cwd: dirname(file),
    env: { ...process.env, NODE_OPTIONS: '', ...options.env },
    timeoutMs: 30_000,
  });
}

/** Replaces a directory (as a path and as a file URL) by `<dir>`, and process ids, in program output. */
export function normalise(text: string, dir: string): string {
  const paths = text.split(pathToFileURL(dir).href).join('<dir>').split(dir).join('<dir>');
  return paths.replace(/\(node:\d+\)/g, '(node:PID)');
}

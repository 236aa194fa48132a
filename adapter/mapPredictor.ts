/**
 * Finding, before it loads, the compiled file whose source map covers an original source. Node
 * compiles CommonJS modules without a pause the debugger could use (V8's "before a script with a
 * source map runs" instrumentation breakpoint does not fire for them), so a breakpoint in
 * `shapes.ts` must already sit in `shapes.js` when that loads. Candidates: the files next to the
 * source with a JavaScript extension, and the files the `outFiles` globs select.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import picomatch from 'picomatch';
import type { TraceMap } from '@jridgewell/trace-mapping';
import { filePath, loadSourceMap } from './scripts';

/** Files scanned for `outFiles` at most, so a huge tree cannot stall the session. */
const MAX_FILES = 5000;
const JS_EXTENSIONS = ['.js', '.cjs', '.mjs'];
const MAPPING_COMMENT = /\/\/[#@] sourceMappingURL=(\S+)\s*$/;

export interface PredictedScript {
  /** Absolute path of the compiled file. */
  path: string;
  map: TraceMap;
}

export class MapPredictor {
  private readonly maps = new Map<string, PredictedScript | null>();
  private outFiles: string[] | undefined;

  constructor(
    private readonly cwd: string,
    private readonly outFileGlobs: string[],
  ) {}

  /** Compiled files whose maps list `source` (an absolute path) among their sources. */
  compiledFrom(source: string): PredictedScript[] {
    if (JS_EXTENSIONS.includes(path.extname(source))) return [];
    const base = source.slice(0, -path.extname(source).length);
    const candidates = new Set([...JS_EXTENSIONS.map((ext) => base + ext), ...this.listOutFiles()]);
    const found: PredictedScript[] = [];
    for (const candidate of candidates) {
      const predicted = this.mapOf(candidate);
      if (predicted?.map.resolvedSources.some((s) => s && (filePath(s) ?? s) === source))
        found.push(predicted);
    }
    return found;
  }

  private mapOf(file: string): PredictedScript | null {
    let predicted = this.maps.get(file);
    if (predicted !== undefined) return predicted;
    predicted = null;
    try {
      if (existsSync(file)) {
        const text = readFileSync(file, 'utf8');
        const url = MAPPING_COMMENT.exec(text.slice(-100_000))?.[1];
        const map = url ? loadSourceMap(url, pathToFileURL(file).href) : undefined;
        if (map) predicted = { path: file, map };
      }
    } catch {
      predicted = null; // unreadable or malformed: not a candidate
    }
    this.maps.set(file, predicted);
    return predicted;
  }

  private listOutFiles(): string[] {
    if (this.outFiles) return this.outFiles;
    this.outFiles = [];
    if (this.outFileGlobs.length === 0) return this.outFiles;
    const matches = picomatch(this.outFileGlobs.map((g) => path.resolve(this.cwd, g)));
    const pending = [this.cwd];
    let seen = 0;
    while (pending.length && seen < MAX_FILES) {
      const dir = pending.pop()!;
      let entries: string[] = [];
      try {
        entries = readdirSync(dir);
      } catch {
        continue;
      }
      for (const entry of entries) {
        if (entry === 'node_modules' || entry.startsWith('.')) continue;
        const full = path.join(dir, entry);
        seen++;
        try {
          if (statSync(full).isDirectory()) pending.push(full);
          else if (matches(full)) this.outFiles.push(full);
        } catch {
          // vanished while listing
        }
      }
    }
    return this.outFiles;
  }
}

/**
 * The scripts one thread has parsed (Debugger.scriptParsed), by id and by file path, with their
 * source maps. Positions here are CDP's: 0-based lines and columns. A load-time-instrumented file
 * keeps the original's lines (probes are inserted on the lines they belong to), so it needs no map
 * for line breakpoints; scripts that come with a map (compiled TypeScript, bundles, inline
 * `data:` maps) are mapped both ways.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  GREATEST_LOWER_BOUND,
  LEAST_UPPER_BOUND,
  TraceMap,
  allGeneratedPositionsFor,
  originalPositionFor,
} from '@jridgewell/trace-mapping';

export interface ScriptInfo {
  scriptId: string;
  url: string;
  /** Absolute file path, when the script is a file. */
  path: string | undefined;
  map: TraceMap | undefined;
  /** Absolute paths of the map's original sources. */
  sources: string[];
}

/** A position in a file: 0-based line and column. */
export interface FilePosition {
  path: string;
  line: number;
  column: number;
}

export class ScriptRegistry {
  private readonly byId = new Map<string, ScriptInfo>();

  /** Registers a parsed script; reads its source map when asked to and there is one. */
  add(scriptId: string, url: string, sourceMapURL: string | undefined, useMaps: boolean): ScriptInfo {
    const file = filePath(url);
    const info: ScriptInfo = { scriptId, url, path: file, map: undefined, sources: [] };
    if (useMaps && sourceMapURL) {
      info.map = loadSourceMap(sourceMapURL, url);
      if (info.map) {
        info.sources = info.map.resolvedSources.flatMap((s) => (s ? [filePath(s) ?? s] : []));
      }
    }
    this.byId.set(scriptId, info);
    return info;
  }

  get(scriptId: string): ScriptInfo | undefined {
    return this.byId.get(scriptId);
  }

  all(): ScriptInfo[] {
    return [...this.byId.values()];
  }

  /** Scripts whose own file is `file` (an absolute path). */
  forPath(file: string): ScriptInfo[] {
    return this.all().filter((s) => s.path === file);
  }

  /** Scripts with a source map that has `file` among its sources. */
  mappedFrom(file: string): ScriptInfo[] {
    return this.all().filter((s) => s.map && s.sources.includes(file));
  }

  /** Where a generated position of a script comes from (itself when it has no map). */
  toOriginal(script: ScriptInfo, line: number, column: number): FilePosition | undefined {
    if (script.map) {
      for (const bias of [GREATEST_LOWER_BOUND, LEAST_UPPER_BOUND] as const) {
        const original = originalPositionFor(script.map, { line: line + 1, column, bias });
        if (original.source !== null) {
          return {
            path: filePath(original.source) ?? original.source,
            line: original.line - 1,
            column: original.column,
          };
        }
      }
    }
    return script.path === undefined ? undefined : { path: script.path, line, column };
  }

  /** Generated positions in `script` of a 0-based line of the original `file`. */
  toGenerated(script: ScriptInfo, file: string, line: number): { line: number; column: number }[] {
    return script.map ? generatedPositions(script.map, file, line) : [];
  }
}

/** The first generated position of a 0-based line of the original `file` in a map, if any. */
export function generatedPositions(
  map: TraceMap,
  file: string,
  line: number,
): { line: number; column: number }[] {
  const source = map.resolvedSources.find((s) => s && (filePath(s) ?? s) === file);
  if (!source) return [];
  const positions = allGeneratedPositionsFor(map, {
    source,
    line: line + 1,
    column: 0,
    bias: LEAST_UPPER_BOUND,
  });
  const first = positions.sort((a, b) => a.line - b.line || a.column - b.column)[0];
  return first ? [{ line: first.line - 1, column: first.column }] : [];
}

/** The absolute path of a `file://` URL or of a plain absolute path; undefined otherwise. */
export function filePath(url: string): string | undefined {
  if (url.startsWith('file://')) {
    try {
      return fileURLToPath(url);
    } catch {
      return undefined;
    }
  }
  return path.isAbsolute(url) ? url : undefined;
}

/** A regular expression CDP's setBreakpointByUrl matches against both URL forms of a file. */
export function urlRegexFor(file: string): string {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return `^(?:${escape(pathToFileURL(file).href)}|${escape(file)})$`;
}

/** Reads a script's source map (a data: URL, or a file relative to the script); undefined if unusable. */
export function loadSourceMap(sourceMapURL: string, scriptUrl: string): TraceMap | undefined {
  try {
    if (sourceMapURL.startsWith('data:')) {
      const comma = sourceMapURL.indexOf(',');
      const meta = sourceMapURL.slice(0, comma);
      const data = sourceMapURL.slice(comma + 1);
      const text = meta.endsWith(';base64')
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeURIComponent(data);
      return new TraceMap(text, scriptUrl);
    }
    const scriptFile = filePath(scriptUrl);
    const mapFile =
      filePath(sourceMapURL) ??
      (scriptFile ? path.resolve(path.dirname(scriptFile), sourceMapURL) : undefined);
    if (!mapFile) return undefined;
    return new TraceMap(readFileSync(mapFile, 'utf8'), pathToFileURL(mapFile).href);
  } catch {
    return undefined; // an unreadable map: the script is debugged as generated code
  }
}

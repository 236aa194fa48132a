/**
 * Load-time instrumentation, the transform core: `instrument(source, options)` inserts
 * function-boundary probes (see `probeApi.ts`) into JavaScript source and returns the code, an exact
 * source map, the site table and warnings.
 *
 * It parses with `@babel/parser` and splices with `magic-string` instead of reprinting: insertions
 * only, all on the original lines, so every original character keeps its line and the map is exact
 * (parse + splice costs a few ms per 1,000 lines; parse + reprint with recast, ~40 ms warm).
 */
export type { SourceMapV3 };
import remapping from '@ampproject/remapping';
import { parse } from '@babel/parser';
import MagicString from 'magic-string';
import { INSTRUMENTED_MARKER } from './probeApi';
import type { Site } from './probeApi';
import { freshIds, moduleFooter, moduleHeader } from './snippets';
import { insertionMap } from './sourceMap';
import { StateMarkers } from './stateMarker';
import type { SourceMapV3 } from './sourceMap';
import { Visitor } from './visitor';

export interface InstrumentOptions {
  /** Reported to the runtime by `module()`, used as the map's source and in warnings. */
  filename: string;
  /** A map from `source` to its own origin (e.g. TypeScript): the output map is chained through it. */
  inputSourceMap?: object;
  /** `unambiguous` (default): a module when the file has import/export, else a script (CommonJS). */
  sourceType?: 'module' | 'script' | 'unambiguous';
  /**
   * `true` (default): each wrapped body has `catch (e) { P.throw(c, e); throw e }`, so thrown errors are
   * recorded with their value; but a rethrow is a new throw for V8, so the source excerpt Node prints
   * for an uncaught error, and a debugger's "pause on (un)caught exceptions", point at the rethrow.
   * `false`: no catch (only `finally`), exact fidelity; a call that exits without `ret` threw, and the
   * error value is not seen by the probes.
   */
  captureThrows?: boolean;
}

/** What `instrument` did: in every case but the first, `code` is `source`. */
export type InstrumentStatus = 'instrumented' | 'alreadyInstrumented' | 'unparsable' | 'failed';

export interface InstrumentResult {
  /** The instrumented code, or `source` itself when it was not instrumented. */
  code: string;
  /** Maps `code` to `source` (or, with an input map, to its origin); null when `code` is `source`. */
  map: SourceMapV3 | null;
  /** The site table; positions are in `source`. */
  sites: Site[];
  /**
   * Sentences for the user (positions as editors show them: 1-based lines and columns): a file that
   * cannot be parsed, functions left untraced and why.
   */
  warnings: string[];
  status: InstrumentStatus;
}

/** Where the marker goes: after a byte-order mark and a hashbang line. */
function prologueEnd(source: string): number {
  let index = source.charCodeAt(0) === 0xfeff ? 1 : 0;
  if (source.startsWith('#!', index)) {
    const match = /\r\n|[\n\r\u2028\u2029]/.exec(source.slice(index));
    index = match ? index + match.index + match[0].length : source.length;
  }
  return index;
}

/** Whether the code was produced by `instrument` (any version of the marker). */
export function isInstrumented(source: string): boolean {
  return source.startsWith(INSTRUMENTED_MARKER.slice(0, -4), prologueEnd(source));
}

function untouched(source: string, status: InstrumentStatus, warnings: string[] = []): InstrumentResult {
  return { code: source, map: null, sites: [], warnings, status };
}

/** Instruments one file. Never throws: a file it cannot handle comes back untouched with a warning. */
export function instrument(source: string, options: InstrumentOptions): InstrumentResult {
  const { filename } = options;
  if (isInstrumented(source)) return untouched(source, 'alreadyInstrumented');
  let file;
  try {
    file = parse(source, {
      sourceType: options.sourceType ?? 'unambiguous',
      sourceFilename: filename,
      allowReturnOutsideFunction: true,
      allowNewTargetOutsideFunction: true,
      errorRecovery: false,
      attachComment: false,
    });
  } catch (error) {
    const { message, loc } = error as { message: string; loc?: { line: number; column: number } };
    const where = loc ? ` (line ${loc.line}, column ${loc.column + 1})` : '';
    const reason = String(message).replace(/\s*\(\d+:\d+\)$/, '');
    return untouched(source, 'unparsable', [
      `${filename}: cannot parse as JavaScript: ${reason}${where}; running it untouched`,
    ]);
  }
  try {
    return splice(source, file, options);
  } catch (error) {
    // A bug of ours must not stop the user's program: it runs as it was.
    const reason = error instanceof Error ? error.message : String(error);
    return untouched(source, 'failed', [`${filename}: cannot instrument: ${reason}; running it untouched`]);
  }
}

function splice(
  source: string,
  file: ReturnType<typeof parse>,
  options: InstrumentOptions,
): InstrumentResult {
  const { filename } = options;
  const { program } = file;
  const ids = freshIds(source);
  const ms = new MagicString(source);
  const markers = new StateMarkers(file.comments, source);
  const visitor = new Visitor(source, ms, ids, filename, options.captureThrows ?? true, markers);
  visitor.visit(program, null, 'program');

  const start = prologueEnd(source);
  const { sites } = visitor.sites;
  const insertions = visitor.insertions;
  const insert = (index: number, text: string, left: boolean) => {
    if (left) ms.appendLeft(index, text);
    else ms.prependRight(index, text); // before any other text opened there
    insertions.push({ index, length: text.length });
  };
  const marker = start === source.length && start > 0 ? `\n${INSTRUMENTED_MARKER}` : INSTRUMENTED_MARKER;
  if (sites.length === 0) {
    insert(start, marker, false);
  } else {
    // The probes object is created by the first statement, after any directive prologue.
    const directives = program.directives;
    const header = moduleHeader(ids);
    if (directives.length) {
      insert(start, marker, false);
      insert(directives[directives.length - 1].end!, `;${header}`, true);
    } else {
      insert(start, marker + header, false);
    }
    const shadowed = visitor.topLevelNames.has('globalThis');
    ms.append(`\n${moduleFooter(ids, filename, visitor.sites.toJson(), shadowed)}`); // after the last line: unmapped
  }

  const code = ms.toString();
  // The map names the source relative to the file, as bundlers do: `/src/app.js` → `app.js`.
  const base = filename.slice(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1);
  let map = insertionMap(source, insertions, base, base);
  if (options.inputSourceMap) {
    const chained = remapping(
      [map, options.inputSourceMap as SourceMapV3] as Parameters<typeof remapping>[0],
      () => null,
    );
    map = {
      version: 3,
      file: base,
      sources: chained.sources,
      sourcesContent: chained.sourcesContent,
      names: chained.names,
      mappings: chained.mappings as string,
    };
    if (chained.sourceRoot) map.sourceRoot = chained.sourceRoot;
  }
  return { code, map, sites, warnings: visitor.warnings, status: 'instrumented' };
}

/**
 * The source map of an insertion-only edit, one segment per original character, built directly:
 * since every original character keeps its line and only moves right by the text inserted before it
 * on that line, a line without insertions is one segment then `,CAAC` repeated (next column, same
 * source line, next source column). This is exact for every position and about ten times faster
 * than a generic per-character map (it matters most in a cold process, where the map is built by
 * interpreted code).
 *
 * Lines are counted as V8 counts them (LF, CR, CRLF, U+2028, U+2029), which is how stack traces and
 * Babel's `loc` number them.
 */

/** A source map, version 3, as JSON. */
export interface SourceMapV3 {
  version: 3;
  file?: string;
  sourceRoot?: string;
  sources: (string | null)[];
  sourcesContent?: (string | null)[];
  names: string[];
  mappings: string;
}

/** Text inserted before the original character at `index`. */
export interface Insertion {
  index: number;
  length: number;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LINE_BREAK = /\r\n|[\n\r\u2028\u2029]/g;

/** Base64 VLQ of one signed integer. */
function vlq(value: number): string {
  let rest = value < 0 ? (-value << 1) | 1 : value << 1;
  let out = '';
  do {
    let digit = rest & 31;
    rest >>>= 5;
    if (rest > 0) digit |= 32;
    out += BASE64[digit];
  } while (rest > 0);
  return out;
}

/** `.CAAC` repeated: `count` more characters, each one column right of the previous in both files. */
const STEP = ',CAAC';

/**
 * The map of `source` with `insertions` spliced in (any order; several may share an index), for a
 * generated file that may go on after the source's end (nothing after it is mapped).
 */
export function insertionMap(
  source: string,
  insertions: readonly Insertion[],
  sourceName: string,
  file: string,
): SourceMapV3 {
  const sorted = [...insertions].sort((a, b) => a.index - b.index);
  const lines: string[] = [];
  let next = 0; // next insertion to place
  let previousLine = 0; // original line (0-based) and column of the previous segment
  let previousColumn = 0;
  let lineStart = 0;
  LINE_BREAK.lastIndex = 0;
  for (let line = 0; ; line++) {
    const match = LINE_BREAK.exec(source);
    const lineEnd = match ? match.index : source.length;
    let mappings = '';
    let generatedColumn = 0; // generated column of the next original character
    let lastGenerated = 0;
    let column = 0; // original column of the next segment to write
    // Insertions at indexes lineStart..lineEnd land on this line (one at lineEnd, before the break).
    while (column < lineEnd - lineStart) {
      while (next < sorted.length && sorted[next].index < lineStart) next++;
      let inserted = 0;
      while (next < sorted.length && sorted[next].index === lineStart + column)
        inserted += sorted[next++].length;
      generatedColumn += inserted;
      if (mappings === '') {
        mappings = vlq(generatedColumn) + 'A' + vlq(line - previousLine) + vlq(column - previousColumn);
      } else {
        mappings += ',' + vlq(generatedColumn - lastGenerated) + 'AAC';
      }
      lastGenerated = generatedColumn;
      // Then every character up to the next insertion on this line, one column at a time.
      const upTo =
        next < sorted.length && sorted[next].index < lineEnd
          ? sorted[next].index - lineStart
          : lineEnd - lineStart;
      const run = upTo - column - 1;
      if (run > 0) mappings += STEP.repeat(run);
      generatedColumn += run + 1;
      lastGenerated += run;
      previousLine = line;
      previousColumn = upTo - 1;
      column = upTo;
    }
    lines.push(mappings);
    if (!match) break;
    lineStart = match.index + match[0].length;
  }
  return {
    version: 3,
    file,
    sources: [sourceName],
    sourcesContent: [source],
    names: [],
    mappings: lines.join(';'),
  };
}

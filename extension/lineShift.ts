/**
 * Keeps line-anchored marks (trace points) on their code while a document is edited. No VS Code
 * dependency: positions are plain 0-based `{ line, character }`, as in a text document change.
 */

export interface TextPosition {
  /** 0-based line. */
  line: number;
  /** 0-based column. */
  character: number;
}

/** One replacement of a document range by text, as VS Code reports a content change. */
export interface LineEdit {
  start: TextPosition;
  end: TextPosition;
  text: string;
}

/**
 * The 1-based lines after `edit`, sorted and without duplicates. A mark is anchored at the start of
 * its line: before the edited range it stays; at or after the range's end it moves by the lines
 * the edit added or removed (so pressing Enter at the start of a line carries the mark down with
 * the code); inside a replaced range its line is gone, and so is the mark.
 */
export function shiftLines(lines: readonly number[], edit: LineEdit): number[] {
  const removed = edit.end.line - edit.start.line;
  const delta = countNewlines(edit.text) - removed;
  const out = new Set<number>();
  for (const line of lines) {
    const anchor = { line: line - 1, character: 0 };
    if (before(anchor, edit.start)) out.add(line);
    else if (!before(anchor, edit.end)) out.add(line + delta);
    // Otherwise the anchor lies in the replaced text: the line was deleted.
  }
  return [...out].filter((l) => l >= 1).sort((a, b) => a - b);
}

function before(a: TextPosition, b: TextPosition): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

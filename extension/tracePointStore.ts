/**
 * The trace points the user toggled, by file: what is persisted per workspace and sent to every
 * Cinescope session. No VS Code dependency; the extension saves `toJSON()` in its workspace state.
 */
import { shiftLines } from './lineShift';
import type { LineEdit } from './lineShift';

/** The persisted shape: absolute file path → sorted 1-based lines. */
export type TracePointsJson = Record<string, number[]>;

export class TracePointStore {
  private readonly byFile = new Map<string, number[]>();

  /** A store from persisted data; anything malformed in it is skipped, not fatal. */
  static fromJSON(data: unknown): TracePointStore {
    const store = new TracePointStore();
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return store;
    for (const [file, lines] of Object.entries(data)) {
      if (!Array.isArray(lines)) continue;
      store.set(
        file,
        lines.filter((l): l is number => Number.isInteger(l) && l >= 1),
      );
    }
    return store;
  }

  toJSON(): TracePointsJson {
    return Object.fromEntries(this.byFile);
  }

  /** The file's lines, sorted; empty when it has none. */
  lines(file: string): readonly number[] {
    return this.byFile.get(file) ?? [];
  }

  has(file: string, line: number): boolean {
    return this.lines(file).includes(line);
  }

  /** Files that have trace points. */
  files(): string[] {
    return [...this.byFile.keys()];
  }

  /** Adds the trace point if absent, removes it if present; returns whether it is now set. */
  toggle(file: string, line: number): boolean {
    const lines = this.lines(file);
    const on = !lines.includes(line);
    this.set(file, on ? [...lines, line] : lines.filter((l) => l !== line));
    return on;
  }

  /** Replaces the file's lines (sorted and deduplicated here). */
  set(file: string, lines: readonly number[]): void {
    const clean = [...new Set(lines)].sort((a, b) => a - b);
    if (clean.length === 0) this.byFile.delete(file);
    else this.byFile.set(file, clean);
  }

  /** Removes every trace point; returns the files that had some. */
  clear(): string[] {
    const files = this.files();
    this.byFile.clear();
    return files;
  }

  /**
   * Moves the file's trace points through document edits applied in order; returns whether any
   * line changed (the caller then persists and tells running sessions).
   */
  applyEdits(file: string, edits: readonly LineEdit[]): boolean {
    const before = this.byFile.get(file);
    if (!before) return false;
    let lines: readonly number[] = before;
    for (const edit of edits) lines = shiftLines(lines, edit);
    if (lines.length === before.length && lines.every((l, i) => l === before[i])) return false;
    this.set(file, lines);
    return true;
  }

  /** Follows a renamed file. */
  rename(from: string, to: string): boolean {
    const lines = this.byFile.get(from);
    if (!lines) return false;
    this.byFile.delete(from);
    this.set(to, [...this.lines(to), ...lines]);
    return true;
  }
}

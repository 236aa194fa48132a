/**
 * The fidelity table's type: a program (one file, or several with `main.*` as the entry) that must
 * print exactly the same thing, and exit the same way, instrumented or not.
 */
export interface FidelityCase {
  name: string;
  /** One CommonJS file, or a file set whose entry is `main.js`/`main.mjs`. */
  code?: string;
  files?: Record<string, string>;
  /** Extension of the single file (default `.js`, CommonJS). */
  ext?: '.js' | '.mjs';
  /** Expected exit code (default 0): checks the case does what it means to. */
  exitCode?: number;
  /** Instrument with `captureThrows: false` as well and compare that too. */
  alsoWithoutCatch?: boolean;
  /** Warnings `instrument` must give (substrings), e.g. for functions left untraced on purpose. */
  warnings?: string[];
  /** Part of the expected stdout, to be sure the program ran as intended. */
  prints?: string;
  /**
   * A difference the instrumented run is known to show, checked exactly rather than hidden: the
   * stderr lines that differ (by index) and why.
   */
  knownStderrDifference?: { why: string; lines: number[] };
}

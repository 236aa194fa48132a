/**
 * Expected failures of reading traces: a code a program can branch on and a sentence a user can
 * act on. Unexpected failures stay ordinary exceptions and are caught once, at the edge.
 */
export type TraceErrorCode =
  | 'corrupt-record'
  | 'corrupt-value'
  | 'unknown-version'
  | 'bad-batch'
  | 'not-a-trace'
  | 'corrupt-file'
  | 'too-new'
  | 'unreadable'
  | 'read-only'
  | 'bad-query';

export class TraceError extends Error {
  constructor(
    readonly code: TraceErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TraceError';
  }
}

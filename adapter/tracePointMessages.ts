/**
 * What the trace point manager tells the user, and when it tries again: the sentences of
 * `TracePointState.message` and the retry schedule of refused live edits.
 */
import { MAX_TRACE_POINTS } from '../runtime/tracePoints';
import type { PlannedTracePoint } from './tracePointEdit';

/** The state of a point set before a launched program started. */
export const NOT_STARTED =
  'Waiting for the program to start: the trace point is set before its first line runs.';

/** The state of a point in a file that only worker threads (or child processes) loaded. */
export const ELSEWHERE =
  'This file runs in a worker thread or child process, and trace points record on the main thread only (not yet supported in workers): nothing is recorded here. Function tracing (`trace`) does record workers.';

/** Why a trace point set after the session used every id does not record. */
export const TOO_MANY_POINTS =
  `This session has used all ${(MAX_TRACE_POINTS - 1).toLocaleString('en-US')} trace point ids ` +
  '(one per file and line set since it started): restart the session to set more.';

/**
 * Waits before retrying a refused edit. After the last, the point stays a breakpoint: V8 also
 * refuses to edit an async function for as long as any closure created in one of its finished
 * calls is alive (a stored `resolve`, a callback), which may be forever.
 */
export const RETRY_MS = [250, 500, 1000, 2000, 4000, 8000, 16000];

/** The sentence shown when a point is not on the line asked for. */
export function moved(planned: PlannedTracePoint): { message?: string } {
  return planned.statementLine === planned.line
    ? {}
    : { message: `No statement starts on line ${planned.line}: recording at line ${planned.statementLine}.` };
}

/** Refusals that go away once the program moves on: worth retrying. */
export function blocked(status: string): boolean {
  return status === 'BlockedByActiveFunction' || status === 'BlockedByActiveGenerator';
}

/** Why V8 refused the edit, for the user. */
export function refusal(status: string, retrying: boolean): string {
  const slow = retrying
    ? 'recording through a conditional breakpoint (~100 µs a hit) until the edit is accepted'
    : 'recording through a conditional breakpoint (~100 µs a hit); the edit is not retried any more';
  switch (status) {
    case 'BlockedByActiveFunction':
      return `A function of this file is running, so V8 refused the live edit (BlockedByActiveFunction); ${slow}.`;
    case 'BlockedByActiveGenerator':
      return `A function of this file is suspended at an await or yield, so V8 refused the live edit (BlockedByActiveGenerator); ${slow}.`;
    case 'BlockedByTopLevelEsModuleChange':
      return `V8 refuses edits of an ES module's top-level code (BlockedByTopLevelEsModuleChange); ${slow}.`;
    default:
      return `The live edit failed (${status}); ${slow}.`;
  }
}

/**
 * What `activate` returns (`vscode.extensions.getExtension('cinescope.cinescope').exports`): a
 * read-only look at the extension's state for end-to-end tests and other extensions. No VS Code
 * dependency.
 */
export interface CinescopeApi {
  /** The trace-point lines (1-based) of a file, as persisted for the workspace. */
  tracePointLines(file: string): readonly number[];
  /** The current live trace (the active Cinescope session's, else the latest), if any. */
  liveTrace(): LiveTraceInfo | undefined;
}

export interface LiveTraceInfo {
  /** The root debug session's id. */
  sessionId: string;
  name: string;
  recording: boolean;
  events: number;
  dropped: number;
}

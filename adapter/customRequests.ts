/**
 * Cinescope's custom DAP requests: the contract between the debug adapter and its clients (the
 * VS Code extension, nvim-dap, tests). VS Code sends them with `DebugSession.customRequest`.
 */

/** `cinescope/setTracePoints`: replaces the trace points of one source file. */
export interface SetTracePointsArguments {
  source: { path: string };
  /** 1-based lines; an empty list removes the file's trace points. */
  lines: number[];
}

/** How a trace point records its hits. */
export type TracePointMode =
  /** A probe in the running code: about a microsecond a hit, never pauses. */
  | 'probe'
  /** A conditional breakpoint that records and continues: ~100 µs a hit; shown to the user. */
  | 'breakpoint'
  /** Waiting for its script to load, or for a live edit to be accepted. */
  | 'pending'
  /** Cannot record in this session, for the reason in `message` (a limit reached). */
  | 'failed';

export interface TracePointState {
  /** 1-based line, as asked. */
  line: number;
  /** Stable id for the session; recorded with every hit. 0 for a `failed` point (it has none). */
  id: number;
  mode: TracePointMode;
  /** Why a trace point is pending or fell back, in a sentence. */
  message?: string;
}

export interface SetTracePointsResponseBody {
  tracePoints: TracePointState[];
}

/** `cinescope/setFunctionTracing`: switches function-boundary probes on or off while running. */
export interface SetFunctionTracingArguments {
  enabled: boolean;
  /** Function names or globs; all traced functions when absent. */
  functions?: string[];
}

export interface SetFunctionTracingResponseBody {
  /** How many probe sites changed state, summed over the session's threads. */
  sites: number;
}

/** `cinescope/traceStatus`: what the session has recorded so far. */
export interface TraceStatusResponseBody {
  /** Where the session's events go: a file it will write, or the extension's live TraceDB. */
  destination: string;
  events: number;
  dropped: number;
}

export const CustomRequest = {
  setTracePoints: 'cinescope/setTracePoints',
  setFunctionTracing: 'cinescope/setFunctionTracing',
  traceStatus: 'cinescope/traceStatus',
} as const;

/** Custom events the adapter sends (`DebugSessionCustomEvent` in VS Code). */
export const CustomEvent = {
  /** body: `{ tracePoints: TracePointState[], path: string }` when a trace point's mode changes. */
  tracePointsChanged: 'cinescope/tracePointsChanged',
} as const;

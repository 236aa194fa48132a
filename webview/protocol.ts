/**
 * The one contract between the timeline page and its host (the VS Code extension or the
 * `cinescope view` server). The page sends requests with ids and gets exactly one response or one
 * error for each; it asks for windows of the trace, never the whole of it. Every message is a
 * discriminated union on `type`. Shared by page and host as types only. The data shapes are the
 * TraceDB's (tracedb/timelineTypes.ts), re-exported here so the page imports one file.
 */
import type {
  EventDetail,
  EventMark,
  MetricsData,
  StateTimeline,
  TraceOverview,
  WindowData,
} from '../tracedb/timelineTypes';

/** Bumped when a message changes shape; the page shows a sentence when the host speaks another. */
export const PROTOCOL_VERSION = 1;

// ---- Queries and their results -----------------------------------------------------------------

/** What the page can ask for. */
export type TimelineQuery =
  | { type: 'overview' }
  | { type: 'window'; fromTs: number; toTs: number; buckets: number }
  | { type: 'metrics'; fromTs: number; toTs: number; buckets: number }
  | { type: 'event'; eventId: number }
  | { type: 'neighbor'; eventId: number; direction: 'next' | 'prev' }
  | { type: 'stateTimeline'; pid: number; tid: number; objectId: number }
  | { type: 'search'; text: string; limit: number };

/** The answer to each query type, with the same `type`. */
export type TimelineResult =
  | { type: 'overview'; overview: Overview }
  | { type: 'window'; window: WindowData }
  | { type: 'metrics'; metrics: MetricsData }
  | { type: 'event'; detail: EventDetail }
  | { type: 'neighbor'; event: EventMark | null }
  | { type: 'stateTimeline'; timeline: StateTimeline }
  | { type: 'search'; hits: EventMark[]; more: boolean };

/** The result type that answers query type `T`. */
export type ResultOf<T extends TimelineQuery['type']> = Extract<TimelineResult, { type: T }>;

// ---- Messages ------------------------------------------------------------------------------------

/** Page → host. */
export type PageMessage =
  | { type: 'request'; id: number; query: TimelineQuery }
  /** Open a source location in an editor (the browser view shows the path instead). */
  | { type: 'openSource'; file: string; line: number; column: number };

/** Host → page. */
export type HostMessage =
  | { type: 'response'; id: number; result: TimelineResult }
  | { type: 'error'; id: number; code: string; message: string }
  /** The trace grew (live session): the page asks for its overview and window again. */
  | { type: 'traceChanged' };

// ---- Data shapes (one place: the TraceDB's contract) ---------------------------------------------

export type {
  ProcessInfo,
  LaneInfo,
  StateObject,
  EventKind,
  EventMark,
  CallSpan,
  LaneWindow,
  MessageArrow,
  StateMark,
  WindowData,
  MetricName,
  MetricSeries,
  MetricsData,
  SourceLocation,
  StateChangeRow,
  EventDetail,
  StateStep,
  StateTimeline,
  TraceOverview,
} from '../tracedb/timelineTypes';

/** The first answer to the page: the trace's overview and the protocol the host speaks. */
export interface Overview extends TraceOverview {
  protocol: number;
}

/**
 * The shapes of what the TraceDB answers about a trace for a timeline: bounds and lanes, windows
 * with level of detail, metrics, event details, state histories. Plain data, JSON on any wire.
 * The TraceDB side (tracedb/timeline*.ts) produces them and knows nothing of who shows them;
 * webview/protocol.ts re-exports them as the page's message payloads.
 */

export interface ProcessInfo {
  pid: number;
  ppid: number | null;
  label: string;
  spawnTs: number | null;
  startTs: number | null;
  endTs: number | null;
  exitCode: number | null;
  exitReason: string | null;
  exitSignal: string | null;
}

/** One thread: a lane of events with a flame chart of its calls. */
export interface LaneInfo {
  /** `pid:tid`, the key windows use. */
  key: string;
  pid: number;
  tid: number;
  label: string;
  isMain: boolean;
  spawnTs: number | null;
  startTs: number | null;
  endTs: number | null;
  exitCode: number | null;
  events: number;
}

/** A traced object whose state changes have their own lane. */
export interface StateObject {
  pid: number;
  tid: number;
  objectId: number;
  className: string | null;
  changes: number;
}

/** The trace's bounds, processes, lanes and objects; the protocol's Overview adds its version. */
export interface TraceOverview {
  /** A sentence for the user when the trace has nothing to show, else null. */
  empty: string | null;
  fromTs: number;
  toTs: number;
  events: number;
  processes: ProcessInfo[];
  lanes: LaneInfo[];
  objects: StateObject[];
  errors: number;
  dropped: number;
  /** True when the host's trace is still being recorded. */
  live: boolean;
}

/** Broad classes of events, which decide colour and shape. */
export type EventKind =
  'lifecycle' | 'message' | 'error' | 'call' | 'state' | 'mark' | 'metric' | 'tracePoint' | 'other';

/** One event as the lanes draw it; `label` is a short text (function, channel, mark name…). */
export interface EventMark {
  id: number;
  pid: number;
  tid: number;
  ts: number;
  type: number;
  typeName: string;
  kind: EventKind;
  label: string;
}

/** One call, drawn as a bar of the thread's flame chart. */
export interface CallSpan {
  /** events.id of the call event (or of its end, when the call started before the window). */
  id: number;
  eid: number;
  startTs: number;
  /** End of the call, or the window's end when it is still running there. */
  endTs: number;
  depth: number;
  name: string;
  outcome: 'returned' | 'threw' | 'open';
  /** True when the call started before the window (startTs is the window's start). */
  clipped: boolean;
}

export interface LaneWindow {
  key: string;
  /** `detail`: every event and call of the lane in the window; `buckets`: counts per bucket. */
  mode: 'detail' | 'buckets';
  /** Events in the window (all of them in detail mode; the important ones in bucket mode). */
  events: EventMark[];
  spans: CallSpan[];
  /** Bucket mode: events per bucket, `buckets` long, bucket i starting at fromTs + i * bucketMs. */
  counts: number[];
  /** Events of the lane in the window. */
  total: number;
}

export interface MessageArrow {
  sendId: number;
  recvId: number;
  fromLane: string;
  toLane: string;
  sendTs: number;
  recvTs: number;
  channel: string;
}

/** The calls of one traced object that changed it, in the window. */
export interface StateMark {
  pid: number;
  tid: number;
  objectId: number;
  className: string | null;
  callEid: number;
  method: string | null;
  ts: number;
  paths: number;
}

export interface WindowData {
  fromTs: number;
  toTs: number;
  bucketMs: number;
  lanes: LaneWindow[];
  messages: MessageArrow[];
  /** Messages in the window that were not sent as arrows (too many to draw). */
  messagesOmitted: number;
  stateMarks: StateMark[];
}

export type MetricName = 'heapUsed' | 'elu' | 'delayP50' | 'delayP99' | 'cpu' | 'gc';

export interface MetricSeries {
  lane: string;
  name: MetricName;
  /** Pairs [ts, value]; per bucket the largest value. cpu is percent of one core; gc is ms. */
  points: Array<[number, number]>;
}

export interface MetricsData {
  fromTs: number;
  toTs: number;
  series: MetricSeries[];
}

export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  name: string | null;
}

export interface StateChangeRow {
  path: string;
  op: string;
  old: unknown;
  new: unknown;
}

export interface EventDetail {
  mark: EventMark;
  eid: number;
  parent: number;
  corr: number;
  flags: number;
  /** The decoded payload (JSON value encoding, docs/value-encoding.md). */
  payload: unknown;
  source: SourceLocation | null;
  call: {
    args: unknown;
    returned: unknown;
    threw: unknown;
    endTs: number | null;
    outcome: 'returned' | 'threw' | 'open';
  } | null;
  error: { name: string | null; message: string; stack: string | null } | null;
  /** For a message: the event on the other side. */
  peer: EventMark | null;
  /** For a call of a traced object's method: what it changed. */
  stateChanges: Array<{ objectId: number; className: string | null; changes: StateChangeRow[] }>;
  /** For a trace-point hit: its variables. */
  values: Record<string, unknown> | null;
}

export interface StateStep {
  ts: number;
  callEid: number;
  /** events.id of the call that made the change, when found. */
  callId: number | null;
  method: string | null;
  changes: StateChangeRow[];
}

export interface StateTimeline {
  pid: number;
  tid: number;
  objectId: number;
  className: string | null;
  steps: StateStep[];
}

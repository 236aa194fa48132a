/**
 * Binary event schema, version 1: the one contract between the runtime that writes events and
 * everything that reads them (collector, TraceDB, tests). Change a layout here and bump
 * SCHEMA_VERSION; readers refuse versions they do not know.
 *
 * A record is a fixed 40-byte little-endian header followed by a payload in the tagged value
 * encoding of `valueEncoder.ts`. Records start on 8-byte boundaries: `length` is the unpadded size,
 * the next record starts at `align8(length)`.
 *
 *   off size field
 *   0   u32  length     header + payload bytes (unpadded)
 *   4   u16  type       EventType
 *   6   u16  flags      RecordFlag bits
 *   8   f64  ts         wall-clock milliseconds since the Unix epoch, sub-millisecond fraction
 *   16  u32  tid        worker_threads threadId (0 = main thread)
 *   20  u32  eid        event id, unique per (process, thread), starting at 1
 *   24  u32  parent     eid of the enclosing event on the same thread, 0 = none
 *   28  u32  site       site-table id of the source location, 0 = none
 *   32  f64  corr       correlation id (integer < 2^53) shared by related events, 0 = none
 *   40  ...  payload    one encoded value (usually a plain object), absent when length = 40
 *
 * A batch is what travels over the WebSocket: a 16-byte header then `count` records.
 *
 *   0   u32  magic      BATCH_MAGIC ("CSB1")
 *   4   u16  version    SCHEMA_VERSION
 *   6   u16  reserved   0
 *   8   u32  pid        the process that wrote every record of the batch
 *   12  u32  count      number of records that follow
 */

export const SCHEMA_VERSION = 1;
export const HEADER_BYTES = 40;
export const BATCH_HEADER_BYTES = 16;
/** "CSB1" read as a little-endian u32. */
export const BATCH_MAGIC = 0x31425343;
/** Largest record the runtime writes; larger payloads are truncated by the value encoder. */
export const MAX_RECORD_BYTES = 64 * 1024;
/** Largest batch a collector accepts; larger frames are refused as hostile. */
export const MAX_BATCH_BYTES = 16 * 1024 * 1024;

export const Offset = {
  length: 0,
  type: 4,
  flags: 6,
  ts: 8,
  tid: 16,
  eid: 20,
  parent: 24,
  site: 28,
  corr: 32,
} as const;

export const BatchOffset = { magic: 0, version: 4, pid: 8, count: 12 } as const;

export const RecordFlag = {
  /** The payload hit an encoding limit and carries truncation markers. */
  truncated: 1,
} as const;

/** Rounds a record length up to the next 8-byte boundary. */
export function align8(n: number): number {
  return (n + 7) & ~7;
}

/**
 * Every event type. Numbers are part of the file format: never reuse or renumber one.
 * Names are what the TraceDB and the CLI show.
 */
export const EventType = {
  processStart: 1,
  processExit: 2,
  threadStart: 3,
  threadExit: 4,
  workerSpawn: 5,
  childSpawn: 6,
  childExit: 7,
  messageSend: 8,
  messageReceive: 9,
  uncaughtException: 10,
  unhandledRejection: 11,
  workerError: 12,
  signal: 13,
  metrics: 14,
  gc: 15,
  dropped: 16,
  mark: 17,
  warning: 18,
  /** A module's site table, once per module and thread; `site` ids of later events refer to it. */
  siteTable: 19,
  /** A traced function is entered; the event id is the call id, `parent` the enclosing call. */
  call: 20,
  /** The call returns a value (`parent` = the call). */
  return: 21,
  /** The call is left by an exception (`parent` = the call). */
  throw: 22,
  /** The call suspends at an await or yield (`parent` = the call). */
  suspend: 23,
  /** The call runs again after a suspension (`parent` = the call). */
  resume: 24,
  /** A snapshot of a traced object's own state before or after one of its methods (`parent` = the call). */
  state: 25,
  /** A trace point's line ran: the values of the variables in scope there (`parent` = the enclosing call). */
  tracePointHit: 26,
  /** A trace point was set: its id, file and line, which its hits refer to by id. */
  tracePoint: 27,
} as const;

export type EventTypeName = keyof typeof EventType;
export type EventTypeId = (typeof EventType)[EventTypeName];

const namesById = new Map<number, EventTypeName>(
  (Object.keys(EventType) as EventTypeName[]).map((name) => [EventType[name], name]),
);

/** The name of an event type id, or `type<N>` for one this version does not know. */
export function eventTypeName(type: number): string {
  return namesById.get(type) ?? `type${type}`;
}

/** Event types that are errors: never sampled away, listed by `errors` queries. */
export const ERROR_TYPES: readonly number[] = [
  EventType.uncaughtException,
  EventType.unhandledRejection,
  EventType.workerError,
];

/**
 * Event types that explain how a program ended or failed: never sampled away, and allowed into
 * the reserve of a nearly full ring.
 */
export const CRITICAL_TYPES: readonly number[] = [
  ...ERROR_TYPES,
  EventType.processStart,
  EventType.processExit,
  EventType.threadStart,
  EventType.threadExit,
  EventType.childExit,
  EventType.signal,
];

/** Kinds of message channel, as recorded in message payloads. */
export type ChannelKind = 'worker' | 'parentPort' | 'port' | 'broadcast' | 'ipc';

// Payloads. Each event's payload is one encoded value of the matching shape. They are plain
// objects so that new fields can be added without a version bump; readers ignore unknown fields.

export interface ProcessStartPayload {
  pid: number;
  ppid: number;
  argv: string[];
  execArgv: string[];
  cwd: string;
  title: string;
  nodeVersion: string;
  platform: string;
  /** Performance time origin of the process, epoch ms. */
  timeOrigin: number;
}
export interface ProcessExitPayload {
  code: number;
  /** How the process is ending: 'exit' (normal or process.exit), 'signal', 'uncaught'. */
  reason: string;
  signal?: string;
}
export interface ThreadStartPayload {
  threadId: number;
  name: string;
  isMainThread: boolean;
}
export interface ThreadExitPayload {
  threadId: number;
  code: number;
}
export interface WorkerSpawnPayload {
  threadId: number;
  name: string;
  filename: string;
}
export interface ChildSpawnPayload {
  pid: number;
  command: string;
  args: string[];
  ipc: boolean;
}
export interface ChildExitPayload {
  pid: number;
  code: number | null;
  signal: string | null;
}
export interface MessagePayload {
  channel: ChannelKind;
  /** Stable name of the channel: worker thread id, child pid, broadcast name… */
  key: string;
  /** Position of the message on its channel (1-based), where the channel is ordered. */
  seq: number;
  /** The thread (same process) or process (ipc) on the other side, where known. */
  peer: number;
  data: unknown;
}
export interface ErrorPayload {
  error: unknown;
  /** For uncaught exceptions: Node's origin ('uncaughtException' or 'unhandledRejection'). */
  origin?: string;
  threadId?: number;
}
export interface SignalPayload {
  signal: string;
}
export interface MetricsPayload {
  /** Event-loop utilisation over the interval, 0..1. */
  elu: number;
  /** Event-loop delay over the interval, milliseconds. */
  delayP50: number;
  delayP90: number;
  delayP99: number;
  delayMax: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  rss: number;
  /** CPU time used over the interval, microseconds. */
  cpuUser: number;
  cpuSystem: number;
  activeHandles: number;
  heapSpaces: Record<string, number>;
}
export interface GcPayload {
  kind: string;
  durationMs: number;
}
export interface DroppedPayload {
  count: number;
  bytes: number;
  /** 'ring-full' | 'transport' | 'store-full' | 'oversize' */
  reason: string;
}
export interface SiteTablePayload {
  file: string;
  /** The id of the module's first site; site i of the table has id `base + i`. */
  base: number;
  /** The entries of runtime/instrument/probeApi.ts's `Site`, without `index`. */
  sites: unknown[];
}
export interface CallPayload {
  args: unknown[];
}
export interface ReturnPayload {
  value: unknown;
}
export interface ThrowPayload {
  error: unknown;
}
export interface StatePayload {
  phase: 'before' | 'after';
  /** The object's id, the same for every snapshot of one object in one thread. */
  objectId: number;
  className: string;
  value: unknown;
}
/** Where a trace point is; recorded once per id and thread, before its first hit. */
export interface TracePointPayload {
  /** The trace point's id, given by the debug adapter: one id per file and line for a session. */
  id: number;
  /** The file and 1-based line as the user set them. */
  file: string;
  line: number;
}
/**
 * Kept small, as the program pays for every byte at every hit: the trace point's file and line are
 * in its own event. The TraceDB adds them to the hit when it stores it (`file`, `line` first).
 */
export interface TracePointHitPayload {
  /** The trace point's id (see TracePointPayload). */
  id: number;
  /** Every variable in scope at the line, by name (locals, then closure variables). */
  vars: Record<string, unknown>;
  /** `this` at the line, when the line is inside a function that has its own `this`. */
  this?: unknown;
  /** Variables in their temporal dead zone at this hit: declared but not yet initialised. */
  tdz?: string[];
  /** 'breakpoint' when the slower conditional-breakpoint fallback recorded it; absent for a probe. */
  via?: 'breakpoint';
}
export interface MarkPayload {
  name: string;
  data?: unknown;
}
export interface WarningPayload {
  message: string;
}

/** Runtime → collector control messages (WebSocket text frames, JSON). */
export type RuntimeControlMessage = {
  type: 'hello';
  schemaVersion: number;
  pid: number;
  ppid: number;
  session: string;
  runtimeVersion: string;
};

/** Collector → runtime control messages. Reserved for runtime control (sampling, trace points). */
export type CollectorControlMessage = { type: 'welcome'; session: string };

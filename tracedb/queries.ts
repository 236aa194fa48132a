/**
 * The named read queries of the TraceDB and the shapes they return.
 */
import type { SqlValue } from 'sql.js';
import { EventType, eventTypeName } from '../runtime/eventSchema';

export interface EventRow {
  /** Row id in the events table, in ingest order. */
  id: number;
  pid: number;
  tid: number;
  eid: number;
  parent: number;
  site: number;
  corr: number;
  ts: number;
  type: number;
  typeName: string;
  flags: number;
  /** JSON text, or null when the record has no payload. */
  payload: string | null;
}

/** One send and one of its receives; the receive fields are null for a send nobody received. */
export interface MessageLink {
  corr: number;
  channel: string | null;
  key: string | null;
  seq: number | null;
  sendId: number;
  sendPid: number;
  sendTid: number;
  sendTs: number;
  recvId: number | null;
  recvPid: number | null;
  recvTid: number | null;
  recvTs: number | null;
  /** recvTs - sendTs, milliseconds. */
  latencyMs: number | null;
}

export interface ThreadNode {
  tid: number;
  name: string | null;
  isMain: boolean | null;
  filename: string | null;
  parentTid: number | null;
  spawnTs: number | null;
  startTs: number | null;
  endTs: number | null;
  exitCode: number | null;
  /** Events recorded from this thread (0 for a worker that was spawned but sent nothing). */
  events: number;
  firstTs: number | null;
  lastTs: number | null;
}

export interface ProcessNode {
  pid: number;
  ppid: number | null;
  argv: string[] | null;
  execArgv: string[] | null;
  cwd: string | null;
  title: string | null;
  nodeVersion: string | null;
  platform: string | null;
  /** From the parent's childSpawn. */
  command: string | null;
  args: string[] | null;
  spawnTs: number | null;
  startTs: number | null;
  endTs: number | null;
  exitCode: number | null;
  exitSignal: string | null;
  exitReason: string | null;
  /** Events recorded from this process (0 for an untraced child). */
  events: number;
  firstTs: number | null;
  lastTs: number | null;
  threads: ThreadNode[];
  children: ProcessNode[];
}

export interface ErrorRow {
  id: number;
  pid: number;
  tid: number;
  eid: number;
  ts: number;
  type: number;
  typeName: string;
  /** Error name ('TypeError'…), null when the thrown value was not an Error. */
  name: string | null;
  message: string;
  stack: string | null;
  /** uncaughtException origin, when recorded. */
  origin: string | null;
  /** workerError: the thread id of the worker that failed, when recorded. */
  threadId: number | null;
}

const EVENT_COLUMNS = 'id, pid, tid, eid, parent, site, corr, ts, type, flags, payload';

export const THREAD_EVENTS_SQL = `SELECT ${EVENT_COLUMNS} FROM events
WHERE pid = ? AND tid = ? AND ts >= ? AND ts <= ? ORDER BY ts, id LIMIT ?`;

export function toEventRow(r: SqlValue[]): EventRow {
  return {
    id: r[0] as number,
    pid: r[1] as number,
    tid: r[2] as number,
    eid: r[3] as number,
    parent: r[4] as number,
    site: r[5] as number,
    corr: r[6] as number,
    ts: r[7] as number,
    type: r[8] as number,
    typeName: eventTypeName(r[8] as number),
    flags: r[9] as number,
    payload: r[10] as string | null,
  };
}

/** json_extract that yields NULL instead of failing on a payload that is not JSON. */
const field = (col: string, p: string) =>
  `CASE WHEN json_valid(${col}) THEN json_extract(${col}, '${p}') END`;

/** Params: fromTs, toTs, pid (or null for all). A pid matches the sender or the receiver. */
export const MESSAGES_SQL = `
SELECT s.corr, ${field('s.payload', '$.channel')}, ${field('s.payload', '$.key')}, ${field('s.payload', '$.seq')},
  s.id, s.pid, s.tid, s.ts, r.id, r.pid, r.tid, r.ts
FROM events s
LEFT JOIN events r ON r.corr = s.corr AND r.corr <> 0 AND +r.type = ${EventType.messageReceive}
WHERE s.type = ${EventType.messageSend} AND s.ts >= ?1 AND s.ts <= ?2
  AND (?3 IS NULL OR s.pid = ?3 OR r.pid = ?3)
ORDER BY s.ts, s.id, r.ts, r.id`;

export function toMessageLink(r: SqlValue[]): MessageLink {
  const recvTs = r[11] as number | null;
  return {
    corr: r[0] as number,
    channel: typeof r[1] === 'string' ? r[1] : null,
    key: r[2] === null ? null : String(r[2]),
    seq: typeof r[3] === 'number' ? r[3] : null,
    sendId: r[4] as number,
    sendPid: r[5] as number,
    sendTid: r[6] as number,
    sendTs: r[7] as number,
    recvId: r[8] as number | null,
    recvPid: r[9] as number | null,
    recvTid: r[10] as number | null,
    recvTs,
    latencyMs: recvTs === null ? null : recvTs - (r[7] as number),
  };
}

export const ERRORS_SQL = `SELECT id, pid, tid, eid, ts, type, payload FROM events
WHERE type IN (${EventType.uncaughtException}, ${EventType.unhandledRejection}, ${EventType.workerError})
ORDER BY ts, id`;

export function toErrorRow(r: SqlValue[]): ErrorRow {
  const type = r[5] as number;
  const row: ErrorRow = {
    id: r[0] as number,
    pid: r[1] as number,
    tid: r[2] as number,
    eid: r[3] as number,
    ts: r[4] as number,
    type,
    typeName: eventTypeName(type),
    name: null,
    message: '',
    stack: null,
    origin: null,
    threadId: null,
  };
  const payload = parseJson(r[6]);
  if (!isObject(payload)) return { ...row, message: payload === undefined ? '' : describe(payload) };
  if (typeof payload.origin === 'string') row.origin = payload.origin;
  if (typeof payload.threadId === 'number') row.threadId = payload.threadId;
  const error = payload.error;
  if (isObject(error)) {
    if (typeof error.name === 'string') row.name = error.name;
    if (typeof error.stack === 'string') row.stack = error.stack;
    row.message = typeof error.message === 'string' ? error.message : describe(error);
  } else {
    row.message = error === undefined ? '' : describe(error);
  }
  return row;
}

export const METRICS_SERIES_SQL = `SELECT ts, value FROM metrics
WHERE pid = ? AND tid = ? AND name = ? AND ts >= ? AND ts <= ? ORDER BY ts`;

export const PROCESSES_SQL = `SELECT pid, ppid, argv, exec_argv, cwd, title, node_version, platform, command,
  args, spawn_ts, start_ts, end_ts, exit_code, exit_signal, exit_reason, events, first_ts, last_ts
FROM processes ORDER BY coalesce(start_ts, spawn_ts, first_ts), pid`;
export const THREADS_SQL = `SELECT pid, tid, name, is_main, filename, parent_tid, spawn_ts, start_ts, end_ts,
  exit_code, events, first_ts, last_ts FROM threads ORDER BY pid, tid`;

/** Builds the process forest: roots are processes whose parent was not seen. */
export function buildSpawnTree(processRows: SqlValue[][], threadRows: SqlValue[][]): ProcessNode[] {
  const byPid = new Map<number, ProcessNode>();
  for (const r of processRows) {
    const n = (i: number) => r[i] as number | null;
    const s = (i: number) => r[i] as string | null;
    byPid.set(r[0] as number, {
      pid: r[0] as number,
      ppid: n(1),
      argv: stringArray(r[2]),
      execArgv: stringArray(r[3]),
      cwd: s(4),
      title: s(5),
      nodeVersion: s(6),
      platform: s(7),
      command: s(8),
      args: stringArray(r[9]),
      spawnTs: n(10),
      startTs: n(11),
      endTs: n(12),
      exitCode: n(13),
      exitSignal: s(14),
      exitReason: s(15),
      events: r[16] as number,
      firstTs: n(17),
      lastTs: n(18),
      threads: [],
      children: [],
    });
  }
  for (const r of threadRows) {
    const n = (i: number) => r[i] as number | null;
    byPid.get(r[0] as number)?.threads.push({
      tid: r[1] as number,
      name: r[2] as string | null,
      isMain: r[3] === null ? null : r[3] === 1,
      filename: r[4] as string | null,
      parentTid: n(5),
      spawnTs: n(6),
      startTs: n(7),
      endTs: n(8),
      exitCode: n(9),
      events: r[10] as number,
      firstTs: n(11),
      lastTs: n(12),
    });
  }
  const roots: ProcessNode[] = [];
  for (const node of byPid.values()) {
    const parent = node.ppid === null ? undefined : byPid.get(node.ppid);
    if (parent && !isAncestor(node, parent, byPid)) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

/** True when `node` is `of` or one of its ancestors (pid reuse can make ppid links loop). */
function isAncestor(node: ProcessNode, of: ProcessNode, byPid: Map<number, ProcessNode>): boolean {
  const seen = new Set<number>();
  for (let p: ProcessNode | undefined = of; p && !seen.has(p.pid); p = byPid.get(p.ppid ?? NaN)) {
    if (p === node) return true;
    seen.add(p.pid);
  }
  return false;
}

export const STATS_BY_TYPE_SQL = 'SELECT type, count(*), min(ts), max(ts) FROM events GROUP BY type';
export const STATS_LINKED_SQL = `SELECT count(*) FROM events r
WHERE r.type = ${EventType.messageReceive} AND r.corr <> 0 AND EXISTS (
  SELECT 1 FROM events s WHERE s.corr = r.corr AND s.corr <> 0 AND s.type = ${EventType.messageSend})`;
export const STATS_DROPPED_SQL = `SELECT total(${field('payload', '$.count')}) FROM events
WHERE type = ${EventType.dropped}`;
export const STATS_SITES_SQL = `SELECT total(json_array_length(payload, '$.sites')) FROM events
  WHERE type = ${EventType.siteTable}`;
export const STATS_THREADS_SQL = 'SELECT count(*) FROM threads WHERE events > 0';
export const STATS_PROCESSES_SQL = 'SELECT count(*) FROM processes WHERE events > 0';

// ---- Payload helpers ---------------------------------------------------------------------------

export function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A short text for a thrown value that is not an Error: strings as they are, the rest as JSON. */
function describe(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function stringArray(v: SqlValue): string[] | null {
  const parsed = parseJson(v);
  return Array.isArray(parsed) ? parsed.map(String) : null;
}

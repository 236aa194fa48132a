/**
 * The named read queries of the TraceDB, the shapes they return, and the guard that keeps ad-hoc
 * SQL read-only.
 */
import type { Database, SqlValue, Statement } from 'sql.js';
import { EventType, eventTypeName } from '../runtime/eventSchema';
import { TraceError } from './errors';

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

export interface QueryResult {
  columns: string[];
  rows: unknown[][];
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
export const STATS_THREADS_SQL = 'SELECT count(*) FROM threads WHERE events > 0';
export const STATS_PROCESSES_SQL = 'SELECT count(*) FROM processes WHERE events > 0';

// ---- Read-only guard -------------------------------------------------------------------------

/** Pragmas that only report; those in WITH_ARGUMENT may name a table or index in parentheses. */
const REPORTING_PRAGMAS = new Set([
  'table_info',
  'table_xinfo',
  'table_list',
  'index_list',
  'index_info',
  'index_xinfo',
  'foreign_key_list',
  'database_list',
  'collation_list',
  'function_list',
  'module_list',
  'pragma_list',
  'compile_options',
  'page_count',
  'page_size',
  'freelist_count',
  'encoding',
  'user_version',
  'schema_version',
  'application_id',
  'integrity_check',
  'quick_check',
]);
const WITH_ARGUMENT = new Set([
  'table_info',
  'table_xinfo',
  'table_list',
  'index_list',
  'index_info',
  'index_xinfo',
  'foreign_key_list',
]);
const READING_STATEMENTS = new Set(['SELECT', 'WITH', 'VALUES']);
const PRAGMA_FORM = /^PRAGMA\s+(?:\w+\s*\.\s*)?(\w+)\s*(\(\s*(?:\w+|'[^']*'|"[^"]*")\s*\))?\s*$/i;

/**
 * Runs one statement of ad-hoc SQL and returns all its rows. The text is vetted before SQLite
 * compiles any of it, because some PRAGMAs take effect while compiling: the first statement must
 * be a SELECT, WITH, VALUES, EXPLAIN of one of those, or a reporting PRAGMA, and nothing but
 * comments may follow it (the rest is never compiled). The caller keeps `PRAGMA query_only` on as
 * well, which stops a write hidden in a WITH.
 */
export function runReadOnly(db: Database, sql: string, params: unknown[] = []): QueryResult {
  refuseWrites(sql);
  let text: string;
  let rest: string;
  const iterator = db.iterateStatements(sql);
  try {
    const first = iterator.next();
    text = first.done ? '' : first.value.getSQL();
    rest = iterator.getRemainingSQL();
  } catch (e) {
    throw queryFailure(e);
  } finally {
    iterator.return?.();
  }
  if (skipNoise(rest) !== '') {
    throw new TraceError(
      'read-only',
      'Queries run one statement at a time: remove everything after the first.',
    );
  }
  let statement: Statement | undefined;
  try {
    statement = db.prepare(text);
    statement.bind(params.map(toSqlValue));
    const columns = statement.getColumnNames();
    const rows: unknown[][] = [];
    while (statement.step()) rows.push(statement.get());
    return { columns, rows };
  } catch (e) {
    throw e instanceof TypeError ? e : queryFailure(e);
  } finally {
    statement?.free();
  }
}

function refuseWrites(sql: string): void {
  let text = skipNoise(sql);
  if (text === '') throw new TraceError('read-only', 'The query is empty: write one SELECT statement.');
  let keyword = leadingKeyword(text);
  if (keyword === 'EXPLAIN') {
    text = text.replace(/^EXPLAIN\s+(QUERY\s+PLAN\s+)?/i, '');
    keyword = leadingKeyword(text);
    if (keyword === 'EXPLAIN' || keyword === 'PRAGMA') keyword = '';
  }
  if (READING_STATEMENTS.has(keyword)) return;
  if (keyword === 'PRAGMA') {
    const m = PRAGMA_FORM.exec(text.replace(/;[\s;]*$/, ''));
    const name = m?.[1].toLowerCase();
    if (m && name && REPORTING_PRAGMAS.has(name) && (!m[2] || WITH_ARGUMENT.has(name))) return;
    throw new TraceError(
      'read-only',
      'Queries are read-only: only PRAGMAs that report (such as table_info) run.',
    );
  }
  throw new TraceError(
    'read-only',
    `Queries are read-only: ${keyword || 'this'} statements are refused. Use SELECT, WITH, VALUES or EXPLAIN.`,
  );
}

function leadingKeyword(text: string): string {
  return (/^[A-Za-z]+/.exec(text)?.[0] ?? '').toUpperCase();
}

/** Drops leading whitespace, comments and semicolons. An unterminated comment leaves nothing. */
function skipNoise(sql: string): string {
  let s = sql.replace(/^[\s;]+/, '');
  for (;;) {
    if (s.startsWith('--')) {
      const end = s.indexOf('\n');
      s = end < 0 ? '' : s.slice(end + 1);
    } else if (s.startsWith('/*')) {
      const end = s.indexOf('*/');
      s = end < 0 ? '' : s.slice(end + 2);
    } else {
      return s;
    }
    s = s.replace(/^[\s;]+/, '');
  }
}

function queryFailure(e: unknown): Error {
  const message = e instanceof Error ? e.message : String(e);
  if (/readonly|read-only|query_only/i.test(message)) {
    return new TraceError('read-only', 'Queries are read-only: the statement tried to change the trace.');
  }
  return new Error(`Query failed: ${message}`);
}

function toSqlValue(v: unknown, i: number): SqlValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string' || v instanceof Uint8Array) return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return Number(v);
  throw new TypeError(`Query parameter ${i + 1} is a ${typeof v}; use a number, string, Uint8Array or null.`);
}

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

/**
 * The write side of the TraceDB: the multi-row event insert and the derived tables (processes,
 * threads, metrics) it maintains from lifecycle and metrics events. The caller owns the
 * transaction and the prepared statements.
 */
import type { SqlValue, Statement } from 'sql.js';
import { EventType } from '../runtime/eventSchema';
import { TraceError } from './errors';
import { isObject, parseJson } from './queries';
import type { TraceEvent } from './traceEvent';
import { INSERT_SITE, INSERT_STATE_CHANGE } from './schema';
import { diffStates } from './stateDiff';
import type { JsonValue } from './valueJson';

const MAX_OPEN_STATES = 100_000;
const MAX_TRACE_POINTS = 100_000;

/** Rows per multi-row INSERT; shorter tails use the powers of two below it. */
const CHUNK_ROWS = 128;
/** Estimated file bytes per event besides its payload: row, index entries, b-tree slack. */
const BYTES_PER_EVENT = 200;

export class EventWriter {
  /** Multi-row insert parameter arrays, by row count. */
  private readonly chunkParams = new Map<number, SqlValue[]>();
  private payloads = Buffer.allocUnsafe(256 * 1024);
  /** Before-snapshots of calls still running, by pid:tid:call. */
  private readonly statesBefore = new Map<string, JsonValue>();
  /** `"file":…,"line":…` of each trace point, by pid:id (see placeTracePointHits). */
  private readonly tracePointPlaces = new Map<string, string>();

  /** `stmt` prepares (and caches) a statement of the current database. */
  constructor(private readonly stmt: (sql: string) => Statement) {}

  /** Inserts the events and updates the derived tables; runs inside the caller's transaction. */
  write(events: readonly TraceEvent[]): void {
    this.placeTracePointHits(events);
    for (let i = 0; i < events.length;) {
      const rows = chunkRows(events.length - i);
      this.insertChunk(events, i, rows);
      i += rows;
    }
    this.derive(events);
  }

  /**
   * A trace point hit names its point by id only (each byte costs the program at every hit); its
   * point's `tracePoint` event, recorded before it on the same thread, says where it is. The stored
   * hit gets that file and line, so that every reader finds them in the hit itself.
   */
  private placeTracePointHits(events: readonly TraceEvent[]): void {
    for (const e of events) {
      if (e.payload === null) continue;
      if (e.type === EventType.tracePoint) {
        const point = parseJson(e.payload);
        if (!isObject(point) || typeof point.id !== 'number') continue;
        if (this.tracePointPlaces.size >= MAX_TRACE_POINTS) this.tracePointPlaces.clear();
        const place = `"file":${JSON.stringify(String(point.file ?? ''))},"line":${Number(point.line) || 0}`;
        this.tracePointPlaces.set(`${e.pid}:${point.id}`, place);
      } else if (e.type === EventType.tracePointHit) {
        const id = /^\{"id":(\d+)[,}]/.exec(e.payload)?.[1];
        const place = id === undefined ? undefined : this.tracePointPlaces.get(`${e.pid}:${id}`);
        if (place) e.payload = `{${place},${e.payload.slice(1)}`;
      }
    }
  }

  private insertChunk(events: readonly TraceEvent[], start: number, rows: number): void {
    const statement = this.stmt(insertEventsSql(rows));
    let params = this.chunkParams.get(rows);
    if (!params) this.chunkParams.set(rows, (params = new Array<SqlValue>(1 + rows * EVENT_PARAMS)));
    let offset = 0;
    for (let r = 0; r < rows; r++) {
      const e = events[start + r];
      const o = 1 + r * EVENT_PARAMS;
      params[o] = e.pid;
      params[o + 1] = e.tid;
      params[o + 2] = e.eid;
      params[o + 3] = e.parent;
      params[o + 4] = e.site;
      params[o + 5] = e.corr;
      params[o + 6] = e.ts;
      params[o + 7] = e.type;
      params[o + 8] = e.flags;
      const payload = e.payload;
      if (payload === null) {
        params[o + 9] = 1;
        params[o + 10] = 0;
      } else {
        if (offset + payload.length * 3 > this.payloads.length) this.growPayloads(offset, payload.length * 3);
        const n = this.payloads.write(payload, offset);
        params[o + 9] = offset + 1;
        params[o + 10] = n;
        offset += n;
      }
    }
    params[0] = this.payloads.subarray(0, offset);
    statement.run(params);
  }

  private growPayloads(used: number, more: number): void {
    const grown = Buffer.allocUnsafe(Math.max(this.payloads.length * 2, used + more));
    this.payloads.copy(grown, 0, 0, used);
    this.payloads = grown;
  }

  /** Fills processes, threads and metrics from the events of one ingest call. */
  private derive(events: readonly TraceEvent[]): void {
    const seen = new Map<string, { pid: number; tid: number; n: number; first: number; last: number }>();
    let run = { pid: NaN, tid: NaN, n: 0, first: Infinity, last: -Infinity };
    for (const e of events) {
      if (e.pid !== run.pid || e.tid !== run.tid) {
        const key = `${e.pid}:${e.tid}`;
        run = seen.get(key) ?? { pid: e.pid, tid: e.tid, n: 0, first: Infinity, last: -Infinity };
        seen.set(key, run);
      }
      run.n++;
      if (e.ts < run.first) run.first = e.ts;
      if (e.ts > run.last) run.last = e.ts;
      if (e.type <= EventType.childExit || e.type === EventType.metrics || e.type === EventType.gc) {
        const payload = parseJson(e.payload);
        if (isObject(payload)) this.deriveOne(e, payload);
      } else if (e.type === EventType.state) {
        const payload = parseJson(e.payload);
        if (isObject(payload)) this.deriveState(e, payload);
      } else if (e.type === EventType.siteTable) {
        const payload = parseJson(e.payload);
        if (isObject(payload)) this.deriveSites(e, payload);
      }
    }
    const processes = new Map<number, { n: number; first: number; last: number }>();
    for (const t of seen.values()) {
      this.stmt(COUNT_THREAD).run([t.pid, t.tid, t.n, t.first, t.last]);
      const p = processes.get(t.pid);
      if (p)
        processes.set(t.pid, {
          n: p.n + t.n,
          first: Math.min(p.first, t.first),
          last: Math.max(p.last, t.last),
        });
      else processes.set(t.pid, { n: t.n, first: t.first, last: t.last });
    }
    for (const [pid, p] of processes) this.stmt(COUNT_PROCESS).run([pid, p.n, p.first, p.last]);
  }

  /** One row per site of a module's site table. */
  private deriveSites(e: TraceEvent, p: Record<string, unknown>): void {
    const base = num(p.base);
    if (base === null || !Array.isArray(p.sites)) return;
    const insert = this.stmt(INSERT_SITE);
    p.sites.forEach((s: unknown, i: number) => {
      if (!isObject(s)) return;
      insert.run([
        e.pid,
        e.tid,
        base + i,
        str(p.file),
        str(s.kind),
        str(s.name),
        num(s.line),
        num(s.column),
        num(s.arity),
        str(s.className),
      ]);
    });
  }

  /** Pairs a call's before and after snapshots and stores what changed between them. */
  private deriveState(e: TraceEvent, p: Record<string, unknown>): void {
    const key = `${e.pid}:${e.tid}:${e.parent}`;
    if (p.phase === 'before') {
      // Bounded: a call that never ends never sends its after-snapshot.
      if (this.statesBefore.size >= MAX_OPEN_STATES)
        this.statesBefore.delete(this.statesBefore.keys().next().value!);
      this.statesBefore.set(key, p.value as JsonValue);
      return;
    }
    const before = this.statesBefore.get(key);
    if (before === undefined) return;
    this.statesBefore.delete(key);
    const objectId = num(p.objectId);
    if (objectId === null) return;
    const insert = this.stmt(INSERT_STATE_CHANGE);
    for (const change of diffStates(before, p.value as JsonValue)) {
      insert.run([
        e.pid,
        e.tid,
        objectId,
        str(p.className),
        e.parent,
        e.site,
        e.ts,
        change.path,
        change.op,
        change.old === undefined ? null : JSON.stringify(change.old),
        change.new === undefined ? null : JSON.stringify(change.new),
      ]);
    }
  }

  private deriveOne(e: TraceEvent, p: Record<string, unknown>): void {
    const run = (sql: string, params: SqlValue[]) => this.stmt(sql).run(params);
    switch (e.type) {
      case EventType.processStart:
        run(UPSERT_PROCESS_START, [
          e.pid,
          num(p.ppid),
          json(p.argv),
          json(p.execArgv),
          str(p.cwd),
          str(p.title),
          str(p.nodeVersion),
          str(p.platform),
          e.ts,
        ]);
        run(UPSERT_THREAD_SEEN_START, [e.pid, e.tid, e.tid === 0 ? 1 : null, e.ts]);
        break;
      case EventType.processExit:
        run(UPSERT_PROCESS_EXIT, [e.pid, e.ts, num(p.code), str(p.signal), str(p.reason)]);
        run(UPSERT_THREAD_SEEN_EXIT, [e.pid, e.tid, e.ts, num(p.code)]);
        break;
      case EventType.threadStart:
        run(UPSERT_THREAD_START, [e.pid, num(p.threadId) ?? e.tid, str(p.name), bool(p.isMainThread), e.ts]);
        break;
      case EventType.threadExit:
        run(UPSERT_THREAD_EXIT, [e.pid, num(p.threadId) ?? e.tid, e.ts, num(p.code)]);
        break;
      case EventType.workerSpawn: {
        const tid = num(p.threadId);
        if (tid !== null) run(UPSERT_WORKER_SPAWN, [e.pid, tid, str(p.name), str(p.filename), e.tid, e.ts]);
        break;
      }
      case EventType.childSpawn: {
        const child = num(p.pid);
        if (child) run(UPSERT_CHILD_SPAWN, [child, e.pid, str(p.command), json(p.args), e.ts]);
        break;
      }
      case EventType.childExit: {
        const child = num(p.pid);
        if (child) run(UPSERT_CHILD_EXIT, [child, e.ts, num(p.code), str(p.signal)]);
        break;
      }
      case EventType.metrics:
        for (const [name, value] of flattenMetrics(p)) run(INSERT_METRIC, [e.pid, e.tid, e.ts, name, value]);
        break;
      case EventType.gc: {
        const kind = str(p.kind);
        const duration = num(p.durationMs);
        if (kind !== null && duration !== null)
          run(INSERT_METRIC, [e.pid, e.tid, e.ts, `gc.${kind}`, duration]);
        break;
      }
    }
  }
}

function chunkRows(remaining: number): number {
  if (remaining >= CHUNK_ROWS) return CHUNK_ROWS;
  let rows = 1;
  while (rows * 2 <= remaining) rows *= 2;
  return rows;
}

/**
 * Refuses an event the table cannot hold, before the transaction starts. Returns an estimate of
 * the bytes it takes in the file.
 */
export function checkEvent(e: TraceEvent, i: number): number {
  if (
    Number.isFinite(e.pid) &&
    Number.isFinite(e.tid) &&
    Number.isFinite(e.eid) &&
    Number.isFinite(e.parent) &&
    Number.isFinite(e.site) &&
    Number.isFinite(e.corr) &&
    Number.isFinite(e.ts) &&
    Number.isFinite(e.type) &&
    Number.isFinite(e.flags) &&
    (e.payload === null || typeof e.payload === 'string')
  ) {
    return BYTES_PER_EVENT + (e.payload === null ? 0 : e.payload.length);
  }
  throw new TraceError(
    'corrupt-record',
    `Event ${i} of the batch (pid ${String(e.pid)}, type ${String(e.type)}) has a header field that is not a finite number or a payload that is not text; the batch was not stored.`,
  );
}

/**
 * Multi-row insert of `rows` events. Binding a JS string through sql.js costs more than the rest of
 * the row together, so the payloads of a chunk travel as one UTF-8 blob (?1) and each row cuts its
 * own out by byte offset and length; a length of 0 stands for a NULL payload.
 */
function insertEventsSql(rows: number): string {
  // The same string each time: the statement cache is keyed by it and V8 keeps a string's hash.
  const known = insertSql.get(rows);
  if (known) return known;
  const values: string[] = [];
  for (let r = 0; r < rows; r++) {
    const b = 2 + r * EVENT_PARAMS;
    values.push(
      `(?${b},?${b + 1},?${b + 2},?${b + 3},?${b + 4},?${b + 5},?${b + 6},?${b + 7},?${b + 8},` +
        `nullif(CAST(substr(?1,?${b + 9},?${b + 10}) AS TEXT),''))`,
    );
  }
  const sql = `INSERT INTO events (pid, tid, eid, parent, site, corr, ts, type, flags, payload) VALUES ${values.join(',')}`;
  insertSql.set(rows, sql);
  return sql;
}
const insertSql = new Map<number, string>();
/** Parameters per row of insertEventsSql: nine header fields, payload offset and length. */
const EVENT_PARAMS = 11;

const INSERT_METRIC = 'INSERT INTO metrics (pid, tid, ts, name, value) VALUES (?, ?, ?, ?, ?)';

/** Adds one ingest call's event counts and time span to a thread (params pid, tid, n, first, last). */
const COUNT_THREAD = `
INSERT INTO threads (pid, tid, events, first_ts, last_ts) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (pid, tid) DO UPDATE SET
  events = events + excluded.events,
  first_ts = min(coalesce(first_ts, excluded.first_ts), excluded.first_ts),
  last_ts = max(coalesce(last_ts, excluded.last_ts), excluded.last_ts)`;
const COUNT_PROCESS = `
INSERT INTO processes (pid, events, first_ts, last_ts) VALUES (?, ?, ?, ?)
ON CONFLICT (pid) DO UPDATE SET
  events = events + excluded.events,
  first_ts = min(coalesce(first_ts, excluded.first_ts), excluded.first_ts),
  last_ts = max(coalesce(last_ts, excluded.last_ts), excluded.last_ts)`;

// Lifecycle upserts. Events of different processes arrive in any order, so each statement only
// sets what its event knows and leaves what another event set: a child's own processStart is the
// authority on its ppid, its parent's childExit on its exit code and signal (the OS saw them), its
// own processExit on its end time and reason.

/** pid, ppid, argv, exec_argv, cwd, title, node_version, platform, start_ts */
const UPSERT_PROCESS_START = `
INSERT INTO processes (pid, ppid, argv, exec_argv, cwd, title, node_version, platform, start_ts)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (pid) DO UPDATE SET
  ppid = coalesce(excluded.ppid, ppid), argv = excluded.argv, exec_argv = excluded.exec_argv,
  cwd = excluded.cwd, title = excluded.title, node_version = excluded.node_version,
  platform = excluded.platform, start_ts = excluded.start_ts`;
/** pid, end_ts, exit_code, exit_signal, exit_reason */
const UPSERT_PROCESS_EXIT = `
INSERT INTO processes (pid, end_ts, exit_code, exit_signal, exit_reason) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (pid) DO UPDATE SET
  end_ts = excluded.end_ts, exit_code = coalesce(exit_code, excluded.exit_code),
  exit_signal = coalesce(exit_signal, excluded.exit_signal), exit_reason = excluded.exit_reason`;
/** pid (the child), ppid (the spawning process), command, args, spawn_ts */
const UPSERT_CHILD_SPAWN = `
INSERT INTO processes (pid, ppid, command, args, spawn_ts) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (pid) DO UPDATE SET
  ppid = coalesce(ppid, excluded.ppid), command = excluded.command, args = excluded.args,
  spawn_ts = excluded.spawn_ts`;
/** pid (the child), end_ts, exit_code, exit_signal */
const UPSERT_CHILD_EXIT = `
INSERT INTO processes (pid, end_ts, exit_code, exit_signal) VALUES (?, ?, ?, ?)
ON CONFLICT (pid) DO UPDATE SET
  end_ts = coalesce(end_ts, excluded.end_ts), exit_code = coalesce(excluded.exit_code, exit_code),
  exit_signal = coalesce(excluded.exit_signal, exit_signal)`;
/** pid, tid, name, is_main, start_ts */
const UPSERT_THREAD_START = `
INSERT INTO threads (pid, tid, name, is_main, start_ts) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (pid, tid) DO UPDATE SET
  name = coalesce(excluded.name, name), is_main = coalesce(excluded.is_main, is_main),
  start_ts = coalesce(excluded.start_ts, start_ts)`;
/** pid, tid, start_ts, is_main: the thread that wrote a processStart, if nothing better is known */
const UPSERT_THREAD_SEEN_START = `
INSERT INTO threads (pid, tid, is_main, start_ts) VALUES (?, ?, ?, ?)
ON CONFLICT (pid, tid) DO UPDATE SET
  is_main = coalesce(is_main, excluded.is_main), start_ts = coalesce(start_ts, excluded.start_ts)`;
/** pid, tid, end_ts, exit_code */
const UPSERT_THREAD_EXIT = `
INSERT INTO threads (pid, tid, end_ts, exit_code) VALUES (?, ?, ?, ?)
ON CONFLICT (pid, tid) DO UPDATE SET
  end_ts = excluded.end_ts, exit_code = coalesce(excluded.exit_code, exit_code)`;
/** pid, tid, end_ts, exit_code: the thread that wrote a processExit, if it has no end yet */
const UPSERT_THREAD_SEEN_EXIT = `
INSERT INTO threads (pid, tid, end_ts, exit_code) VALUES (?, ?, ?, ?)
ON CONFLICT (pid, tid) DO UPDATE SET
  end_ts = coalesce(end_ts, excluded.end_ts), exit_code = coalesce(exit_code, excluded.exit_code)`;
/** pid, tid (the new worker), name, filename, parent_tid, spawn_ts */
const UPSERT_WORKER_SPAWN = `
INSERT INTO threads (pid, tid, name, filename, parent_tid, spawn_ts, is_main) VALUES (?, ?, ?, ?, ?, ?, 0)
ON CONFLICT (pid, tid) DO UPDATE SET
  name = coalesce(name, excluded.name), filename = excluded.filename,
  parent_tid = excluded.parent_tid, spawn_ts = excluded.spawn_ts, is_main = 0`;

/**
 * The numeric fields of a metrics payload as (name, value): top-level numbers by their name,
 * heapSpaces.<space> as 'heapSpace.<space>', other objects of numbers as '<field>.<key>'. Tagged
 * non-JSON values ({"$": …}) are skipped; escaped keys ("$$x") are unescaped.
 */
function flattenMetrics(payload: Record<string, unknown>): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const [rawKey, value] of Object.entries(payload)) {
    const key = unescapeKey(rawKey);
    if (typeof value === 'number') {
      if (Number.isFinite(value)) out.push([key, value]);
    } else if (typeof value === 'object' && value !== null && !Array.isArray(value) && !('$' in value)) {
      const prefix = key === 'heapSpaces' ? 'heapSpace' : key;
      for (const [rawSub, sub] of Object.entries(value)) {
        if (typeof sub === 'number' && Number.isFinite(sub))
          out.push([`${prefix}.${unescapeKey(rawSub)}`, sub]);
      }
    }
  }
  return out;
}

function unescapeKey(key: string): string {
  return key.startsWith('$$') ? key.slice(1) : key;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const bool = (v: unknown): number | null => (typeof v === 'boolean' ? (v ? 1 : 0) : null);
const json = (v: unknown): string | null => (Array.isArray(v) ? JSON.stringify(v) : null);

/**
 * TraceDB: the events of a recording in an SQLite database (sql.js, in memory), with the derived
 * tables and named queries the CLI and the extension read. Saved traces are plain SQLite files.
 * No VS Code dependency.
 */
import * as fs from 'node:fs';
import type { Database, SqlValue, Statement } from 'sql.js';
import { ERROR_TYPES, EventType, eventTypeName } from '../runtime/eventSchema';
import { TraceError } from './errors';
import {
  buildSpawnTree,
  ERRORS_SQL,
  isObject,
  MESSAGES_SQL,
  METRICS_SERIES_SQL,
  parseJson,
  PROCESSES_SQL,
  runReadOnly,
  STATS_BY_TYPE_SQL,
  STATS_DROPPED_SQL,
  STATS_LINKED_SQL,
  STATS_PROCESSES_SQL,
  STATS_THREADS_SQL,
  THREAD_EVENTS_SQL,
  THREADS_SQL,
  toErrorRow,
  toEventRow,
  toMessageLink,
} from './queries';
import type { ErrorRow, EventRow, MessageLink, ProcessNode, QueryResult } from './queries';
import * as S from './schema';
import { loadSqlJs } from './sqlite';
import type { TraceEvent } from './traceEvent';

export type { ErrorRow, EventRow, MessageLink, ProcessNode, QueryResult, ThreadNode } from './queries';

export interface TraceStats {
  /** The trace file version (TRACE_FILE_VERSION when it was written by this Cinescope). */
  schemaVersion: number;
  events: number;
  /** Event counts by type name (`type<N>` for types this version does not know). */
  byType: Record<string, number>;
  /** Distinct (pid, tid) pairs that recorded events. */
  threads: number;
  /** Distinct pids that recorded events. */
  processes: number;
  /** linked: receives whose corr matches some send's. */
  messages: { sent: number; received: number; linked: number };
  errors: number;
  /** Events the runtime reported lost: the sum of the dropped events' counts. */
  dropped: number;
  /** Last event ts - first event ts, 0 when empty. */
  durationMs: number;
}

/** Rows per multi-row INSERT; shorter tails use the powers of two below it. */
const CHUNK_ROWS = 128;
const DEFAULT_EVENT_LIMIT = 10_000;

export class TraceDb {
  private readonly statements = new Map<string, Statement>();
  /** Multi-row insert statements and their parameter arrays, by row count. */
  private readonly chunkInserts = new Map<number, { statement: Statement; params: SqlValue[] }>();
  private payloads = Buffer.allocUnsafe(256 * 1024);
  private closed = false;

  private constructor(
    private readonly db: Database,
    /** How error messages name this trace. */
    private readonly label: string,
  ) {
    db.exec(S.CONNECTION_PRAGMAS);
    db.exec('PRAGMA query_only = 1');
  }

  /** An empty trace: schema created, meta filled. */
  static async create(): Promise<TraceDb> {
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    db.exec(S.SCHEMA_DDL);
    const trace = new TraceDb(db, 'The trace');
    trace.write(() => {
      for (const row of S.EVENT_TYPE_ROWS) trace.stmt(S.INSERT_EVENT_TYPE).run(row);
      const meta = trace.stmt(S.UPSERT_META);
      meta.run(['format', S.TRACE_FORMAT]);
      meta.run(['schemaVersion', String(S.TRACE_FILE_VERSION)]);
      meta.run(['createdAt', new Date().toISOString()]);
    });
    return trace;
  }

  /** Reads a trace file; failures are TraceErrors naming the file. */
  static async open(file: string): Promise<TraceDb> {
    let bytes: Uint8Array;
    try {
      bytes = await fs.promises.readFile(file);
    } catch (e) {
      throw new TraceError('unreadable', `Cannot read trace file ${file}: ${readFailure(e)}.`);
    }
    return TraceDb.fromBytes(bytes, file);
  }

  /** A trace from the bytes of a trace file; `file` names it in error messages. */
  static async fromBytes(bytes: Uint8Array, file?: string): Promise<TraceDb> {
    const label = file === undefined ? 'The trace data' : `Trace file ${file}`;
    S.checkFileHeader(bytes, label);
    const SQL = await loadSqlJs();
    const db = new SQL.Database(bytes);
    try {
      S.checkTraceContents(db, label);
      return new TraceDb(db, label);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  /** Adds events, and what they say about processes, threads and metrics, in one transaction. */
  ingest(events: readonly TraceEvent[]): void {
    if (events.length === 0) return;
    events.forEach(checkEvent);
    this.write(() => {
      for (let i = 0; i < events.length;) {
        const rows = chunkRows(events.length - i);
        this.insertChunk(events, i, rows);
        i += rows;
      }
      this.derive(events);
    });
  }

  setMeta(key: string, value: string): void {
    this.write(() => this.stmt(S.UPSERT_META).run([key, value]));
  }

  getMeta(key: string): string | undefined {
    const row = this.all('SELECT value FROM meta WHERE key = ?', [key])[0];
    return row ? (row[0] as string) : undefined;
  }

  /** The trace as SQLite file bytes. */
  export(): Uint8Array {
    return this.db.export();
  }

  /** Writes the trace file atomically: a temporary file beside it, then a rename. */
  async save(file: string): Promise<void> {
    const bytes = this.export();
    const tmp = `${file}.${process.pid}-${Date.now().toString(36)}.tmp`;
    try {
      await fs.promises.writeFile(tmp, bytes);
      await fs.promises.rename(tmp, file);
    } catch (e) {
      await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
      throw e;
    }
  }

  /** Runs one read-only statement of ad-hoc SQL; anything that would write is a TraceError('read-only'). */
  query(sql: string, params?: unknown[]): QueryResult {
    return runReadOnly(this.db, sql, params);
  }

  /** A thread's events with fromTs <= ts <= toTs, in time order, at most `limit` (default 10000). */
  threadEvents(
    pid: number,
    tid: number,
    fromTs: number,
    toTs: number,
    limit = DEFAULT_EVENT_LIMIT,
  ): EventRow[] {
    return this.all(THREAD_EVENTS_SQL, [pid, tid, fromTs, toTs, Math.max(0, Math.floor(limit))]).map(
      toEventRow,
    );
  }

  /**
   * Messages sent within [fromTs, toTs], each joined to its receives by corr (one row per receive,
   * one row with null receive fields for a send nobody received). `pid` keeps the messages it sent
   * or received.
   */
  messages(opts: { pid?: number; fromTs?: number; toTs?: number } = {}): MessageLink[] {
    const params = [opts.fromTs ?? -Infinity, opts.toTs ?? Infinity, opts.pid ?? null];
    return this.all(MESSAGES_SQL, params).map(toMessageLink);
  }

  /** Processes nested by ppid (roots: parent not seen), each with its threads by tid. */
  spawnTree(): ProcessNode[] {
    return buildSpawnTree(this.all(PROCESSES_SQL), this.all(THREADS_SQL));
  }

  /** uncaughtException, unhandledRejection and workerError events in time order. */
  errors(): ErrorRow[] {
    return this.all(ERRORS_SQL).map(toErrorRow);
  }

  /** One metric of one thread over time; names as in the metrics table. */
  metricsSeries(pid: number, tid: number, name: string, fromTs = -Infinity, toTs = Infinity) {
    const rows = this.all(METRICS_SERIES_SQL, [pid, tid, name, fromTs, toTs]);
    return rows.map((r): { ts: number; value: number } => ({ ts: r[0] as number, value: r[1] as number }));
  }

  stats(): TraceStats {
    const byType: Record<string, number> = {};
    let events = 0;
    let errors = 0;
    let minTs = Infinity;
    let maxTs = -Infinity;
    for (const [type, count, min, max] of this.all(STATS_BY_TYPE_SQL) as number[][]) {
      byType[eventTypeName(type)] = count;
      events += count;
      if (ERROR_TYPES.includes(type)) errors += count;
      minTs = Math.min(minTs, min);
      maxTs = Math.max(maxTs, max);
    }
    const one = (sql: string) => this.all(sql)[0][0] as number;
    return {
      schemaVersion: Number(this.getMeta('schemaVersion')),
      events,
      byType,
      threads: one(STATS_THREADS_SQL),
      processes: one(STATS_PROCESSES_SQL),
      messages: {
        sent: byType[eventTypeName(EventType.messageSend)] ?? 0,
        received: byType[eventTypeName(EventType.messageReceive)] ?? 0,
        linked: one(STATS_LINKED_SQL),
      },
      errors,
      dropped: one(STATS_DROPPED_SQL),
      durationMs: events === 0 ? 0 : maxTs - minTs,
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const statement of this.statements.values()) statement.free();
    this.statements.clear();
    this.chunkInserts.clear();
    this.db.close();
  }

  // ---- internals -------------------------------------------------------------------------------

  private stmt(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private all(sql: string, params: SqlValue[] = []): SqlValue[][] {
    const statement = this.stmt(sql);
    try {
      statement.bind(params);
      const rows: SqlValue[][] = [];
      while (statement.step()) rows.push(statement.get());
      return rows;
    } catch (e) {
      throw S.corruptionError(e, this.label) ?? e;
    } finally {
      statement.reset();
    }
  }

  /** Runs `fn` in a transaction with writes allowed; everything else sees a read-only database. */
  private write<T>(fn: () => T): T {
    this.db.run('PRAGMA query_only = 0');
    this.db.run('BEGIN');
    let done = false;
    try {
      const result = fn();
      this.db.run('COMMIT');
      done = true;
      return result;
    } finally {
      if (!done) rollback(this.db);
      this.db.run('PRAGMA query_only = 1');
    }
  }

  private insertChunk(events: readonly TraceEvent[], start: number, rows: number): void {
    let insert = this.chunkInserts.get(rows);
    if (!insert) {
      insert = {
        statement: this.stmt(S.insertEventsSql(rows)),
        params: new Array<SqlValue>(1 + rows * S.EVENT_PARAMS),
      };
      this.chunkInserts.set(rows, insert);
    }
    const { statement, params } = insert;
    let offset = 0;
    for (let r = 0; r < rows; r++) {
      const e = events[start + r];
      const o = 1 + r * S.EVENT_PARAMS;
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
      }
    }
    const processes = new Map<number, { n: number; first: number; last: number }>();
    for (const t of seen.values()) {
      this.stmt(S.COUNT_THREAD).run([t.pid, t.tid, t.n, t.first, t.last]);
      const p = processes.get(t.pid);
      if (p)
        processes.set(t.pid, {
          n: p.n + t.n,
          first: Math.min(p.first, t.first),
          last: Math.max(p.last, t.last),
        });
      else processes.set(t.pid, { n: t.n, first: t.first, last: t.last });
    }
    for (const [pid, p] of processes) this.stmt(S.COUNT_PROCESS).run([pid, p.n, p.first, p.last]);
  }

  private deriveOne(e: TraceEvent, p: Record<string, unknown>): void {
    const run = (sql: string, params: SqlValue[]) => this.stmt(sql).run(params);
    switch (e.type) {
      case EventType.processStart:
        run(S.UPSERT_PROCESS_START, [
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
        run(S.UPSERT_THREAD_SEEN_START, [e.pid, e.tid, e.tid === 0 ? 1 : null, e.ts]);
        break;
      case EventType.processExit:
        run(S.UPSERT_PROCESS_EXIT, [e.pid, e.ts, num(p.code), str(p.signal), str(p.reason)]);
        run(S.UPSERT_THREAD_SEEN_EXIT, [e.pid, e.tid, e.ts, num(p.code)]);
        break;
      case EventType.threadStart:
        run(S.UPSERT_THREAD_START, [
          e.pid,
          num(p.threadId) ?? e.tid,
          str(p.name),
          bool(p.isMainThread),
          e.ts,
        ]);
        break;
      case EventType.threadExit:
        run(S.UPSERT_THREAD_EXIT, [e.pid, num(p.threadId) ?? e.tid, e.ts, num(p.code)]);
        break;
      case EventType.workerSpawn: {
        const tid = num(p.threadId);
        if (tid !== null) run(S.UPSERT_WORKER_SPAWN, [e.pid, tid, str(p.name), str(p.filename), e.tid, e.ts]);
        break;
      }
      case EventType.childSpawn: {
        const child = num(p.pid);
        if (child) run(S.UPSERT_CHILD_SPAWN, [child, e.pid, str(p.command), json(p.args), e.ts]);
        break;
      }
      case EventType.childExit: {
        const child = num(p.pid);
        if (child) run(S.UPSERT_CHILD_EXIT, [child, e.ts, num(p.code), str(p.signal)]);
        break;
      }
      case EventType.metrics:
        for (const [name, value] of S.flattenMetrics(p))
          run(S.INSERT_METRIC, [e.pid, e.tid, e.ts, name, value]);
        break;
      case EventType.gc: {
        const kind = str(p.kind);
        const duration = num(p.durationMs);
        if (kind !== null && duration !== null)
          run(S.INSERT_METRIC, [e.pid, e.tid, e.ts, `gc.${kind}`, duration]);
        break;
      }
    }
  }
}

/** Ends a failed transaction; a failure to roll back must not hide the error that caused it. */
function rollback(db: Database): void {
  try {
    db.run('ROLLBACK');
  } catch {
    // No transaction left to roll back: SQLite already ended it.
  }
}

function chunkRows(remaining: number): number {
  if (remaining >= CHUNK_ROWS) return CHUNK_ROWS;
  let rows = 1;
  while (rows * 2 <= remaining) rows *= 2;
  return rows;
}

/** Refuses an event the table cannot hold, before the transaction starts. */
function checkEvent(e: TraceEvent, i: number): void {
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
    return;
  }
  throw new TraceError(
    'corrupt-record',
    `Event ${i} of the batch (pid ${String(e.pid)}, type ${String(e.type)}) has a header field that is not a finite number or a payload that is not text; the batch was not stored.`,
  );
}

function readFailure(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'the file does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return e instanceof Error ? e.message : String(e);
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const bool = (v: unknown): number | null => (typeof v === 'boolean' ? (v ? 1 : 0) : null);
const json = (v: unknown): string | null => (Array.isArray(v) ? JSON.stringify(v) : null);

/**
 * TraceDB: the events of a recording in an SQLite database (sql.js, in memory), with the derived
 * tables and named queries the CLI and the extension read. Saved traces are plain SQLite files.
 * No VS Code dependency.
 */
import * as fs from 'node:fs';
import type { Database, SqlJsStatic, SqlValue, Statement } from 'sql.js';
import { ERROR_TYPES, EventType, eventTypeName } from '../runtime/eventSchema';
import { TraceError } from './errors';
import {
  buildSpawnTree,
  ERRORS_SQL,
  MESSAGES_SQL,
  METRICS_SERIES_SQL,
  PROCESSES_SQL,
  STATS_BY_TYPE_SQL,
  STATS_DROPPED_SQL,
  STATS_SITES_SQL,
  STATS_LINKED_SQL,
  STATS_PROCESSES_SQL,
  STATS_THREADS_SQL,
  THREAD_EVENTS_SQL,
  THREADS_SQL,
  toErrorRow,
  toEventRow,
  toMessageLink,
} from './queries';
import type { ErrorRow, EventRow, MessageLink, ProcessNode } from './queries';
import { runReadOnly } from './readOnly';
import type { QueryResult } from './readOnly';
import { checkEvent, EventWriter } from './ingest';
import * as S from './schema';
import { loadSqlJs } from './sqlite';
import * as C from './callQueries';
import type { CallRow, StateRow } from './callQueries';
import { TRACE_POINT_HITS_SQL, toTracePointHitRow } from './tracePointQueries';
import type { TracePointHitRow } from './tracePointQueries';
import type { TraceEvent } from './traceEvent';

export type { ErrorRow, EventRow, MessageLink, ProcessNode, ThreadNode } from './queries';
export type { QueryResult } from './readOnly';
export type { CallRow, StateRow } from './callQueries';
export type { TracePointHitRow } from './tracePointQueries';

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
  /** Function calls recorded (call events). */
  calls: number;
  /** Paths changed by method calls of traced objects (rows of state_changes). */
  stateChanges: number;
  /** Sites in the recorded site tables (functions and classes of instrumented modules). */
  sites: number;
}

const DEFAULT_EVENT_LIMIT = 10_000;
/** Room a new trace starts with in sql.js's in-memory file. */
const INITIAL_CAPACITY = 4 * 1024 * 1024;

export class TraceDb {
  private readonly statements = new Map<string, Statement>();
  private readonly writer = new EventWriter((sql) => this.stmt(sql));
  private closed = false;

  private constructor(
    private readonly SQL: SqlJsStatic,
    private db: Database,
    /** How error messages name this trace. */
    private readonly label: string,
    /**
     * Size of the in-memory file sql.js keeps the database in. sql.js grows that file by 12.5% at a
     * time, copying it each time; `reserve` doubles it instead, which makes ingest 15-20% faster.
     */
    private capacity: number,
  ) {
    this.configure();
  }

  /** An empty trace: schema created, meta filled. */
  static async create(): Promise<TraceDb> {
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    db.exec(S.SCHEMA_DDL);
    db.exec(S.STATE_DDL);
    const trace = new TraceDb(SQL, db, 'The trace', 0);
    trace.write(() => {
      for (const row of S.EVENT_TYPE_ROWS) trace.stmt(S.INSERT_EVENT_TYPE).run(row);
      const meta = trace.stmt(S.UPSERT_META);
      meta.run(['format', S.TRACE_FORMAT]);
      meta.run(['schemaVersion', String(S.TRACE_FILE_VERSION)]);
      meta.run(['createdAt', new Date().toISOString()]);
    });
    trace.reopen(INITIAL_CAPACITY);
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
    // sql.js keeps a slice of what it is given; a Buffer's slice shares memory, and the trace would
    // write into the caller's bytes. A plain Uint8Array's slice is a copy.
    const db = new SQL.Database(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    try {
      S.checkTraceContents(db, label);
      db.exec(S.STATE_DDL);
      return new TraceDb(SQL, db, label, bytes.length);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  /** Adds events, and what they say about processes, threads and metrics, in one transaction. */
  ingest(events: readonly TraceEvent[]): void {
    if (events.length === 0) return;
    let bytes = 0;
    for (let i = 0; i < events.length; i++) bytes += checkEvent(events[i], i);
    this.reserve(bytes);
    this.write(() => this.writer.write(events));
  }

  setMeta(key: string, value: string): void {
    this.write(() => this.stmt(S.UPSERT_META).run([key, value]));
  }

  getMeta(key: string): string | undefined {
    const row = this.all('SELECT value FROM meta WHERE key = ?', [key])[0];
    return row ? (row[0] as string) : undefined;
  }

  /** The trace as SQLite file bytes, with every index built. */
  export(): Uint8Array {
    this.write(() => this.db.exec(S.DEFERRED_INDEXES));
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
    // Switching query_only expires every prepared statement, so it is on only while ad-hoc SQL runs.
    this.db.run('PRAGMA query_only = 1');
    try {
      return runReadOnly(this.db, sql, params);
    } finally {
      this.db.run('PRAGMA query_only = 0');
    }
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
  metricsSeries(
    pid: number,
    tid: number,
    name: string,
    fromTs = -Infinity,
    toTs = Infinity,
  ): Array<{ ts: number; value: number }> {
    const rows = this.all(METRICS_SERIES_SQL, [pid, tid, name, fromTs, toTs]);
    return rows.map((r) => ({ ts: r[0] as number, value: r[1] as number }));
  }

  /** The calls of one thread in a time range, in the order they started; `parent` nests them. */
  callTree(
    pid: number,
    tid: number,
    fromTs = -Infinity,
    toTs = Infinity,
    limit = DEFAULT_EVENT_LIMIT,
  ): CallRow[] {
    const rows = this.all(C.CALL_TREE_SQL, [pid, tid, finite(fromTs, -1e300), finite(toTs, 1e300), limit]);
    return rows.map(toCallRow);
  }

  /** The calls of functions named `name` (optionally in `file`), with arguments and outcome. */
  callsOf(name: string, file?: string, limit = DEFAULT_EVENT_LIMIT): CallRow[] {
    return this.all(C.CALLS_OF_SQL, [name, file ?? null, file ?? null, limit]).map(toCallRow);
  }

  /** Every change of one traced object, in order, with the method call that made it. */
  stateTimeline(pid: number, tid: number, objectId: number): StateRow[] {
    return this.all(C.STATE_TIMELINE_SQL, [pid, tid, objectId]).map(toStateRow);
  }

  /** Who changed `path` (or anything below it) of one traced object. */
  whoChanged(pid: number, tid: number, objectId: number, path: string): StateRow[] {
    return this.all(C.WHO_CHANGED_SQL, [pid, tid, objectId, path, path, path, path]).map(toStateRow);
  }

  /** Hits of trace points, in time order: all of them, or those of one file and/or line. */
  tracePointHits(opts: { file?: string; line?: number; limit?: number } = {}): TracePointHitRow[] {
    const file = opts.file ?? null;
    const line = opts.line ?? null;
    const rows = this.all(TRACE_POINT_HITS_SQL, [file, file, line, line, opts.limit ?? DEFAULT_EVENT_LIMIT]);
    return rows.map(toTracePointHitRow);
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
      calls: byType[eventTypeName(EventType.call)] ?? 0,
      stateChanges: one('SELECT count(*) FROM state_changes'),
      sites: one(STATS_SITES_SQL),
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.freeStatements();
    this.db.close();
  }

  // ---- internals -------------------------------------------------------------------------------

  private configure(): void {
    this.db.exec(S.CONNECTION_PRAGMAS);
  }

  private freeStatements(): void {
    for (const statement of this.statements.values()) statement.free();
    this.statements.clear();
  }

  /** Makes room for `bytes` more in the in-memory file, doubling it when it is too small. */
  private reserve(bytes: number): void {
    const [[pages, pageSize]] = this.all(
      'SELECT * FROM pragma_page_count(), pragma_page_size()',
    ) as number[][];
    const used = pages * pageSize;
    if (used + bytes > this.capacity) this.reopen(Math.max(2 * (used + bytes), INITIAL_CAPACITY));
  }

  /**
   * Reopens the database from its own export in a file of `capacity` bytes. The zeros past the
   * last page are not part of the database (SQLite goes by the page count in the header) and
   * exports leave them out.
   */
  private reopen(capacity: number): void {
    const bytes = this.db.export();
    this.freeStatements();
    this.db.close();
    const file = new Uint8Array(Math.max(capacity, bytes.length));
    file.set(bytes);
    this.db = new this.SQL.Database(file);
    this.capacity = file.length;
    this.configure();
  }

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

  /** Runs `fn` in a transaction. */
  private write<T>(fn: () => T): T {
    this.db.run('BEGIN');
    let done = false;
    try {
      const result = fn();
      this.db.run('COMMIT');
      done = true;
      return result;
    } finally {
      if (!done) rollback(this.db);
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

function readFailure(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'the file does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return e instanceof Error ? e.message : String(e);
}

function finite(value: number, fallback: number): number {
  return Number.isFinite(value) ? value : fallback;
}

function toCallRow(r: SqlValue[]): CallRow {
  const [pid, tid, eid, parent, ts, name, file, line, args, returned, threw] = r;
  return {
    pid: pid as number,
    tid: tid as number,
    eid: eid as number,
    parent: parent as number,
    ts: ts as number,
    name: name as string | null,
    file: file as string | null,
    line: line as number | null,
    args: args as string | null,
    returned: returned as string | null,
    threw: threw as string | null,
  };
}

function toStateRow(r: SqlValue[]): StateRow {
  const [ts, callEid, method, path, op, old, now] = r;
  return {
    ts: ts as number,
    callEid: callEid as number,
    method: method as string | null,
    path: path as string,
    op: op as string,
    old: old as string | null,
    new: now as string | null,
  };
}

/**
 * The trace file: an SQLite database. This module owns its layout (DDL), its version and the checks
 * that a file is a trace this version reads. Ingest SQL lives in `ingest.ts`, reading queries in
 * `queries.ts`.
 *
 * TRACE_FILE_VERSION is the version of this file layout, distinct from the binary event
 * SCHEMA_VERSION of `runtime/eventSchema.ts`. Bump it when an existing table changes in a way old
 * readers would misread; adding a table (sites, calls, state changes…) does not need a bump.
 */
import type { Database } from 'sql.js';
import { EventType } from '../runtime/eventSchema';
import { TraceError } from './errors';

export const TRACE_FORMAT = 'cinescope-trace';
export const TRACE_FILE_VERSION = 1;

/** Larger pages make the index b-trees shallower: about 10% faster ingest than 4096. */
export const PAGE_SIZE = 16384;

/** Tables a version-1 trace must have. */
export const REQUIRED_TABLES = ['meta', 'event_types', 'events', 'processes', 'threads', 'metrics'] as const;

/**
 * Connection settings, applied at every open (none of them is stored in the file). The database
 * lives in sql.js memory, so there is nothing to make durable: no rollback journal, no syncs. With
 * cache_spill off, a transaction's pages stay in the cache until COMMIT, so a ROLLBACK just drops
 * them even without a journal.
 */
export const CONNECTION_PRAGMAS = `
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA locking_mode = EXCLUSIVE;
PRAGMA temp_store = MEMORY;
PRAGMA cache_size = -32768;
PRAGMA cache_spill = OFF;
`;

export const SCHEMA_DDL = `
PRAGMA page_size = ${PAGE_SIZE};

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- Event type ids and their names, so queries can say: JOIN event_types USING (type) WHERE name = 'gc'.
CREATE TABLE event_types (
  type INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);

-- One row per record, as the runtime wrote it. ts is epoch milliseconds with a sub-millisecond
-- fraction; payload is JSON text (docs/value-encoding.md) or NULL.
CREATE TABLE events (
  id      INTEGER PRIMARY KEY,
  pid     INTEGER NOT NULL,
  tid     INTEGER NOT NULL,
  eid     INTEGER NOT NULL,
  parent  INTEGER NOT NULL,
  site    INTEGER NOT NULL,
  corr    INTEGER NOT NULL,
  ts      REAL    NOT NULL,
  type    INTEGER NOT NULL,
  flags   INTEGER NOT NULL,
  payload TEXT
);
CREATE INDEX events_thread_ts ON events (pid, tid, ts);
CREATE INDEX events_type_ts ON events (type, ts);
CREATE INDEX events_corr ON events (corr) WHERE corr <> 0;

-- Every process seen in events or named by a childSpawn. events/first_ts/last_ts count what was
-- recorded from the process itself (0 for an untraced child such as a shell).
CREATE TABLE processes (
  pid          INTEGER PRIMARY KEY,
  ppid         INTEGER,
  argv         TEXT,     -- JSON array, from processStart
  exec_argv    TEXT,     -- JSON array
  cwd          TEXT,
  title        TEXT,
  node_version TEXT,
  platform     TEXT,
  command      TEXT,     -- from the parent's childSpawn
  args         TEXT,     -- JSON array, from the parent's childSpawn
  spawn_ts     REAL,
  start_ts     REAL,
  end_ts       REAL,
  exit_code    INTEGER,
  exit_signal  TEXT,
  exit_reason  TEXT,     -- processExit reason: 'exit', 'signal', 'uncaught'
  events       INTEGER NOT NULL DEFAULT 0,
  first_ts     REAL,
  last_ts      REAL
);

-- Every thread seen in events or named by a workerSpawn. tid 0 is a process's main thread.
CREATE TABLE threads (
  pid        INTEGER NOT NULL,
  tid        INTEGER NOT NULL,
  name       TEXT,
  is_main    INTEGER,
  filename   TEXT,       -- worker script, from workerSpawn
  parent_tid INTEGER,    -- the thread that spawned this worker
  spawn_ts   REAL,
  start_ts   REAL,
  end_ts     REAL,
  exit_code  INTEGER,
  events     INTEGER NOT NULL DEFAULT 0,
  first_ts   REAL,
  last_ts    REAL,
  PRIMARY KEY (pid, tid)
) WITHOUT ROWID;

-- VM metrics in long format: one row per (sample, field). Names are the MetricsPayload fields,
-- 'heapSpace.<space>' for heap spaces and 'gc.<kind>' (the collection's duration) for gc events.
CREATE TABLE metrics (
  pid   INTEGER NOT NULL,
  tid   INTEGER NOT NULL,
  ts    REAL    NOT NULL,
  name  TEXT    NOT NULL,
  value REAL    NOT NULL
);
CREATE INDEX metrics_series ON metrics (pid, tid, name, ts);
`;

export const INSERT_EVENT_TYPE = 'INSERT OR REPLACE INTO event_types (type, name) VALUES (?, ?)';
export const EVENT_TYPE_ROWS: Array<[number, string]> = Object.entries(EventType).map(([name, type]) => [
  type,
  name,
]);

export const UPSERT_META =
  'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value';

// ---- Reading a file ----------------------------------------------------------------------------

const SQLITE_MAGIC = 'SQLite format 3\u0000';

/** Checks the SQLite header of trace file bytes before sql.js sees them: magic, page size, length. */
export function checkFileHeader(bytes: Uint8Array, label: string): void {
  if (bytes.length === 0)
    throw new TraceError('not-a-trace', `${label} is not a Cinescope trace: it is empty.`);
  const magic = String.fromCharCode(...bytes.subarray(0, 16));
  if (bytes.length < 100 || magic !== SQLITE_MAGIC) {
    throw new TraceError('not-a-trace', `${label} is not a Cinescope trace: it is not an SQLite database.`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rawPageSize = view.getUint16(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) {
    throw new TraceError('corrupt-file', `${label} is corrupt: its SQLite header is damaged.`);
  }
  // The header's page count is only trusted when it was written by the same change as the file.
  const pageCount = view.getUint32(28);
  const countIsCurrent = view.getUint32(92) === view.getUint32(24);
  const expected = countIsCurrent && pageCount > 0 ? pageCount * pageSize : 0;
  if (bytes.length < expected || bytes.length % pageSize !== 0) {
    const size = expected > bytes.length ? `${expected} bytes` : `a whole number of ${pageSize}-byte pages`;
    throw new TraceError(
      'corrupt-file',
      `${label} is truncated: it has ${bytes.length} bytes where a complete trace has ${size}. It was probably cut short while being copied or written.`,
    );
  }
}

/** Checks that an opened SQLite database is a trace this version can read. */
export function checkTraceContents(db: Database, label: string): void {
  let tables: Set<string>;
  let meta: Map<string, string>;
  try {
    tables = new Set(
      (db.exec("SELECT name FROM sqlite_schema WHERE type = 'table'")[0]?.values ?? []).map((r) =>
        String(r[0]),
      ),
    );
  } catch (e) {
    throw corruptionError(e, label) ?? e;
  }
  const foreign = `${label} is an SQLite database but not a Cinescope trace`;
  if (!tables.has('meta')) throw new TraceError('not-a-trace', `${foreign}: it has no Cinescope meta table.`);
  try {
    meta = new Map(
      (db.exec('SELECT key, value FROM meta')[0]?.values ?? []).map((r) => [String(r[0]), String(r[1])]),
    );
  } catch (e) {
    throw (
      corruptionError(e, label) ??
      new TraceError('not-a-trace', `${foreign}: its meta table is not Cinescope's.`)
    );
  }
  const format = meta.get('format');
  if (format !== TRACE_FORMAT) {
    throw new TraceError(
      'not-a-trace',
      `${foreign}: its meta table has ${format === undefined ? 'no format' : `format "${format}"`}.`,
    );
  }
  const version = Number(meta.get('schemaVersion'));
  if (!Number.isInteger(version) || version < 1) {
    throw new TraceError(
      'corrupt-file',
      `${label} is corrupt: its trace format version is missing or invalid.`,
    );
  }
  if (version > TRACE_FILE_VERSION) {
    throw new TraceError(
      'too-new',
      `${label} was written by a newer Cinescope (trace format ${version}; this version reads up to ${TRACE_FILE_VERSION}). Update Cinescope to open it.`,
    );
  }
  const missing = REQUIRED_TABLES.filter((t) => !tables.has(t));
  if (missing.length > 0) {
    throw new TraceError('corrupt-file', `${label} is incomplete: it has no ${missing.join(', ')} table.`);
  }
}

/** The TraceError for an SQLite failure that means the file is damaged, or undefined for others. */
export function corruptionError(e: unknown, label: string): TraceError | undefined {
  if (e instanceof TraceError) return e;
  const message = e instanceof Error ? e.message : String(e);
  if (/malformed|not a database|corrupt/i.test(message)) {
    return new TraceError('corrupt-file', `${label} is corrupt (SQLite: ${message}).`);
  }
  return undefined;
}

/**
 * Indexes that no live query needs, built when the trace is exported (about 1 s per million
 * events) instead of being maintained on every insert: each index costs ~0.5 µs a row at ingest.
 * A query must say `site <> 0` for SQLite to use the partial site index.
 */
export const DEFERRED_INDEXES = `
CREATE INDEX IF NOT EXISTS events_site ON events (site) WHERE site <> 0;
`;

/**
 * What method calls changed in traced objects, derived at ingest from each call's before/after
 * snapshots (`state` events): one row per changed path. Also added to traces written before it
 * existed, when they are opened.
 */
export const STATE_DDL = `
CREATE TABLE IF NOT EXISTS state_changes (
  pid       INTEGER NOT NULL,
  tid       INTEGER NOT NULL,
  object_id INTEGER NOT NULL,  -- per (pid, tid): the same object keeps its id
  class     TEXT,
  call_eid  INTEGER NOT NULL,  -- the call that made the change (events.eid of its call event)
  site      INTEGER NOT NULL,
  ts        REAL    NOT NULL,  -- when the call ended
  path      TEXT    NOT NULL,  -- e.g. balance, history[2], owner.name
  op        TEXT    NOT NULL,  -- added | removed | changed
  old       TEXT,              -- JSON, absent for added
  new       TEXT               -- JSON, absent for removed
);
CREATE INDEX IF NOT EXISTS state_changes_object ON state_changes (pid, tid, object_id, ts);

-- The site tables of instrumented modules, one row per function or class (from siteTable events).
CREATE TABLE IF NOT EXISTS sites (
  pid        INTEGER NOT NULL,
  tid        INTEGER NOT NULL,
  site       INTEGER NOT NULL,   -- events.site of calls, returns, throws, state changes
  file       TEXT,
  kind       TEXT,
  name       TEXT,
  line       INTEGER,
  col        INTEGER,
  arity      INTEGER,
  class_name TEXT,
  PRIMARY KEY (pid, tid, site)
);
`;

export const INSERT_SITE = `INSERT OR REPLACE INTO sites
  (pid, tid, site, file, kind, name, line, col, arity, class_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

export const INSERT_STATE_CHANGE = `INSERT INTO state_changes
  (pid, tid, object_id, class, call_eid, site, ts, path, op, old, new) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

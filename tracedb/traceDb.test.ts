import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EventType } from '../runtime/eventSchema';
import { TraceError } from './errors';
import { EventWriter } from './ingest';
import { TRACE_FILE_VERSION } from './schema';
import { loadSqlJs } from './sqlite';
import { TraceDb } from './traceDb';
import type { TraceEvent } from './traceEvent';

const T0 = 1_700_000_000_000;
const P = 100; // parent process: main thread + workers 1 and 2
const C = 200; // traced child process
const K = 300; // untraced child (a `sleep`), killed

type Spec = [eid: number, dt: number, type: number, payload: unknown, corr?: number, site?: number];
function thread(pid: number, tid: number, specs: Spec[]): TraceEvent[] {
  return specs.map(([eid, dt, type, payload, corr = 0, site = 0]) => ({
    pid,
    tid,
    eid,
    parent: eid > 1 ? 1 : 0,
    site,
    corr,
    ts: T0 + dt,
    type,
    flags: type === EventType.metrics ? 1 : 0,
    payload: payload === null ? null : JSON.stringify(payload),
  }));
}

const err = (name: string, message: string) => ({
  $: 'Error',
  name,
  message,
  stack: `${name}: ${message}\n    at f (app.js:3:9)`,
});
const metrics = (elu: number, heapUsed: number, heapSpaces: Record<string, number>) => ({
  elu,
  delayP50: 1,
  delayP90: 2,
  delayP99: 3,
  delayMax: 4,
  heapUsed,
  heapTotal: 5000,
  external: 6,
  rss: 7000,
  cpuUser: 80,
  cpuSystem: 9,
  activeHandles: 2,
  heapSpaces,
  label: 'not a number',
  $$custom: 42,
});

const parentMain = thread(P, 0, [
  [
    1,
    0,
    EventType.processStart,
    {
      pid: P,
      ppid: 1,
      argv: ['node', 'app.js'],
      execArgv: ['--inspect'],
      cwd: '/app',
      title: 'node',
      nodeVersion: 'v20.20.2',
      platform: 'linux',
      timeOrigin: T0 - 5,
    },
  ],
  [2, 1, EventType.threadStart, { threadId: 0, name: 'main', isMainThread: true }],
  [3, 2, EventType.workerSpawn, { threadId: 1, name: 'w1-spawn', filename: '/app/w.js' }, 0, 5],
  [4, 3, EventType.workerSpawn, { threadId: 2, name: 'w2-spawn', filename: '/app/w.js' }, 0, 5],
  [5, 4, EventType.childSpawn, { pid: C, command: 'node', args: ['child.js'], ipc: true }, 0, 6],
  [6, 8, EventType.childSpawn, { pid: K, command: 'sleep', args: ['10'], ipc: false }, 0, 6],
  [7, 10, EventType.messageSend, { channel: 'worker', key: '1', seq: 1, peer: 1, data: 'hi' }, 1001, 7],
  [8, 12, EventType.messageSend, { channel: 'ipc', key: '200', seq: 1, peer: C, data: { n: 1 } }, 1002, 8],
  [9, 14, EventType.messageSend, { channel: 'worker', key: '2', seq: 1, peer: 2, data: 'lost' }, 1003, 7],
  [10, 20, EventType.metrics, metrics(0.25, 1000, { new_space: 10, old_space: 20 })],
  [11, 21, EventType.gc, { kind: 'scavenge', durationMs: 0.5 }],
  [12, 25, EventType.metrics, metrics(0.75, 1500, { new_space: 11, old_space: 22 })],
  [13, 30, EventType.dropped, { count: 7, bytes: 700, reason: 'ring-full' }],
  [14, 40, EventType.workerError, { error: err('Error', 'worker 2 failed'), threadId: 2 }],
  [15, 50, EventType.childExit, { pid: C, code: 0, signal: null }],
  [16, 52, EventType.childExit, { pid: K, code: null, signal: 'SIGKILL' }],
  [
    17,
    55,
    EventType.uncaughtException,
    { error: err('TypeError', 'x is not a function'), origin: 'uncaughtException' },
  ],
  [18, 60, EventType.processExit, { code: 1, reason: 'uncaught' }],
]);
const worker1 = thread(P, 1, [
  [1, 5, EventType.threadStart, { threadId: 1, name: 'w1', isMainThread: false }],
  [
    2,
    11,
    EventType.messageReceive,
    { channel: 'parentPort', key: '1', seq: 1, peer: 0, data: 'hi' },
    1001,
    9,
  ],
  [3, 13, EventType.unhandledRejection, { error: 'nope' }],
  [4, 35, EventType.threadExit, { threadId: 1, code: 0 }],
]);
const worker2 = thread(P, 2, [
  [1, 6, EventType.threadStart, { threadId: 2, name: 'w2', isMainThread: false }],
  [
    2,
    15,
    EventType.messageReceive,
    { channel: 'parentPort', key: '2', seq: 5, peer: 0, data: 'orphan' },
    9999,
    9,
  ],
  [3, 39, EventType.threadExit, { threadId: 2, code: 1 }],
]);
const child = thread(C, 0, [
  [
    1,
    7,
    EventType.processStart,
    {
      pid: C,
      ppid: P,
      argv: ['node', 'child.js'],
      execArgv: [],
      cwd: '/app',
      title: 'node',
      nodeVersion: 'v20.20.2',
      platform: 'linux',
      timeOrigin: T0 + 6,
    },
  ],
  [
    2,
    16,
    EventType.messageReceive,
    { channel: 'ipc', key: '100', seq: 1, peer: P, data: { n: 1 } },
    1002,
    10,
  ],
  [3, 20.5, EventType.metrics, metrics(0.5, 2000, { old_space: 30 })],
  [4, 45, EventType.processExit, { code: 0, reason: 'exit' }],
]);

/** Batches as a collector would deliver them: per thread, workers and the child before the parent. */
async function buildTrace(): Promise<TraceDb> {
  const db = await TraceDb.create();
  db.ingest(worker1);
  db.ingest(child);
  db.ingest(parentMain);
  db.ingest(worker2);
  return db;
}

function expectTraceError(fn: () => unknown, code: string, ...parts: string[]): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(TraceError);
  expect((caught as TraceError).code).toBe(code);
  for (const part of parts) expect((caught as TraceError).message).toContain(part);
}

async function expectOpenError(file: string, code: string, ...parts: string[]): Promise<void> {
  const caught = await TraceDb.open(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(caught).toBeInstanceOf(TraceError);
  expect((caught as TraceError).code).toBe(code);
  expect((caught as TraceError).message).toContain(file);
  for (const part of parts) expect((caught as TraceError).message).toContain(part);
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cinescope-tracedb-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Every named query of a trace, for comparing a trace with its saved copy. */
function everything(db: TraceDb) {
  return {
    stats: db.stats(),
    tree: db.spawnTree(),
    messages: db.messages(),
    errors: db.errors(),
    main: db.threadEvents(P, 0, -Infinity, Infinity),
    elu: db.metricsSeries(P, 0, 'elu'),
    all: db.query('SELECT * FROM events ORDER BY id'),
  };
}

describe('TraceDb on a two-process trace', () => {
  let db: TraceDb;
  beforeAll(async () => {
    db = await buildTrace();
  });
  afterAll(() => db.close());

  it('counts everything in stats', () => {
    expect(db.stats()).toEqual({
      schemaVersion: TRACE_FILE_VERSION,
      events: 29,
      byType: {
        processStart: 2,
        processExit: 2,
        threadStart: 3,
        threadExit: 2,
        workerSpawn: 2,
        childSpawn: 2,
        childExit: 2,
        messageSend: 3,
        messageReceive: 3,
        uncaughtException: 1,
        unhandledRejection: 1,
        workerError: 1,
        metrics: 3,
        gc: 1,
        dropped: 1,
      },
      threads: 4,
      processes: 2,
      messages: { sent: 3, received: 3, linked: 2 },
      errors: 3,
      dropped: 7,
      durationMs: 60,
      calls: 0,
      stateChanges: 0,
      sites: 0,
    });
  });

  it('fills meta and the event type names', () => {
    expect(db.getMeta('format')).toBe('cinescope-trace');
    expect(db.getMeta('schemaVersion')).toBe('1');
    expect(Date.parse(db.getMeta('createdAt') ?? '')).toBeGreaterThan(0);
    expect(db.getMeta('nope')).toBeUndefined();
    expect(db.query('SELECT name FROM event_types WHERE type = ?', [16]).rows).toEqual([['dropped']]);
    expect(db.query('SELECT count(*) FROM event_types').rows).toEqual([[Object.keys(EventType).length]]);
  });

  it('returns a thread window in time order, with limit', () => {
    const w1 = db.threadEvents(P, 1, T0, T0 + 100);
    expect(w1.map((e) => [e.eid, e.typeName, e.ts - T0])).toEqual([
      [1, 'threadStart', 5],
      [2, 'messageReceive', 11],
      [3, 'unhandledRejection', 13],
      [4, 'threadExit', 35],
    ]);
    expect(w1[1]).toEqual({
      id: 2,
      pid: P,
      tid: 1,
      eid: 2,
      parent: 1,
      site: 9,
      corr: 1001,
      ts: T0 + 11,
      type: EventType.messageReceive,
      typeName: 'messageReceive',
      flags: 0,
      payload: JSON.stringify({ channel: 'parentPort', key: '1', seq: 1, peer: 0, data: 'hi' }),
    });
    expect(db.threadEvents(P, 0, T0 + 10, T0 + 14).map((e) => e.eid)).toEqual([7, 8, 9]);
    expect(db.threadEvents(P, 0, T0 + 10, T0 + 14, 2).map((e) => e.eid)).toEqual([7, 8]);
    expect(db.threadEvents(P, 7, T0, T0 + 100)).toEqual([]);
  });

  it('links each send to its receives', () => {
    const base = { sendPid: P, sendTid: 0 };
    const all = db.messages();
    expect(all).toEqual([
      {
        ...base,
        corr: 1001,
        channel: 'worker',
        key: '1',
        seq: 1,
        sendId: 15,
        sendTs: T0 + 10,
        recvId: 2,
        recvPid: P,
        recvTid: 1,
        recvTs: T0 + 11,
        latencyMs: 1,
      },
      {
        ...base,
        corr: 1002,
        channel: 'ipc',
        key: '200',
        seq: 1,
        sendId: 16,
        sendTs: T0 + 12,
        recvId: 6,
        recvPid: C,
        recvTid: 0,
        recvTs: T0 + 16,
        latencyMs: 4,
      },
      {
        ...base,
        corr: 1003,
        channel: 'worker',
        key: '2',
        seq: 1,
        sendId: 17,
        sendTs: T0 + 14,
        recvId: null,
        recvPid: null,
        recvTid: null,
        recvTs: null,
        latencyMs: null,
      },
    ]);
    expect(db.messages({ pid: C })).toEqual([all[1]]);
    expect(db.messages({ pid: P })).toEqual(all);
    expect(db.messages({ fromTs: T0 + 11, toTs: T0 + 13 })).toEqual([all[1]]);
    expect(db.messages({ pid: 999 })).toEqual([]);
  });

  it('nests processes and threads in the spawn tree', () => {
    const thread = {
      name: null,
      isMain: null,
      filename: null,
      parentTid: null,
      spawnTs: null,
      startTs: null,
      endTs: null,
      exitCode: null,
      events: 0,
      firstTs: null,
      lastTs: null,
    };
    const tree = db.spawnTree();
    expect(tree).toHaveLength(1);
    const [parent] = tree;
    expect({ ...parent, children: parent.children.map((c) => c.pid) }).toEqual({
      pid: P,
      ppid: 1,
      argv: ['node', 'app.js'],
      execArgv: ['--inspect'],
      cwd: '/app',
      title: 'node',
      nodeVersion: 'v20.20.2',
      platform: 'linux',
      command: null,
      args: null,
      spawnTs: null,
      startTs: T0,
      endTs: T0 + 60,
      exitCode: 1,
      exitSignal: null,
      exitReason: 'uncaught',
      events: 25,
      firstTs: T0,
      lastTs: T0 + 60,
      children: [C, K],
      threads: [
        {
          ...thread,
          tid: 0,
          name: 'main',
          isMain: true,
          startTs: T0 + 1,
          endTs: T0 + 60,
          exitCode: 1,
          events: 18,
          firstTs: T0,
          lastTs: T0 + 60,
        },
        {
          ...thread,
          tid: 1,
          name: 'w1',
          isMain: false,
          filename: '/app/w.js',
          parentTid: 0,
          spawnTs: T0 + 2,
          startTs: T0 + 5,
          endTs: T0 + 35,
          exitCode: 0,
          events: 4,
          firstTs: T0 + 5,
          lastTs: T0 + 35,
        },
        {
          ...thread,
          tid: 2,
          name: 'w2',
          isMain: false,
          filename: '/app/w.js',
          parentTid: 0,
          spawnTs: T0 + 3,
          startTs: T0 + 6,
          endTs: T0 + 39,
          exitCode: 1,
          events: 3,
          firstTs: T0 + 6,
          lastTs: T0 + 39,
        },
      ],
    });
    expect(parent.children[0]).toEqual({
      pid: C,
      ppid: P,
      argv: ['node', 'child.js'],
      execArgv: [],
      cwd: '/app',
      title: 'node',
      nodeVersion: 'v20.20.2',
      platform: 'linux',
      command: 'node',
      args: ['child.js'],
      spawnTs: T0 + 4,
      startTs: T0 + 7,
      endTs: T0 + 45,
      exitCode: 0,
      exitSignal: null,
      exitReason: 'exit',
      events: 4,
      firstTs: T0 + 7,
      lastTs: T0 + 45,
      children: [],
      threads: [
        {
          ...thread,
          tid: 0,
          isMain: true,
          startTs: T0 + 7,
          endTs: T0 + 45,
          exitCode: 0,
          events: 4,
          firstTs: T0 + 7,
          lastTs: T0 + 45,
        },
      ],
    });
    expect(parent.children[1]).toEqual({
      pid: K,
      ppid: P,
      argv: null,
      execArgv: null,
      cwd: null,
      title: null,
      nodeVersion: null,
      platform: null,
      command: 'sleep',
      args: ['10'],
      spawnTs: T0 + 8,
      startTs: null,
      endTs: T0 + 52,
      exitCode: null,
      exitSignal: 'SIGKILL',
      exitReason: null,
      events: 0,
      firstTs: null,
      lastTs: null,
      children: [],
      threads: [],
    });
  });

  it('lists errors with message and stack', () => {
    expect(db.errors()).toEqual([
      {
        id: 3,
        pid: P,
        tid: 1,
        eid: 3,
        ts: T0 + 13,
        type: 11,
        typeName: 'unhandledRejection',
        name: null,
        message: 'nope',
        stack: null,
        origin: null,
        threadId: null,
      },
      {
        id: 22,
        pid: P,
        tid: 0,
        eid: 14,
        ts: T0 + 40,
        type: 12,
        typeName: 'workerError',
        name: 'Error',
        message: 'worker 2 failed',
        stack: 'Error: worker 2 failed\n    at f (app.js:3:9)',
        origin: null,
        threadId: 2,
      },
      {
        id: 25,
        pid: P,
        tid: 0,
        eid: 17,
        ts: T0 + 55,
        type: 10,
        typeName: 'uncaughtException',
        name: 'TypeError',
        message: 'x is not a function',
        stack: 'TypeError: x is not a function\n    at f (app.js:3:9)',
        origin: 'uncaughtException',
        threadId: null,
      },
    ]);
  });

  it('stores metrics in long format', () => {
    expect(db.metricsSeries(P, 0, 'elu')).toEqual([
      { ts: T0 + 20, value: 0.25 },
      { ts: T0 + 25, value: 0.75 },
    ]);
    expect(db.metricsSeries(P, 0, 'elu', T0 + 21)).toEqual([{ ts: T0 + 25, value: 0.75 }]);
    expect(db.metricsSeries(P, 0, 'elu', T0, T0 + 24)).toEqual([{ ts: T0 + 20, value: 0.25 }]);
    expect(db.metricsSeries(P, 0, 'heapSpace.old_space')).toEqual([
      { ts: T0 + 20, value: 20 },
      { ts: T0 + 25, value: 22 },
    ]);
    expect(db.metricsSeries(P, 0, 'gc.scavenge')).toEqual([{ ts: T0 + 21, value: 0.5 }]);
    expect(db.metricsSeries(C, 0, 'heapUsed')).toEqual([{ ts: T0 + 20.5, value: 2000 }]);
    expect(db.metricsSeries(C, 0, '$custom')).toEqual([{ ts: T0 + 20.5, value: 42 }]);
    expect(db.metricsSeries(C, 0, 'label')).toEqual([]);
    const names = db.query(
      "SELECT DISTINCT name FROM metrics WHERE pid = ? AND name NOT LIKE 'gc.%' ORDER BY name",
      [P],
    );
    expect(names.rows.flat()).toEqual([
      '$custom',
      'activeHandles',
      'cpuSystem',
      'cpuUser',
      'delayMax',
      'delayP50',
      'delayP90',
      'delayP99',
      'elu',
      'external',
      'heapSpace.new_space',
      'heapSpace.old_space',
      'heapTotal',
      'heapUsed',
      'rss',
    ]);
  });

  it('answers ad-hoc SQL with columns and rows', () => {
    const result = db.query(
      `SELECT e.type, t.name, count(*) AS n FROM events e JOIN event_types t USING (type)
       WHERE json_extract(e.payload, '$.channel') = ? GROUP BY e.type ORDER BY e.type`,
      ['parentPort'],
    );
    expect(result).toEqual({ columns: ['type', 'name', 'n'], rows: [[9, 'messageReceive', 2]] });
    expect(db.query('PRAGMA table_info(events)').rows.map((r) => r[1])).toEqual([
      'id',
      'pid',
      'tid',
      'eid',
      'parent',
      'site',
      'corr',
      'ts',
      'type',
      'flags',
      'payload',
    ]);
    expect(db.query('  -- leading comment\n VALUES (1, ?);', [true]).rows).toEqual([[1, 1]]);
    expect(db.query('SELECT 2; -- trailing comment\n ; /* and another */').rows).toEqual([[2]]);
    const plan = db.query('EXPLAIN QUERY PLAN SELECT * FROM events WHERE pid = 1 AND tid = 0 ORDER BY ts');
    expect(plan.rows.map((r) => r[3])).toEqual([expect.stringContaining('events_thread_ts')]);
    expect(() => db.query('SELECT * FROM nowhere')).toThrow(/The query failed: no such table: nowhere/);
  });

  it('refuses every kind of write in query', () => {
    const writes = [
      'INSERT INTO events (pid, tid, eid, parent, site, corr, ts, type, flags) VALUES (1, 1, 1, 0, 0, 0, 1, 1, 0)',
      'DELETE FROM events',
      "UPDATE meta SET value = 9 WHERE key = 'schemaVersion'",
      'DROP TABLE events',
      'CREATE TABLE x (a)',
      'CREATE TEMP TABLE x (a)',
      'PRAGMA query_only = 0',
      'PRAGMA query_only(0)',
      'PRAGMA user_version = 5',
      'PRAGMA journal_mode = DELETE',
      'SELECT 1; DELETE FROM events',
      'SELECT 1; PRAGMA query_only = 0',
      'SELECT 1 /* x */ ; ; PRAGMA query_only = 0',
      'EXPLAIN PRAGMA query_only = 0',
      'EXPLAIN QUERY PLAN PRAGMA query_only = 0',
      'EXPLAIN DELETE FROM events',
      'PRAGMA table_info(events); PRAGMA query_only = 0',
      'WITH x AS (SELECT 1) DELETE FROM events',
      "WITH x AS (SELECT 1) INSERT INTO meta SELECT 'k', 'v' FROM x",
      '/* comment */ DELETE FROM events',
      "ATTACH DATABASE ':memory:' AS other",
      'BEGIN',
      'VACUUM',
      'ANALYZE',
      'REINDEX',
      '',
      ' ;; -- nothing\n',
    ];
    const refused = writes.filter((sql) => {
      try {
        db.query(sql);
        return false;
      } catch (e) {
        return e instanceof TraceError && e.code === 'read-only';
      }
    });
    expect(refused).toEqual(writes);
    expect(db.query('SELECT count(*) FROM events').rows).toEqual([[29]]);
    expect(db.query("SELECT value FROM meta WHERE key = 'schemaVersion'").rows).toEqual([['1']]);
    expect(db.query('SELECT * FROM pragma_query_only()').rows).toEqual([[1]]);
  });
});

describe('TraceDb ingest', () => {
  it('starts empty', async () => {
    const db = await TraceDb.create();
    expect(db.stats()).toEqual({
      schemaVersion: 1,
      events: 0,
      byType: {},
      threads: 0,
      processes: 0,
      messages: { sent: 0, received: 0, linked: 0 },
      errors: 0,
      dropped: 0,
      durationMs: 0,
      calls: 0,
      stateChanges: 0,
      sites: 0,
    });
    expect(db.spawnTree()).toEqual([]);
    expect(db.messages()).toEqual([]);
    expect(db.errors()).toEqual([]);
    db.close();
  });

  it('keeps payload text exactly, in chunks of every size', async () => {
    const db = await TraceDb.create();
    const texts = [
      '{"s":"héllo 😀 \' \\" \\\\ ✓"}',
      null,
      '{"$":"Error","name":"E","message":"m","stack":"s"}',
      '[1,2.5e-7,null,"\\u0000"]',
      '"x"',
    ];
    const events: TraceEvent[] = [];
    for (let i = 0; i < 1000; i++) {
      events.push({
        pid: 1,
        tid: i % 3,
        eid: i + 1,
        parent: 0,
        site: i % 5,
        corr: 0,
        ts: T0 + i / 8,
        type: EventType.mark,
        flags: 0,
        payload: texts[i % texts.length],
      });
    }
    // 1000 = 7 × 128 + 64 + 32 + 8, then a batch of one and a batch of 3.
    db.ingest(events);
    db.ingest(events.slice(0, 1));
    db.ingest(events.slice(0, 3));
    const rows = db.query('SELECT payload FROM events ORDER BY id').rows.map((r) => r[0]);
    expect(rows).toEqual([...events, ...events.slice(0, 1), ...events.slice(0, 3)].map((e) => e.payload));
    expect(db.query("SELECT json_extract(payload, '$.s') FROM events WHERE id = 1").rows).toEqual([
      ['héllo 😀 \' " \\ ✓'],
    ]);
    expect(db.stats().events).toBe(1004);
    expect(db.threadEvents(1, 1, -Infinity, Infinity)).toHaveLength(333 + 1);
    db.close();
  });

  it('refuses a batch with a bad event and stores none of it', async () => {
    const db = await TraceDb.create();
    const bad = { ...worker1[1], ts: Number.NaN };
    expectTraceError(() => db.ingest([worker1[0], bad]), 'corrupt-record', 'Event 1');
    expect(db.stats().events).toBe(0);
    db.close();
  });

  it('rolls back a failed ingest and keeps working', async () => {
    const db = await TraceDb.create();
    db.ingest(worker1);
    const spy = vi
      .spyOn(EventWriter.prototype as unknown as { derive(): void }, 'derive')
      .mockImplementationOnce(() => {
        throw new Error('boom');
      });
    expect(() => db.ingest(child)).toThrow('boom');
    spy.mockRestore();
    expect(db.stats().events).toBe(4);
    expect(db.query('SELECT count(*) FROM threads').rows).toEqual([[1]]);
    db.ingest(child);
    expect(db.stats().events).toBe(8);
    expect(db.stats().processes).toBe(2);
    db.close();
  });
});

describe('TraceDb files', () => {
  it('saves atomically and reopens with the same answers', async () => {
    const db = await buildTrace();
    db.setMeta('command', 'node app.js');
    const file = path.join(dir, 'trace.cinescope');
    await db.save(file);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('trace.cinescope'))).toEqual(['trace.cinescope']);
    const reopened = await TraceDb.open(file);
    expect(everything(reopened)).toEqual(everything(db));
    expect(reopened.getMeta('command')).toBe('node app.js');
    // A reopened trace takes more events, and a save replaces the file.
    reopened.ingest(thread(C, 3, [[1, 70, EventType.mark, { name: 'late' }]]));
    await reopened.save(file);
    const saved = fs.readFileSync(file);
    const again = await TraceDb.fromBytes(saved);
    again.setMeta('note', 'x'.repeat(5000));
    expect(saved.equals(fs.readFileSync(file))).toBe(true); // the trace never writes into the caller's bytes
    expect(again.stats()).toMatchObject({ events: 30, threads: 5, durationMs: 70 });
    for (const t of [db, reopened, again]) t.close();
  });

  it('builds the deferred site index into every saved file', async () => {
    const db = await buildTrace();
    const indexes = (t: TraceDb) =>
      t.query(`SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'events_site'`).rows;
    expect(indexes(db)).toEqual([]);
    const file = path.join(dir, 'indexed.cinescope');
    await db.save(file);
    const reopened = await TraceDb.open(file);
    expect(indexes(reopened)).toEqual([['events_site']]);
    const plan = reopened.query(
      `EXPLAIN QUERY PLAN SELECT COUNT(*) FROM events WHERE site = 7 AND site <> 0`,
    ).rows;
    expect(JSON.stringify(plan)).toContain('events_site');
    for (const t of [db, reopened]) t.close();
  });

  it('reports a missing or unreadable file', async () => {
    await expectOpenError(
      path.join(dir, 'missing.cinescope'),
      'unreadable',
      'Cannot read trace file',
      'does not exist',
    );
    await expectOpenError(dir, 'unreadable', 'Cannot read trace file');
  });

  it('reports a file that is not SQLite', async () => {
    const file = path.join(dir, 'notes.txt');
    fs.writeFileSync(file, 'these are not the events you are looking for\n'.repeat(10));
    await expectOpenError(file, 'not-a-trace', 'not an SQLite database');
    const empty = path.join(dir, 'empty.cinescope');
    fs.writeFileSync(empty, '');
    await expectOpenError(empty, 'not-a-trace', 'empty');
  });

  it('reports a truncated file', async () => {
    const db = await buildTrace();
    const bytes = db.export();
    db.close();
    const half = path.join(dir, 'half.cinescope');
    fs.writeFileSync(half, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expectOpenError(half, 'corrupt-file', 'truncated');
    const ragged = path.join(dir, 'ragged.cinescope');
    fs.writeFileSync(ragged, bytes.subarray(0, Math.floor(bytes.length / 2) + 100));
    await expectOpenError(ragged, 'corrupt-file', 'truncated');
  });

  it('reports a corrupt file', async () => {
    const db = await buildTrace();
    const bytes = Uint8Array.from(db.export());
    db.close();
    bytes.fill(0xff, 100, 4000); // page 1 past the file header: the schema b-tree
    const file = path.join(dir, 'corrupt.cinescope');
    fs.writeFileSync(file, bytes);
    await expectOpenError(file, 'corrupt-file', 'corrupt');
  });

  it('reports an SQLite file that is not a trace', async () => {
    const SQL = await loadSqlJs();
    const foreign = new SQL.Database();
    foreign.run("CREATE TABLE people (name TEXT); INSERT INTO people VALUES ('ada')");
    const file = path.join(dir, 'people.sqlite');
    fs.writeFileSync(file, foreign.export());
    await expectOpenError(file, 'not-a-trace', 'not a Cinescope trace');
    foreign.run('CREATE TABLE meta (a, b)');
    const odd = path.join(dir, 'odd.sqlite');
    fs.writeFileSync(odd, foreign.export());
    await expectOpenError(odd, 'not-a-trace', "its meta table is not Cinescope's");
    foreign.run(
      "DROP TABLE meta; CREATE TABLE meta (key TEXT, value TEXT); INSERT INTO meta VALUES ('format', 'other-tool')",
    );
    const other = path.join(dir, 'other.sqlite');
    fs.writeFileSync(other, foreign.export());
    await expectOpenError(other, 'not-a-trace', 'other-tool');
    foreign.close();
  });

  it('reports a trace from a newer Cinescope', async () => {
    const db = await buildTrace();
    db.setMeta('schemaVersion', '99');
    const file = path.join(dir, 'future.cinescope');
    await db.save(file);
    db.close();
    await expectOpenError(
      file,
      'too-new',
      'was written by a newer Cinescope (trace format 99; this version reads up to 1). Update Cinescope to open it.',
    );
  });

  it('names in-memory bytes without a path', async () => {
    const caught = await TraceDb.fromBytes(new Uint8Array([1, 2, 3])).catch((e: unknown) => e);
    expect(caught).toMatchObject({ code: 'not-a-trace', message: expect.stringContaining('The trace data') });
  });
});

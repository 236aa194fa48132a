/**
 * The collector over a real WebSocket on loopback: it takes real batches made by the runtime's
 * own recorder and ring, and refuses strangers and hostile frames without falling over.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Collector } from './collector';
import { TraceDb } from './traceDb';
import { BATCH_HEADER_BYTES, BATCH_MAGIC, EventType, SCHEMA_VERSION } from '../runtime/eventSchema';
import { Recorder } from '../runtime/recorder';
import { RingReader, RingWriter, createRingBuffer } from '../runtime/ring';

let db: TraceDb;
let collector: Collector;

beforeEach(async () => {
  db = await TraceDb.create();
  collector = await Collector.start({ db, maxEvents: 50 });
});
afterEach(async () => {
  await collector.close();
  db.close();
});

const hello = (pid = 4242, schemaVersion = SCHEMA_VERSION) =>
  JSON.stringify({ type: 'hello', schemaVersion, pid, ppid: 1, session: 's', runtimeVersion: 'test' });

/** Records `n` marks with the real recorder and returns them as one batch. */
function realBatch(n: number, pid = 4242): Uint8Array {
  const sab = createRingBuffer(1 << 16, 0, 'drop-newest');
  const recorder = new Recorder(new RingWriter(sab), 0);
  for (let i = 0; i < n; i++) recorder.record(EventType.mark, { name: 'm', data: { i } });
  const out = new Uint8Array(1 << 16);
  const got = new RingReader(sab).drainInto(out, BATCH_HEADER_BYTES);
  const view = new DataView(out.buffer);
  view.setUint32(0, BATCH_MAGIC, true);
  view.setUint16(4, SCHEMA_VERSION, true);
  view.setUint32(8, pid, true);
  view.setUint32(12, got.records, true);
  return out.subarray(0, BATCH_HEADER_BYTES + got.bytes);
}

function connect(token = collector.token, headers: Record<string, string> = {}) {
  const url = new URL(collector.url);
  url.searchParams.set('token', token);
  return new WebSocket(url, { headers });
}

function opened(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
}

function refusedStatus(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => {
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', () => {});
  });
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe('collector', () => {
  it('listens on loopback only', () => {
    expect(collector.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('ingests real batches into the TraceDB', async () => {
    const ws = connect();
    await opened(ws);
    ws.send(hello());
    ws.send(realBatch(10));
    await until(() => collector.stats.events === 10);
    expect(db.stats().byType).toEqual({ mark: 10 });
    const { rows } = db.query(
      `SELECT pid, tid, eid, json_extract(payload, '$.data.i') FROM events ORDER BY eid`,
    );
    expect(rows).toEqual(Array.from({ length: 10 }, (_, i) => [4242, 0, i + 1, i]));
    ws.close();
  });

  it('refuses a wrong or missing token and browser origins', async () => {
    expect(await refusedStatus(connect('not-the-token'))).toBe(401);
    expect(await refusedStatus(connect(''))).toBe(401);
    expect(await refusedStatus(connect(collector.token, { origin: 'http://evil.example' }))).toBe(403);
    expect(collector.stats.connections).toBe(0);
    expect(collector.problems.join(' ')).toContain('wrong or missing session token');
  });

  it('closes connections that send hostile frames and keeps serving others', async () => {
    const cases: Array<[string, (ws: WebSocket) => void, number]> = [
      ['binary before hello', (ws) => ws.send(realBatch(1)), 1007],
      ['hello of a newer schema', (ws) => ws.send(hello(4242, SCHEMA_VERSION + 1)), 1002],
      ['garbage', (ws) => (ws.send(hello()), ws.send(Buffer.from('garbage garbage garbage'))), 1007],
      ['text after hello', (ws) => (ws.send(hello()), ws.send('{"type":"hello"}')), 1007],
      [
        'count larger than the frame',
        (ws) => {
          const batch = realBatch(2);
          new DataView(batch.buffer, batch.byteOffset).setUint32(12, 1_000_000, true);
          ws.send(hello());
          ws.send(batch);
        },
        1007,
      ],
      [
        'record length past the end',
        (ws) => {
          const batch = realBatch(2);
          new DataView(batch.buffer, batch.byteOffset).setUint32(BATCH_HEADER_BYTES, 1 << 20, true);
          ws.send(hello());
          ws.send(batch);
        },
        1007,
      ],
      ['another pid', (ws) => (ws.send(hello(1)), ws.send(realBatch(1, 2))), 1007],
      [
        'a frame over the size limit',
        (ws) => (ws.send(hello()), ws.send(Buffer.alloc(17 * 1024 * 1024))),
        1009,
      ],
    ];
    for (const [name, send, code] of cases) {
      const ws = connect();
      await opened(ws);
      const done = closed(ws);
      send(ws);
      expect({ name, code: (await done).code }).toEqual({ name, code });
    }
    expect(collector.stats.events).toBe(0);
    // Still serving.
    const ws = connect();
    await opened(ws);
    ws.send(hello());
    ws.send(realBatch(3));
    await until(() => collector.stats.events === 3);
    expect(collector.stats.events).toBe(3);
    ws.close();
  });

  it('bounds what it stores and records what it dropped', async () => {
    const ws = connect();
    await opened(ws);
    ws.send(hello());
    ws.send(realBatch(40));
    ws.send(realBatch(40));
    await until(() => collector.stats.storeDropped === 30);
    ws.close();
    await collector.close();
    const stats = db.stats();
    expect(stats.byType.mark).toBe(50);
    expect(stats.dropped).toBe(30);
  });
});

describe('collector queue', () => {
  it('counts and records batches refused because the queue is full', async () => {
    const ownDb = await TraceDb.create();
    const small = await Collector.start({ db: ownDb, maxQueuedBytes: 1 });
    const url = new URL(small.url);
    url.searchParams.set('token', small.token);
    const ws = new WebSocket(url);
    await opened(ws);
    ws.send(hello());
    ws.send(realBatch(5));
    await until(() => small.stats.storeDropped === 5);
    ws.close();
    await small.close();
    expect(ownDb.stats()).toMatchObject({ events: 1, dropped: 5 });
    ownDb.close();
  });
});

describe('collector storing later', () => {
  it('keeps batches until asked to store them', async () => {
    const ownDb = await TraceDb.create();
    const later = await Collector.start({ db: ownDb, deferStoring: true });
    const url = new URL(later.url);
    url.searchParams.set('token', later.token);
    const ws = new WebSocket(url);
    await opened(ws);
    ws.send(hello());
    ws.send(realBatch(7));
    ws.close();
    await until(() => later.connections === 0);
    expect(later.stats.events).toBe(0);
    await later.stored();
    expect(later.stats.events).toBe(7);
    expect(ownDb.stats().byType).toEqual({ mark: 7 });
    await later.close();
    ownDb.close();
  });
});

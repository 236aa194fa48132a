// TraceDB ingest and query speed on realistic small events.
//
// The events go through the real pipeline before anything is timed: Recorders (one per thread)
// encode the payloads into rings, the rings are drained into binary batches of ~2000 records like
// the drain worker sends, and decodeBatch turns them into TraceEvents with the JSON payloads the
// collector hands to the TraceDB. Timed, in alternating rounds: decodeBatch over all batches, and
// TraceDb.ingest of each batch into a fresh database (what the collector does per batch). Then a
// few indexed queries on the last database.
import {
  loadInternals,
  median,
  min,
  nowMs,
  printBenchJson,
  printTable,
  quick,
  round,
  rotate,
} from './lib.mjs';

const {
  Recorder,
  RingWriter,
  RingReader,
  createRingBuffer,
  EventType,
  TraceDb,
  decodeBatch,
  BATCH_HEADER_BYTES,
  BATCH_MAGIC,
  SCHEMA_VERSION,
} = loadInternals();

const TOTAL = 200_000;
const BATCH = 2000;
const ROUNDS = quick ? 2 : 5;
const QUERY_REPEATS = quick ? 3 : 10;
const PID = 4242;
const THREADS = [0, 1, 2];

// ---- Generate the batches (untimed).

const rings = THREADS.map((tid) => createRingBuffer(1024 * 1024, tid, 'drop-newest'));
const recorders = THREADS.map((tid, i) => new Recorder(new RingWriter(rings[i]), tid));
const readers = rings.map((sab) => new RingReader(sab));
const batchBytes = new Uint8Array(4 * 1024 * 1024);
const batchView = new DataView(batchBytes.buffer);

/** Drains every ring into one batch, ring after ring, as the drain worker does. */
function takeBatch() {
  let at = BATCH_HEADER_BYTES;
  let count = 0;
  for (const reader of readers) {
    const got = reader.drainInto(batchBytes, at);
    at += got.bytes;
    count += got.records;
  }
  batchView.setUint32(0, BATCH_MAGIC, true);
  batchView.setUint16(4, SCHEMA_VERSION, true);
  batchView.setUint16(6, 0, true);
  batchView.setUint32(8, PID, true);
  batchView.setUint32(12, count, true);
  return batchBytes.slice(0, at);
}

const mix = {};
let written = 0;
function rec(tid, type, payload, links) {
  recorders[tid].record(type, payload, links);
  mix[type] = (mix[type] ?? 0) + 1;
  written++;
}

const batches = [];
let corr = 1;
let seq = 0;
let batched = 0;
rec(0, EventType.processStart, {
  pid: PID,
  ppid: 1,
  argv: ['/usr/bin/node', '/app/main.js'],
  execArgv: [],
  cwd: '/app',
  title: 'node',
  nodeVersion: process.version,
  platform: process.platform,
  timeOrigin: Date.now(),
});
rec(0, EventType.threadStart, { threadId: 0, name: 'main', isMainThread: true });
for (const tid of [1, 2]) {
  rec(0, EventType.workerSpawn, { threadId: tid, name: `worker-${tid}`, filename: '/app/worker.js' });
  rec(tid, EventType.threadStart, { threadId: tid, name: '', isMainThread: false });
}
while (written < TOTAL) {
  const k = written % 100;
  const worker = 1 + (written & 1);
  if (k < 40) {
    // A ping from main to a worker and its receive there: 80% of the events are messages.
    seq++;
    const data = { v: (seq * 7) % 1000 };
    const c = corr++;
    rec(
      0,
      EventType.messageSend,
      { channel: 'worker', key: String(worker), seq, peer: worker, data },
      { corr: c },
    );
    rec(
      worker,
      EventType.messageReceive,
      { channel: 'worker', key: String(worker), seq, peer: 0, data },
      { corr: c },
    );
  } else if (k < 55) {
    rec(worker, EventType.mark, { name: 'job.done', data: { job: written, ms: 1.25, ok: true } });
  } else if (k < 59) {
    rec(worker, EventType.gc, { kind: 'minor', durationMs: 0.42 });
  } else if (k < 60) {
    rec(written % 3, EventType.metrics, {
      elu: 0.42,
      delayP50: 10.1,
      delayP90: 10.9,
      delayP99: 12.5,
      delayMax: 14.2,
      heapUsed: 5_123_456,
      heapTotal: 8_388_608,
      external: 1_234_567,
      rss: 52_428_800,
      cpuUser: 80_000,
      cpuSystem: 9_000,
      activeHandles: 3,
      heapSpaces: { new_space: 1_048_576, old_space: 3_145_728, code_space: 262_144 },
    });
  } else {
    // Fill the rest of the hundred with more pings so the proportions hold.
    seq++;
    const c = corr++;
    const data = { v: seq % 1000 };
    rec(0, EventType.messageSend, { channel: 'port', key: 'p1', seq, peer: worker, data }, { corr: c });
    rec(worker, EventType.messageReceive, { channel: 'port', key: 'p1', seq, peer: 0, data }, { corr: c });
  }
  if (written - batched >= BATCH) {
    batches.push(takeBatch());
    batched = written;
  }
}
batches.push(takeBatch());
const dropped = readers.reduce((n, r) => n + r.takeDrops()[0], 0);

// Decode once to know the events and their sizes.
const decoded = batches.map((b) => decodeBatch(b).events);
if (process.argv.includes('--samples'))
  for (const e of decoded[1].slice(0, 8)) console.log(e.type, e.payload);
const eventCount = decoded.reduce((n, b) => n + b.length, 0);
let payloadBytes = 0;
let payloads = 0;
for (const batch of decoded) {
  for (const e of batch) {
    if (e.payload !== null) {
      payloadBytes += e.payload.length;
      payloads++;
    }
  }
}
const batchSizes = decoded.map((b) => b.length);

// ---- Timed rounds.

const samples = { decode: [], ingest: [] };
let lastDb;
const variants = {
  decode() {
    let n = 0;
    const t0 = nowMs();
    for (const b of batches) n += decodeBatch(b).events.length;
    const ms = nowMs() - t0;
    return { ms, n };
  },
  async ingest() {
    const db = await TraceDb.create();
    const t0 = nowMs();
    for (const events of decoded) db.ingest(events);
    const ms = nowMs() - t0;
    if (lastDb) lastDb.close();
    lastDb = db;
    return { ms, n: eventCount };
  },
};
const names = Object.keys(variants);
for (let r = 0; r < ROUNDS; r++) {
  for (const name of rotate(names, r)) {
    const { ms, n } = await variants[name]();
    samples[name].push(n / (ms / 1000));
  }
}

// ---- Queries on the last database.

const stats = lastDb.stats();
// Windows chosen by rank, not by clock time (generation has pauses): "1%" is the time span of 1%
// of the events concerned, starting from the middle one.
const tsOf = (pred) =>
  decoded
    .flat()
    .filter(pred)
    .map((e) => e.ts)
    .sort((a, b) => a - b);
const window = (sorted, share) => {
  const from = Math.floor(sorted.length / 2);
  return [sorted[from], sorted[Math.min(sorted.length - 1, from + Math.floor(sorted.length * share))]];
};
const worker1 = tsOf((e) => e.tid === 1);
const main = tsOf((e) => e.tid === 0);
const sends = tsOf((e) => e.type === EventType.messageSend);
const [w1From, w1To] = window(worker1, 0.01);
const [s1From, s1To] = window(sends, 0.01);
const [s10From, s10To] = window(sends, 0.1);
const queries = {
  'threadEvents(worker 1, 1% of its events)': () => lastDb.threadEvents(PID, 1, w1From, w1To),
  'threadEvents(main, whole range, limit 1000)': () =>
    lastDb.threadEvents(PID, 0, main[0], main[main.length - 1], 1000),
  'messages(1% of the sends)': () => lastDb.messages({ fromTs: s1From, toTs: s1To }),
  'messages(10% of the sends)': () => lastDb.messages({ fromTs: s10From, toTs: s10To }),
  'metricsSeries(main, heapUsed)': () => lastDb.metricsSeries(PID, 0, 'heapUsed'),
  'stats()': () => lastDb.stats(),
};
const queryResults = {};
for (const [name, run] of Object.entries(queries)) {
  const times = [];
  let rows = 0;
  for (let i = 0; i < QUERY_REPEATS; i++) {
    const t0 = nowMs();
    const result = run();
    times.push(nowMs() - t0);
    rows = Array.isArray(result) ? result.length : 1;
  }
  queryResults[name] = { medianMs: median(times), minMs: min(times), rows };
}
lastDb.close();

// ---- Report.

const typeName = Object.fromEntries(Object.entries(EventType).map(([k, v]) => [v, k]));
const mixText = Object.entries(mix)
  .sort((a, b) => b[1] - a[1])
  .map(([t, n]) => `${typeName[t]} ${((n / written) * 100).toFixed(1)}%`)
  .join(', ');
console.log(
  `\ntracedb: ${eventCount.toLocaleString('en-US')} events in ${batches.length} batches ` +
    `(median ${median(batchSizes)} events), mean payload ${(payloadBytes / payloads).toFixed(0)} B of JSON; ` +
    `mix: ${mixText}`,
);
if (dropped) console.log(`note: ${dropped} events were dropped while generating the batches.`);
const med = { decode: median(samples.decode), ingest: median(samples.ingest) };
const combined = 1 / (1 / med.decode + 1 / med.ingest);
printTable(`tracedb: events/s, median of ${ROUNDS} rounds (${quick ? 'quick' : 'full'})`, [
  ['step', 'median ev/s', 'min ev/s', 'max ev/s', 'target ev/s'],
  ['decodeBatch (collector)', med.decode, min(samples.decode), Math.max(...samples.decode), ''],
  [
    'TraceDb.ingest, batches of ~2000',
    med.ingest,
    min(samples.ingest),
    Math.max(...samples.ingest),
    '>= 500,000',
  ],
  ['decode + ingest', combined, '', '', ''],
]);
printTable(`tracedb: queries on ${eventCount.toLocaleString('en-US')} events, median of ${QUERY_REPEATS}`, [
  ['query', 'median ms', 'min ms', 'rows'],
  ...Object.entries(queryResults).map(([n, q]) => [n, q.medianMs, q.minMs, q.rows]),
]);
console.log(
  `stats(): ${stats.events} events, ${stats.threads} threads, ${stats.messages.linked} linked receives, ` +
    `ingest ratio to target: ${(med.ingest / 500_000).toFixed(2)}`,
);

printBenchJson(
  'tracedb',
  {
    events: eventCount,
    batches: batches.length,
    meanPayloadBytes: round(payloadBytes / payloads),
    decodeEps: round(med.decode),
    ingestEps: round(med.ingest),
    decodePlusIngestEps: round(combined),
    ingestVsTarget: round(med.ingest / 500_000),
    queriesMs: Object.fromEntries(Object.entries(queryResults).map(([n, q]) => [n, round(q.medianMs)])),
    queryRows: Object.fromEntries(Object.entries(queryResults).map(([n, q]) => [n, q.rows])),
    statsEvents: stats.events,
    linkedMessages: stats.messages.linked,
  },
  { rounds: ROUNDS, queryRepeats: QUERY_REPEATS, targets: { ingestEps: 500_000 } },
);

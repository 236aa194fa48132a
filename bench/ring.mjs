// Ring-buffer throughput with real worker_threads writers. Each writer writes 40-byte records
// (length, type, flags, a `performance.timeOrigin + performance.now()` timestamp, tid, eid) through
// a DataView in a tight loop for a fixed count.
//   own1 / own2        1 or 2 writers, each owning its ring (RingWriter), ring big enough for the
//                      whole run and no reader: the writer's own cost.
//   own1NoClock        own1 with a counter instead of the clock: the ring's share of the cost.
//   shared1 / shared2  1 or 2 writers claiming slots of one buffer with Atomics.add on one shared
//                      counter: the baseline design the runtime avoids.
//   drain1 / drain2    1 or 2 writers, each owning a 4 MiB ring, while the main thread drains all
//                      rings concurrently with RingReader.drainInto (what the drain worker does):
//                      delivered events/s and drops.
// Variants alternate within each round; figures are medians over rounds.
import { Worker } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { cpus } from 'node:os';
import {
  benchDir,
  internalsPath,
  loadInternals,
  median,
  nowMs,
  printBenchJson,
  printTable,
  quick,
  round,
  rotate,
} from './lib.mjs';

const { RingReader, createRingBuffer } = loadInternals();

const ROUNDS = quick ? 3 : 7;
/** Records per writer in the no-reader variants: 800K x 40 B fits a 32 MiB ring. */
const SOLO_COUNT = quick ? 500_000 : 800_000;
const SOLO_RING = 32 * 1024 * 1024;
/** Records per writer in the drained variants, through a ring the size of a worker's default-ish. */
const DRAIN_COUNT = quick ? 1_000_000 : 3_000_000;
const DRAIN_RING = 4 * 1024 * 1024;
const RECORD = 40;
const DEADLINE_MS = 60_000;

async function runVariant({ mode, writers, count, drain, clock = true }) {
  const control = new SharedArrayBuffer(16);
  const ctrl = new Int32Array(control);
  const results = new SharedArrayBuffer(8 * 3 * writers);
  let sabs;
  if (mode === 'shared') {
    const shared = new SharedArrayBuffer(256 + RECORD * count * writers);
    new Uint8Array(shared).fill(0);
    sabs = Array.from({ length: writers }, () => shared);
  } else {
    sabs = Array.from({ length: writers }, (_, i) =>
      createRingBuffer(drain ? DRAIN_RING : SOLO_RING, i + 1, 'drop-newest'),
    );
  }
  const readers = drain ? sabs.map((sab) => new RingReader(sab)) : [];
  const workers = sabs.map(
    (sab, index) =>
      new Worker(join(benchDir, 'ringWorker.mjs'), {
        workerData: { mode, sab, count, control, results, index, internalsPath, tid: index + 1, clock },
      }),
  );
  const exited = workers.map((w) => new Promise((resolve) => w.once('exit', resolve)));
  for (const w of workers) w.on('error', (e) => console.error(`ring worker failed: ${e.stack ?? e}`));

  // Wait (bounded) until every writer is at the barrier, then start them together.
  const readyBy = Date.now() + DEADLINE_MS;
  while (Atomics.load(ctrl, 0) < writers && Date.now() < readyBy) await sleep(2);
  const t0 = nowMs();
  Atomics.store(ctrl, 1, 1);
  Atomics.notify(ctrl, 1);

  let delivered = 0;
  let wall;
  if (drain) {
    const out = new Uint8Array(1024 * 1024);
    const stopBy = t0 + DEADLINE_MS;
    for (;;) {
      const done = Atomics.load(ctrl, 2) === writers;
      for (const reader of readers) delivered += reader.drainInto(out, 0).records;
      if (done && readers.every((r) => r.pendingBytes() === 0)) break;
      if (nowMs() > stopBy) {
        console.log('note: the drain loop hit its deadline');
        break;
      }
    }
    wall = nowMs() - t0;
  } else {
    // The writers do not need this thread: just wait for them.
    await Promise.all(exited);
    wall = nowMs() - t0;
  }
  await Promise.all(exited);
  const r = new Float64Array(results);
  const per = workers.map((_, i) => ({ ms: r[i * 3], committed: r[i * 3 + 1], dropped: r[i * 3 + 2] }));
  const ringDrops = readers.reduce((sum, reader) => sum + reader.takeDrops()[0], 0);
  return {
    // Attempted records per second of each writer's loop (timestamp, claim, header, commit).
    perWriterEps: median(per.map((p) => count / (p.ms / 1000))),
    // All writers together, over the longest writer's time.
    totalEps: (count * writers) / (Math.max(...per.map((p) => p.ms)) / 1000),
    committed: per.reduce((s, p) => s + p.committed, 0),
    dropped: per.reduce((s, p) => s + p.dropped, 0),
    ringDrops,
    delivered,
    deliveredEps: drain ? delivered / (wall / 1000) : null,
    wallMs: wall,
  };
}

const variants = {
  own1: { mode: 'own', writers: 1, count: SOLO_COUNT, drain: false },
  own2: { mode: 'own', writers: 2, count: SOLO_COUNT, drain: false },
  own1NoClock: { mode: 'own', writers: 1, count: SOLO_COUNT, drain: false, clock: false },
  shared1: { mode: 'shared', writers: 1, count: SOLO_COUNT, drain: false },
  shared2: { mode: 'shared', writers: 2, count: SOLO_COUNT, drain: false },
  drain1: { mode: 'own', writers: 1, count: DRAIN_COUNT, drain: true },
  drain2: { mode: 'own', writers: 2, count: DRAIN_COUNT, drain: true },
};
const names = Object.keys(variants);
const samples = Object.fromEntries(names.map((n) => [n, []]));

// One short warm-up of the worker path (not counted).
await runVariant({ mode: 'own', writers: 1, count: 100_000, drain: true });
for (let r = 0; r < ROUNDS; r++) {
  for (const name of rotate(names, r)) samples[name].push(await runVariant(variants[name]));
}

const summary = {};
for (const name of names) {
  const s = samples[name];
  const pick = (key) => (s[0][key] === null ? null : median(s.map((x) => x[key])));
  const attempted = variants[name].count * variants[name].writers;
  summary[name] = {
    writers: variants[name].writers,
    perWriterEps: pick('perWriterEps'),
    totalEps: pick('totalEps'),
    deliveredEps: pick('deliveredEps'),
    // Drop share over all rounds: dropped / attempted.
    dropRate: s.reduce((sum, x) => sum + x.dropped, 0) / (attempted * s.length),
    droppedPerRound: pick('dropped'),
    nsPerEvent: 1e9 / pick('perWriterEps'),
  };
}

const M = (v) => (v === null ? '-' : (v / 1e6).toFixed(2));
printTable(
  `ring: events/s (millions), median of ${ROUNDS} rounds; ${cpus().length} CPUs (${quick ? 'quick' : 'full'})`,
  [
    ['variant', 'writers', 'per writer M/s', 'ns/event', 'total M/s', 'delivered M/s', 'dropped %'],
    ...names.map((n) => {
      const s = summary[n];
      return [
        n,
        s.writers,
        M(s.perWriterEps),
        s.nsPerEvent,
        M(s.totalEps),
        M(s.deliveredEps),
        (s.dropRate * 100).toFixed(1),
      ];
    }),
  ],
);
const ratios = {
  own2VsOwn1PerWriter: summary.own2.perWriterEps / summary.own1.perWriterEps,
  clockNs: summary.own1.nsPerEvent - summary.own1NoClock.nsPerEvent,
  shared2VsOwn2Total: summary.shared2.totalEps / summary.own2.totalEps,
  shared2VsShared1Total: summary.shared2.totalEps / summary.shared1.totalEps,
  drain2VsDrain1Delivered: summary.drain2.deliveredEps / summary.drain1.deliveredEps,
};
printTable('ring: ratios', [
  ['ratio', 'value'],
  ['own2 / own1, per writer', ratios.own2VsOwn1PerWriter],
  ['own1 ns/event - own1NoClock ns/event (the clock)', ratios.clockNs],
  ['shared2 / own2, total', ratios.shared2VsOwn2Total],
  ['shared2 / shared1, total', ratios.shared2VsShared1Total],
  ['drain2 / drain1, delivered', ratios.drain2VsDrain1Delivered],
]);
console.log(
  'target: >= 20 M events/s per writer including the timestamp. drain2 runs 3 busy threads; ' +
    `this machine has ${cpus().length} CPUs.`,
);

printBenchJson(
  'ring',
  {
    variants: Object.fromEntries(
      Object.entries(summary).map(([n, s]) => [
        n,
        Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v === null ? null : round(v)])),
      ]),
    ),
    ratios: Object.fromEntries(Object.entries(ratios).map(([k, v]) => [k, round(v)])),
  },
  { rounds: ROUNDS, soloCount: SOLO_COUNT, drainCount: DRAIN_COUNT, targets: { perWriterEps: 20e6 } },
);

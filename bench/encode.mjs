// Encode cost per event on one thread:
//   (a) Recorder.record(EventType.mark) with no payload: header only, timestamp included;
//   (b) Recorder.record(EventType.mark, {a:1,b:'x',c:true});
//   (c) ValueEncoder.encode of that object alone, against JSON.stringify of it (the baseline).
// One ring is reused for every round and drained between rounds (untimed), so it never fills and
// its pages are already mapped, as in a long-running program. Variants alternate within each round;
// the figures are medians over rounds.
import { performance } from 'node:perf_hooks';
import { Buffer } from 'node:buffer';
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

const { Recorder, RingWriter, RingReader, createRingBuffer, ValueEncoder, EventType } = loadInternals();

const ROUNDS = quick ? 5 : 15;
/** Records per round; the ring holds them all (40 B header + 8 B payload, aligned, per record). */
const N = quick ? 100_000 : 200_000;
const RING_BYTES = 32 * 1024 * 1024;
const SMALL = { a: 1, b: 'x', c: true };

const sab = createRingBuffer(RING_BYTES, 0, 'drop-newest');
const writer = new RingWriter(sab);
const reader = new RingReader(sab);
const recorder = new Recorder(writer, 0);
const drainBuffer = new Uint8Array(4 * 1024 * 1024);
let droppedTotal = 0;

/** Empties the ring (untimed) so the next round starts with all of it free. */
function drain() {
  while (reader.pendingBytes() > 0) reader.drainInto(drainBuffer, 0);
  droppedTotal += reader.takeDrops()[0];
}

// Touch every page of the ring once so no round pays for first-touch page faults.
new Uint8Array(sab).fill(0);

let sink = 0;

const variants = {
  /** The clock alone, for reference: every record pays for one read of it. */
  timestamp() {
    const origin = performance.timeOrigin;
    let acc = 0;
    const t0 = nowMs();
    for (let i = 0; i < N; i++) acc += origin + performance.now();
    const t1 = nowMs();
    sink += acc > 0 ? 1 : 0;
    return ((t1 - t0) * 1e6) / N;
  },
  headerOnly() {
    drain();
    const type = EventType.mark;
    let failed = 0;
    const t0 = nowMs();
    for (let i = 0; i < N; i++) if (recorder.record(type) === 0) failed++;
    const t1 = nowMs();
    if (failed) droppedTotal += failed;
    return ((t1 - t0) * 1e6) / N;
  },
  smallPayload() {
    drain();
    const type = EventType.mark;
    let failed = 0;
    const t0 = nowMs();
    for (let i = 0; i < N; i++) if (recorder.record(type, SMALL) === 0) failed++;
    const t1 = nowMs();
    if (failed) droppedTotal += failed;
    return ((t1 - t0) * 1e6) / N;
  },
  valueEncoder: (() => {
    const encoder = new ValueEncoder();
    return () => {
      let bytes = 0;
      const t0 = nowMs();
      for (let i = 0; i < N; i++) bytes += encoder.encode(SMALL);
      const t1 = nowMs();
      sink += bytes;
      return ((t1 - t0) * 1e6) / N;
    };
  })(),
  jsonStringify() {
    let chars = 0;
    const t0 = nowMs();
    for (let i = 0; i < N; i++) chars += JSON.stringify(SMALL).length;
    const t1 = nowMs();
    sink += chars;
    return ((t1 - t0) * 1e6) / N;
  },
  /** What the runtime would pay to get bytes out of JSON: stringify plus a UTF-8 write. */
  jsonStringifyUtf8: (() => {
    const out = Buffer.allocUnsafe(1024);
    return () => {
      let bytes = 0;
      const t0 = nowMs();
      for (let i = 0; i < N; i++) bytes += out.write(JSON.stringify(SMALL), 0, 'utf8');
      const t1 = nowMs();
      sink += bytes;
      return ((t1 - t0) * 1e6) / N;
    };
  })(),
};

const names = Object.keys(variants);
const samples = Object.fromEntries(names.map((n) => [n, []]));
// One warm-up round (not counted) lets the JIT settle every variant before measuring.
for (const name of names) variants[name]();
for (let r = 0; r < ROUNDS; r++) {
  for (const name of rotate(names, r)) samples[name].push(variants[name]());
}
drain();

const med = Object.fromEntries(names.map((n) => [n, median(samples[n])]));
const labels = {
  timestamp: 'timeOrigin + performance.now() alone',
  headerOnly: '(a) record(mark), header only',
  smallPayload: '(b) record(mark, {a:1,b:"x",c:true})',
  valueEncoder: '(c) ValueEncoder.encode(small)',
  jsonStringify: '    JSON.stringify(small) (baseline)',
  jsonStringifyUtf8: '    JSON.stringify + utf8 write',
};
const targets = { headerOnly: '<= 20', valueEncoder: '~130', jsonStringify: '~340' };
printTable(
  `encode: ns per event, median of ${ROUNDS} rounds x ${N.toLocaleString('en-US')} (${quick ? 'quick' : 'full'})`,
  [
    ['variant', 'median ns', 'min ns', 'max ns', 'target ns'],
    ...names.map((n) => [labels[n], med[n], min(samples[n]), Math.max(...samples[n]), targets[n] ?? '']),
  ],
);
const ratios = {
  encodeVsStringify: med.valueEncoder / med.jsonStringify,
  encodeVsStringifyUtf8: med.valueEncoder / med.jsonStringifyUtf8,
  payloadCostNs: med.smallPayload - med.headerOnly,
  headerMinusClockNs: med.headerOnly - med.timestamp,
};
printTable('encode: ratios', [
  ['ratio', 'value'],
  ['ValueEncoder / JSON.stringify', ratios.encodeVsStringify],
  ['ValueEncoder / (JSON.stringify + utf8)', ratios.encodeVsStringifyUtf8],
  ['(b) - (a): payload cost, ns', ratios.payloadCostNs],
  ['(a) - clock: header write + claim, ns', ratios.headerMinusClockNs],
]);
if (droppedTotal > 0)
  console.log(`note: ${droppedTotal} records were dropped (the ring filled): the figures are off.`);
if (recorder.failures > 0) console.log(`note: the recorder counted ${recorder.failures} internal failures.`);

printBenchJson(
  'encode',
  {
    nsPerEvent: Object.fromEntries(names.map((n) => [n, round(med[n])])),
    minNsPerEvent: Object.fromEntries(names.map((n) => [n, round(min(samples[n]))])),
    ratios: Object.fromEntries(Object.entries(ratios).map(([k, v]) => [k, round(v)])),
    dropped: droppedTotal,
    failures: recorder.failures,
  },
  {
    rounds: ROUNDS,
    eventsPerRound: N,
    targets: { headerOnlyNs: 20, valueEncoderNs: 130, jsonStringifyNs: 340 },
  },
);
if (sink === -1) console.log('');

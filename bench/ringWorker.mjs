// A writer thread of bench/ring.mjs. It waits at a start barrier, writes `count` 40-byte records as
// fast as it can, then stores its elapsed time, committed and dropped counts in shared memory.
//   mode 'own':    its own ring through RingWriter (claim / write header / commit), as the runtime;
//                  with `clock: false` a counter replaces the timestamp (reference only).
//   mode 'shared': one buffer for all writers, each slot claimed with Atomics.add on one shared
//                  counter and published with Atomics.store (the design the runtime avoids).
import { performance } from 'node:perf_hooks';
import { workerData } from 'node:worker_threads';
import { createRequire } from 'node:module';

const { mode, sab, count, control, results, index, internalsPath, tid, clock } = workerData;
const { RingWriter, createRingBuffer } = createRequire(import.meta.url)(internalsPath);

const RECORD = 40;
const TYPE_MARK = 17;
const SHARED_HEADER = 256;
/** Records written before the barrier so the loop is optimised when the clock starts. */
const WARMUP = 300_000;
const ctrl = new Int32Array(control);
const out = new Float64Array(results);

function waitForStart() {
  Atomics.add(ctrl, 0, 1);
  // Bounded: the main thread starts everyone within a few seconds or the run is abandoned.
  Atomics.wait(ctrl, 1, 0, 30_000);
}

function writeOwn(ring, n) {
  const view = ring.view;
  const origin = performance.timeOrigin;
  let dropped = 0;
  for (let i = 0; i < n; i++) {
    const ts = origin + performance.now();
    const at = ring.claim(RECORD);
    if (at < 0) {
      dropped++;
      continue;
    }
    view.setUint32(at, RECORD, true);
    view.setUint16(at + 4, TYPE_MARK, true);
    view.setUint16(at + 6, 0, true);
    view.setFloat64(at + 8, ts, true);
    view.setUint32(at + 16, tid, true);
    view.setUint32(at + 20, i + 1, true);
    ring.commit();
  }
  return dropped;
}

/** writeOwn with a counter instead of the clock: what the ring costs without the timestamp. */
function writeOwnNoClock(ring, n) {
  const view = ring.view;
  let dropped = 0;
  for (let i = 0; i < n; i++) {
    const ts = i;
    const at = ring.claim(RECORD);
    if (at < 0) {
      dropped++;
      continue;
    }
    view.setUint32(at, RECORD, true);
    view.setUint16(at + 4, TYPE_MARK, true);
    view.setUint16(at + 6, 0, true);
    view.setFloat64(at + 8, ts, true);
    view.setUint32(at + 16, tid, true);
    view.setUint32(at + 20, i + 1, true);
    ring.commit();
  }
  return dropped;
}

function runOwn() {
  const write = clock === false ? writeOwnNoClock : writeOwn;
  write(new RingWriter(createRingBuffer(WARMUP * RECORD, tid, 'drop-newest')), WARMUP);
  const ring = new RingWriter(sab);
  // Map every page before the clock starts: first-touch page faults are not the ring's cost.
  ring.bytes.fill(0);
  waitForStart();
  const t0 = performance.now();
  const dropped = write(ring, count);
  const elapsed = performance.now() - t0;
  ring.close();
  return [elapsed, count - dropped, dropped];
}

function writeShared(buffer, n) {
  const counter = new Int32Array(buffer, 0, SHARED_HEADER / 4);
  const words = new Int32Array(buffer);
  const view = new DataView(buffer);
  const slots = (buffer.byteLength - SHARED_HEADER) / RECORD;
  const origin = performance.timeOrigin;
  let dropped = 0;
  for (let i = 0; i < n; i++) {
    const ts = origin + performance.now();
    const slot = Atomics.add(counter, 0, 1);
    if (slot >= slots) {
      dropped++;
      continue;
    }
    const at = SHARED_HEADER + slot * RECORD;
    view.setUint16(at + 4, TYPE_MARK, true);
    view.setUint16(at + 6, 0, true);
    view.setFloat64(at + 8, ts, true);
    view.setUint32(at + 16, tid, true);
    view.setUint32(at + 20, i + 1, true);
    // Publish: a reader of a shared buffer must see the length last.
    Atomics.store(words, at >> 2, RECORD);
  }
  return dropped;
}

function runShared() {
  writeShared(new SharedArrayBuffer(SHARED_HEADER + WARMUP * RECORD), WARMUP);
  waitForStart();
  const t0 = performance.now();
  const dropped = writeShared(sab, count);
  const elapsed = performance.now() - t0;
  return [elapsed, count - dropped, dropped];
}

const [elapsed, committed, dropped] = mode === 'shared' ? runShared() : runOwn();
out[index * 3] = elapsed;
out[index * 3 + 1] = committed;
out[index * 3 + 2] = dropped;
Atomics.add(ctrl, 2, 1);

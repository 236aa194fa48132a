import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { RingReader, RingWriter, createRingBuffer } from './ring';
import { HEADER_BYTES, Offset, align8 } from './eventSchema';

/** Writes a record whose eid is `seq` and whose payload bytes all equal `seq & 0xff`. */
function writeRecord(ring: RingWriter, seq: number, payloadBytes: number): boolean {
  const length = HEADER_BYTES + payloadBytes;
  const at = ring.claim(length);
  if (at < 0) return false;
  ring.view.setUint32(at + Offset.length, length, true);
  ring.view.setUint32(at + Offset.eid, seq, true);
  ring.bytes.fill(seq & 0xff, at + HEADER_BYTES, at + length);
  ring.commit();
  return true;
}

/** Reads all records in `bytes`, checking each payload matches its eid. */
function readRecords(bytes: Uint8Array, length: number): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const seqs: number[] = [];
  for (let at = 0; at < length;) {
    const len = view.getUint32(at + Offset.length, true);
    // A corrupt length would otherwise loop forever here.
    if (len < HEADER_BYTES || at + len > length) throw new Error(`corrupt record at ${at}: length ${len}`);
    const seq = view.getUint32(at + Offset.eid, true);
    const wrong = bytes.subarray(at + HEADER_BYTES, at + len).findIndex((b) => b !== (seq & 0xff));
    expect(wrong).toBe(-1);
    seqs.push(seq);
    at += align8(len);
  }
  return seqs;
}

function drainAll(reader: RingReader): number[] {
  const out = new Uint8Array(1 << 20);
  const got = reader.drainInto(out, 0);
  const seqs = readRecords(out, got.bytes);
  expect(seqs.length).toBe(got.records);
  return seqs;
}

describe('ring buffer', () => {
  it('keeps records whole and in order across many wrap-arounds', () => {
    const sab = createRingBuffer(4096, 0, 'drop-newest');
    const writer = new RingWriter(sab);
    const reader = new RingReader(sab);
    const seen: number[] = [];
    let seq = 0;
    for (let round = 0; round < 500; round++) {
      for (let i = 0; i < 7; i++) expect(writeRecord(writer, ++seq, (seq * 37) % 300)).toBe(true);
      seen.push(...drainAll(reader));
    }
    expect(seen).toEqual(Array.from({ length: seq }, (_, i) => i + 1));
    expect(reader.takeDrops()).toEqual([0, 0]);
  });

  it('drop-newest refuses what does not fit and counts every drop', () => {
    const sab = createRingBuffer(4096, 3, 'drop-newest');
    const writer = new RingWriter(sab);
    const reader = new RingReader(sab);
    let accepted = 0;
    for (let seq = 1; seq <= 200; seq++) if (writeRecord(writer, seq, 24)) accepted++;
    // The last eighth is kept for critical records.
    expect(accepted).toBe((4096 - 512) / 64);
    let critical = 0;
    for (let seq = 201; seq <= 210; seq++) {
      const at = writer.claim(64, true);
      if (at < 0) continue;
      critical++;
      writer.view.setUint32(at + Offset.length, 64, true);
      writer.view.setUint32(at + Offset.eid, seq, true);
      writer.bytes.fill(seq & 0xff, at + HEADER_BYTES, at + 64);
      writer.commit();
    }
    expect(critical).toBe(512 / 64);
    const seqs = drainAll(reader);
    expect(seqs).toEqual([
      ...Array.from({ length: accepted }, (_, i) => i + 1),
      ...Array.from({ length: 8 }, (_, i) => 201 + i),
    ]);
    expect(reader.takeDrops()).toEqual([200 - accepted + 2, (200 - accepted + 2) * 64]);
    expect(reader.takeDrops()).toEqual([0, 0]);
    expect(reader.tid).toBe(3);
  });

  it('drop-oldest keeps the newest records and counts the evicted ones', () => {
    const sab = createRingBuffer(4096, 0, 'drop-oldest');
    const writer = new RingWriter(sab);
    const reader = new RingReader(sab);
    for (let seq = 1; seq <= 200; seq++) expect(writeRecord(writer, seq, 24)).toBe(true);
    const seqs = drainAll(reader);
    expect(seqs.at(-1)).toBe(200);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => 200 - seqs.length + 1 + i));
    const [dropped] = reader.takeDrops();
    expect(dropped + seqs.length).toBe(200);
  });

  it('never loses a record silently with writers on two real threads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cinescope-ring-'));
    const bundle = join(dir, 'ring.cjs');
    buildSync({
      entryPoints: [fileURLToPath(new URL('./ring.ts', import.meta.url))],
      bundle: true,
      format: 'cjs',
      platform: 'node',
      outfile: bundle,
    });
    const writerSource = `
      const { workerData, parentPort } = require('node:worker_threads');
      const { RingWriter } = require(${JSON.stringify(bundle)});
      const ring = new RingWriter(workerData.sab);
      let written = 0;
      for (let seq = 1; seq <= workerData.count; seq++) {
        const at = ring.claim(48);
        if (at < 0) continue;
        ring.view.setUint32(at, 48, true);
        ring.view.setUint32(at + 20, seq, true);
        ring.commit();
        written++;
      }
      parentPort.postMessage(written);`;
    const count = 300_000;
    const rings = [1, 2].map((tid) => createRingBuffer(64 * 1024, tid, 'drop-newest'));
    const readers = rings.map((sab) => new RingReader(sab));
    const done = rings.map(
      (sab) =>
        new Promise<number>((resolve, reject) => {
          const worker = new Worker(writerSource, { eval: true, workerData: { sab, count } });
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    );
    const received = [0, 0];
    const last = [0, 0];
    const out = new Uint8Array(1 << 20);
    let finished = false;
    const all = Promise.all(done).finally(() => (finished = true));
    while (!finished || readers.some((r) => r.pendingBytes() > 0)) {
      readers.forEach((reader, i) => {
        const got = reader.drainInto(out, 0);
        const view = new DataView(out.buffer);
        for (let at = 0; at < got.bytes; at += 48) {
          const seq = view.getUint32(at + 20, true);
          expect(seq).toBeGreaterThan(last[i]);
          last[i] = seq;
        }
        received[i] += got.records;
      });
      await new Promise((r) => setImmediate(r));
    }
    const written = await all;
    readers.forEach((reader, i) => {
      const [dropped] = reader.takeDrops();
      expect(received[i]).toBe(written[i]);
      expect(received[i] + dropped).toBe(count);
    });
  });
});

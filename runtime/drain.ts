/**
 * The drain worker: the one thread that reads every ring of its process and streams the records
 * to the collector in batches. It runs off the program's threads, so the program never waits on
 * the collector: while the socket is slow or down, the drain stops reading, the rings fill, and
 * producers drop and count.
 *
 * At exit the main thread asks for a final flush through `control` and waits (bounded) for the
 * answer; this worker reads everything left, sends it, and answers when the socket took it.
 */
import { workerData, parentPort } from 'node:worker_threads';
import {
  BATCH_HEADER_BYTES,
  BATCH_MAGIC,
  BatchOffset,
  EventType,
  HEADER_BYTES,
  MAX_RECORD_BYTES,
  Offset,
  SCHEMA_VERSION,
  align8,
} from './eventSchema';
import type { DroppedPayload, WarningPayload } from './eventSchema';
import { RingReader } from './ring';
import { Transport } from './transport';
import { ValueEncoder } from './valueEncoder';
import { Control } from './drainProtocol';
import type { DrainData, DrainMessage } from './drainProtocol';

const BATCH_BYTES = 1024 * 1024;
const TICK_MS = 10;
/** A `dropped` record is a header and a three-field object: well under this. */
const DROPPED_RECORD_BYTES = 256;
const MAX_WARNINGS = 8;
/** Stop reading rings while this much is queued on the socket. */
const HIGH_WATER = 8 * 1024 * 1024;

class Drain {
  private readonly rings: RingReader[] = [];
  private readonly exited = new Set<number>();
  private readonly encoder = new ValueEncoder();
  private readonly control: Int32Array;
  private readonly transport: Transport;
  private flushing = false;
  private first = 0;
  /** Problems of the runtime itself, sent as `warning` events. */
  private readonly warnings: string[] = [];

  constructor(private readonly data: DrainData) {
    this.control = new Int32Array(data.control);
    this.rings.push(new RingReader(data.mainRing));
    this.transport = new Transport(data.config, {
      type: 'hello',
      schemaVersion: SCHEMA_VERSION,
      pid: data.pid,
      ppid: data.ppid,
      session: data.config.session,
      runtimeVersion: RUNTIME_VERSION,
    });
  }

  start(): void {
    parentPort?.on('message', (message: DrainMessage) => {
      if (message.type === 'ring') this.rings.push(new RingReader(message.sab));
      else this.exited.add(message.tid);
    });
    this.transport.connect();
    this.tick();
    void this.waitForFlushRequest();
  }

  private tick(): void {
    try {
      if (!this.flushing) this.pump();
    } catch (error) {
      // A bug here must not take the program down; report it once to the collector's log.
      if (this.warnings.length < MAX_WARNINGS)
        this.warnings.push(`The drain worker failed: ${String(error)}`);
    }
    setTimeout(() => this.tick(), TICK_MS);
  }

  /** Sends what the rings hold while the socket keeps up. Returns true when all rings are empty. */
  private pump(): boolean {
    while (this.transport.open && this.transport.buffered < HIGH_WATER) {
      const batch = this.readBatch();
      if (!batch) return true;
      this.transport.send(batch);
    }
    return false;
  }

  /**
   * Reads up to one batch from all rings, with a `dropped` record for each ring that lost events.
   * Each batch starts at the next ring, so one busy thread cannot starve the others.
   */
  private readBatch(): Uint8Array | undefined {
    // Most ticks find nothing: decide that before allocating anything.
    let pending = 0;
    for (const ring of this.rings)
      pending += ring.pendingBytes() + (ring.hasDrops() ? DROPPED_RECORD_BYTES : 0);
    if (pending === 0 && this.warnings.length === 0) {
      this.releaseFinishedRings();
      return undefined;
    }
    const size =
      BATCH_HEADER_BYTES + MAX_RECORD_BYTES + DROPPED_RECORD_BYTES * (this.rings.length + MAX_WARNINGS);
    const out = new Uint8Array(Math.min(BATCH_BYTES, size + pending));
    let at = BATCH_HEADER_BYTES;
    let count = 0;
    for (const message of this.warnings.splice(0)) {
      const payload: WarningPayload = { message: message.slice(0, 1000) };
      at = this.writeRecord(out, at, 0, EventType.warning, payload);
      count++;
    }
    const rings = this.rings.length;
    this.first = (this.first + 1) % rings;
    for (let k = 0; k < rings; k++) {
      const ring = this.rings[(this.first + k) % rings];
      // Room for the largest record plus a `dropped` record, or this ring waits for the next batch.
      if (out.length - at < MAX_RECORD_BYTES + DROPPED_RECORD_BYTES) break;
      const [dropped, droppedBytes] = ring.takeDrops();
      if (dropped > 0) {
        const payload: DroppedPayload = { count: dropped, bytes: droppedBytes, reason: 'ring-full' };
        at = this.writeRecord(out, at, ring.tid, EventType.dropped, payload);
        count++;
      }
      const got = ring.drainInto(out, at);
      at += got.bytes;
      count += got.records;
    }
    this.releaseFinishedRings();
    if (count === 0) return undefined;
    const view = new DataView(out.buffer);
    view.setUint32(BatchOffset.magic, BATCH_MAGIC, true);
    view.setUint16(BatchOffset.version, SCHEMA_VERSION, true);
    view.setUint32(BatchOffset.pid, this.data.pid, true);
    view.setUint32(BatchOffset.count, count, true);
    return out.subarray(0, at);
  }

  /** Writes a record the drain itself produces (eid 0: it belongs to no thread's sequence). */
  private writeRecord(out: Uint8Array, at: number, tid: number, type: number, payload: unknown): number {
    const size = this.encoder.encode(payload);
    const length = HEADER_BYTES + size;
    const view = new DataView(out.buffer, out.byteOffset);
    view.setUint32(at + Offset.length, length, true);
    view.setUint16(at + Offset.type, type, true);
    view.setUint16(at + Offset.flags, 0, true);
    view.setFloat64(at + Offset.ts, performance.timeOrigin + performance.now(), true);
    view.setUint32(at + Offset.tid, tid, true);
    view.setUint32(at + Offset.eid, 0, true);
    view.setUint32(at + Offset.parent, 0, true);
    view.setUint32(at + Offset.site, 0, true);
    view.setFloat64(at + Offset.corr, 0, true);
    out.set(this.encoder.bytes.subarray(0, size), at + HEADER_BYTES);
    return at + align8(length);
  }

  private releaseFinishedRings(): void {
    for (let i = this.rings.length - 1; i > 0; i--) {
      const ring = this.rings[i];
      if (ring.pendingBytes() === 0 && (ring.finished || this.exited.has(ring.tid))) {
        this.rings.splice(i, 1);
      }
    }
  }

  private async waitForFlushRequest(): Promise<void> {
    const wait = Atomics.waitAsync(this.control, Control.flushRequest, 0);
    if (wait.async) await wait.value;
    this.flushing = true;
    await this.flush();
    Atomics.store(this.control, Control.flushDone, 1);
    Atomics.notify(this.control, Control.flushDone);
  }

  /** Sends everything left; returns once the socket has written it, or the connection failed. */
  private async flush(): Promise<void> {
    for (;;) {
      if (!(await this.transport.whenOpen())) return;
      if (this.pump()) break;
      await this.transport.drained();
    }
    await this.transport.drained();
  }
}

declare const RUNTIME_VERSION: string;

new Drain(workerData as DrainData).start();

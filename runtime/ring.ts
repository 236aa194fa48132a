/**
 * A single-producer, single-consumer ring of event records in a SharedArrayBuffer.
 *
 * Each thread that records events owns one ring and is its only writer, so claiming space is a
 * plain local addition: no `Atomics.add` on a shared slot counter, no cache-line ping-pong between
 * writers (measured here: two writers sharing one counter are slower together than one alone).
 * The drain worker is the only reader. Positions are free-running u32 byte counters; the capacity
 * is a power of two so `pos & mask` is the index and `(write - read) >>> 0` the bytes in use.
 *
 * Records are 8-byte aligned. A record that would cross the end of the buffer is preceded by a
 * WRAP marker (a length of 0xFFFFFFFF) and starts at index 0 instead.
 *
 * When the ring is full the producer never waits: with `drop-newest` the new record is dropped,
 * with `drop-oldest` the producer advances the read position past whole old records (the reader
 * notices through a failed compare-and-swap and rereads). Both count what they drop.
 */
import { Offset, align8 } from './eventSchema';

export type OverflowPolicy = 'drop-newest' | 'drop-oldest';

/** Int32 slots of the control block. Write and read positions sit on separate cache lines. */
const Ctrl = {
  write: 0,
  read: 16,
  droppedEvents: 32,
  droppedBytes: 33,
  closed: 34,
  policy: 35,
  tid: 36,
} as const;
const CTRL_BYTES = 256;
const WRAP = 0xffffffff;

/** Allocates the shared memory of a ring with `capacity` data bytes (rounded up to a power of two). */
export function createRingBuffer(capacity: number, tid: number, policy: OverflowPolicy): SharedArrayBuffer {
  let cap = 4096;
  while (cap < capacity && cap < 1 << 30) cap *= 2;
  const sab = new SharedArrayBuffer(CTRL_BYTES + cap);
  const ctrl = new Int32Array(sab, 0, CTRL_BYTES / 4);
  ctrl[Ctrl.tid] = tid;
  ctrl[Ctrl.policy] = policy === 'drop-oldest' ? 1 : 0;
  return sab;
}

/** The producer side. Not thread-safe by design: exactly one thread writes a ring. */
export class RingWriter {
  readonly view: DataView;
  readonly bytes: Uint8Array;
  private readonly ctrl: Int32Array;
  private readonly mask: number;
  private readonly capacity: number;
  private readonly dropOldest: boolean;
  private readonly reserve: number;
  private write = 0;
  private pending = 0;

  constructor(sab: SharedArrayBuffer) {
    this.ctrl = new Int32Array(sab, 0, CTRL_BYTES / 4);
    this.capacity = sab.byteLength - CTRL_BYTES;
    this.mask = this.capacity - 1;
    this.view = new DataView(sab, CTRL_BYTES);
    this.bytes = new Uint8Array(sab, CTRL_BYTES);
    this.dropOldest = this.ctrl[Ctrl.policy] === 1;
    this.reserve = Math.min(this.capacity >>> 3, 64 * 1024);
    this.write = Atomics.load(this.ctrl, Ctrl.write) >>> 0;
  }

  /**
   * Claims `length` bytes for one record and returns the index to write it at, or -1 when the
   * record was dropped (counted). Call `commit()` after writing to publish it. Only `critical`
   * records (errors, exits) may use the last `reserve` bytes, so a flood of ordinary events
   * cannot crowd out the events that explain how the program ended.
   */
  claim(length: number, critical = false): number {
    const size = align8(length);
    let index = this.write & this.mask;
    const tail = this.capacity - index;
    const need = size <= tail ? size : tail + size;
    if (need > this.capacity) return this.drop(length);
    let used = (this.write - (Atomics.load(this.ctrl, Ctrl.read) >>> 0)) >>> 0;
    if (need > this.capacity - used - (critical ? 0 : this.reserve)) {
      if (!this.dropOldest) return this.drop(length);
      used = this.evict(need);
    }
    if (size > tail) {
      this.view.setUint32(index, WRAP, true);
      this.write = (this.write + tail) >>> 0;
      index = 0;
    }
    this.pending = (this.write + size) >>> 0;
    return index;
  }

  /** Publishes the record written since the last `claim`. */
  commit(): void {
    this.write = this.pending;
    Atomics.store(this.ctrl, Ctrl.write, this.write | 0);
  }

  /** Marks the ring as finished: the reader releases it once it is empty. */
  close(): void {
    Atomics.store(this.ctrl, Ctrl.closed, 1);
  }

  private drop(length: number): number {
    Atomics.add(this.ctrl, Ctrl.droppedEvents, 1);
    Atomics.add(this.ctrl, Ctrl.droppedBytes, length);
    return -1;
  }

  /** Advances the read position past whole old records until `need` bytes are free. */
  private evict(need: number): number {
    // Keep the reserve free too, so that critical records still fit after the eviction.
    const target = Math.min(need + this.reserve, this.capacity);
    for (;;) {
      const read = Atomics.load(this.ctrl, Ctrl.read) >>> 0;
      let pos = read;
      let evicted = 0;
      let evictedBytes = 0;
      while (pos !== this.write && this.capacity - ((this.write - pos) >>> 0) < target) {
        const index = pos & this.mask;
        const length = this.view.getUint32(index, true);
        if (length === WRAP) {
          pos = (pos + (this.capacity - index)) >>> 0;
          continue;
        }
        pos = (pos + align8(length)) >>> 0;
        evicted++;
        evictedBytes += length;
      }
      if (Atomics.compareExchange(this.ctrl, Ctrl.read, read | 0, pos | 0) === (read | 0)) {
        Atomics.add(this.ctrl, Ctrl.droppedEvents, evicted);
        Atomics.add(this.ctrl, Ctrl.droppedBytes, evictedBytes);
        return (this.write - pos) >>> 0;
      }
      // The reader moved first; what it took is free now, so measure again.
    }
  }
}

/** What one `RingReader.drainInto` call took. */
export interface DrainResult {
  records: number;
  bytes: number;
}

/** The consumer side, used by the drain worker. */
export class RingReader {
  readonly tid: number;
  private readonly ctrl: Int32Array;
  private readonly view: DataView;
  private readonly bytes: Uint8Array;
  private readonly mask: number;
  private readonly capacity: number;
  private reportedDrops = 0;
  private reportedDropBytes = 0;

  constructor(readonly sab: SharedArrayBuffer) {
    this.ctrl = new Int32Array(sab, 0, CTRL_BYTES / 4);
    this.capacity = sab.byteLength - CTRL_BYTES;
    this.mask = this.capacity - 1;
    this.view = new DataView(sab, CTRL_BYTES);
    this.bytes = new Uint8Array(sab, CTRL_BYTES);
    this.tid = this.ctrl[Ctrl.tid];
  }

  /** True once the writer closed the ring and everything in it has been read. */
  get finished(): boolean {
    return Atomics.load(this.ctrl, Ctrl.closed) === 1 && this.pendingBytes() === 0;
  }

  /** Bytes written and not yet read. */
  pendingBytes(): number {
    return (Atomics.load(this.ctrl, Ctrl.write) - Atomics.load(this.ctrl, Ctrl.read)) >>> 0;
  }

  /** True when drops were counted since the last `takeDrops`. */
  hasDrops(): boolean {
    return Atomics.load(this.ctrl, Ctrl.droppedEvents) !== this.reportedDrops;
  }

  /** Drops counted since the last call: `[events, bytes]`. */
  takeDrops(): [number, number] {
    const events = Atomics.load(this.ctrl, Ctrl.droppedEvents);
    const bytes = Atomics.load(this.ctrl, Ctrl.droppedBytes);
    const result: [number, number] = [events - this.reportedDrops, bytes - this.reportedDropBytes];
    this.reportedDrops = events;
    this.reportedDropBytes = bytes;
    return result;
  }

  /**
   * Copies whole records into `out` starting at `offset`, at most `out.length - offset` bytes,
   * and frees them in the ring. Records keep their 8-byte alignment relative to `offset`.
   */
  drainInto(out: Uint8Array, offset: number): DrainResult {
    for (;;) {
      const read = Atomics.load(this.ctrl, Ctrl.read) >>> 0;
      const write = Atomics.load(this.ctrl, Ctrl.write) >>> 0;
      let pos = read;
      let at = offset;
      let records = 0;
      // Walk the headers to find whole records, and copy each contiguous run in one go. A run
      // ends where the buffer wraps, with or without a WRAP marker.
      let runStart = pos & this.mask;
      let runBytes = 0;
      while (pos !== write) {
        const index = pos & this.mask;
        if (index !== runStart + runBytes) {
          out.set(this.bytes.subarray(runStart, runStart + runBytes), at);
          at += runBytes;
          runStart = index;
          runBytes = 0;
        }
        const length = this.view.getUint32(index + Offset.length, true);
        if (length === WRAP) {
          pos = (pos + (this.capacity - index)) >>> 0;
          continue;
        }
        const size = align8(length);
        if (at + runBytes + size > out.length) break;
        runBytes += size;
        pos = (pos + size) >>> 0;
        records++;
      }
      out.set(this.bytes.subarray(runStart, runStart + runBytes), at);
      at += runBytes;
      // Fails only under drop-oldest, when the writer evicted records we were copying.
      if (Atomics.compareExchange(this.ctrl, Ctrl.read, read | 0, pos | 0) === (read | 0)) {
        return { records, bytes: at - offset };
      }
    }
  }
}

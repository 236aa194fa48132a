/**
 * `recordEvent`: the one entry point through which every source of events records — VM capture,
 * injected probes, trace points and user marks. It stamps the header, encodes the payload with the
 * thread's encoder and writes one record into the thread's ring. It never throws and never waits.
 */
import { performance } from 'node:perf_hooks';
import { correlationOfBytes } from './correlation';
import { CRITICAL_TYPES, HEADER_BYTES, MAX_RECORD_BYTES, Offset, RecordFlag } from './eventSchema';
import type { EventTypeId } from './eventSchema';
import type { RingWriter } from './ring';
import { ValueEncoder } from './valueEncoder';
import type { EncodeLimits } from './valueEncoder';

/** CRITICAL[type] is 1 for the types in CRITICAL_TYPES: one indexed load on the hot path. */
const CRITICAL = new Uint8Array(256);
for (const type of CRITICAL_TYPES) CRITICAL[type] = 1;

/** Optional header fields of an event. */
export interface EventLinks {
  parent?: number;
  corr?: number;
  site?: number;
  /**
   * Derive `corr` from the encoded payload salted with this string, for channels where the two
   * sides share no position (MessagePort, BroadcastChannel): equal messages get equal ids.
   */
  corrSalt?: string;
  /** The time the event happened, when it is recorded later (epoch ms). */
  ts?: number;
}

/** Writes the events of one thread into that thread's ring. */
export class Recorder {
  private readonly encoder: ValueEncoder;
  private readonly timeOrigin = performance.timeOrigin;
  private nextEid = 1;
  /** Internal failures (a bug of ours, never the program's): counted, never thrown. */
  failures = 0;

  constructor(
    private readonly ring: RingWriter,
    readonly tid: number,
    limits?: Partial<EncodeLimits>,
  ) {
    this.encoder = new ValueEncoder({
      ...limits,
      maxBytes: Math.min(limits?.maxBytes ?? MAX_RECORD_BYTES, MAX_RECORD_BYTES - HEADER_BYTES),
    });
  }

  /** Records one event; returns its event id, or 0 when it was dropped. */
  record(type: EventTypeId, payload?: unknown, links?: EventLinks): number {
    try {
      const ts = links?.ts ?? this.timeOrigin + performance.now();
      let payloadBytes = 0;
      let flags = 0;
      let corr = links?.corr ?? 0;
      if (payload !== undefined) {
        payloadBytes = this.encoder.encode(payload);
        if (this.encoder.truncated) flags |= RecordFlag.truncated;
        if (links?.corrSalt !== undefined) {
          corr = correlationOfBytes(links.corrSalt, this.encoder.bytes, payloadBytes);
        }
      }
      const length = HEADER_BYTES + payloadBytes;
      const at = this.ring.claim(length, CRITICAL[type] === 1);
      if (at < 0) return 0;
      const eid = this.nextEid++;
      const view = this.ring.view;
      view.setUint32(at + Offset.length, length, true);
      view.setUint16(at + Offset.type, type, true);
      view.setUint16(at + Offset.flags, flags, true);
      view.setFloat64(at + Offset.ts, ts, true);
      view.setUint32(at + Offset.tid, this.tid, true);
      view.setUint32(at + Offset.eid, eid, true);
      view.setUint32(at + Offset.parent, links?.parent ?? 0, true);
      view.setUint32(at + Offset.site, links?.site ?? 0, true);
      view.setFloat64(at + Offset.corr, corr, true);
      if (payloadBytes > 0) this.copyPayload(at + HEADER_BYTES, payloadBytes);
      this.ring.commit();
      return eid;
    } catch {
      this.failures++;
      return 0;
    }
  }

  private copyPayload(at: number, length: number): void {
    const src = this.encoder.bytes;
    const dst = this.ring.bytes;
    if (length <= 64) {
      // Small payloads: a loop beats allocating a subarray view.
      for (let i = 0; i < length; i++) dst[at + i] = src[i];
    } else {
      dst.set(src.subarray(0, length), at);
    }
  }
}

let current: Recorder | undefined;

/** Installs the recorder of this thread; `recordEvent` is a no-op until then. */
export function setRecorder(recorder: Recorder | undefined): void {
  current = recorder;
}

/** The recorder of this thread, if the runtime is running here. */
export function getRecorder(): Recorder | undefined {
  return current;
}

/** Records one event on the current thread. Never throws; returns the event id or 0. */
export function recordEvent(type: EventTypeId, payload?: unknown, links?: EventLinks): number {
  return current ? current.record(type, payload, links) : 0;
}

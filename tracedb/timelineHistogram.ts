/**
 * Per-lane counts of the whole trace in fixed time buckets, for windows zoomed out so far that a
 * GROUP BY over the window would scan most of the trace. Built on first use (never for a window
 * that does not need it), then extended as a live trace grows: only the events inserted since (by
 * events.id, which only grows: the TraceDB never deletes events) are counted, and when the trace
 * outgrows the buckets, neighbours are merged to halve the resolution. Counts stay exact: a merged
 * bucket is the sum of two whose edges it shares.
 */
import type { LaneInfo } from './timelineTypes';
import * as Q from './timelineSql';
import type { TraceDb } from './traceDb';

/** Buckets over the trace's span when first built; the histogram holds up to twice as many. */
export const BASE_BUCKETS = 8192;
const CAPACITY = BASE_BUCKETS * 2;

const MAX_ID_SQL = 'SELECT max(id) FROM events';
/** Params: fromTs, bucketMs, afterId, throughId. A primary-key range: only the new events. */
const NEW_BUCKETS_SQL = `SELECT pid, tid, CAST((ts - ?) / ? AS INTEGER) AS b, count(*) FROM events
WHERE id > ? AND id <= ? GROUP BY pid, tid, b`;

/** What building and extending cost, for tests and the benchmark. */
export interface HistogramStats {
  builds: number;
  extensions: number;
  /** Events counted by extensions (not by builds). */
  eventsAdded: number;
  merges: number;
}

export class LaneHistogram {
  /** Events with an id above this are not counted yet. */
  private watermark: number;
  /** Buckets in use (the last one with an event, plus one). */
  private used = 0;
  /** How many times neighbouring buckets were merged. */
  merges = 0;

  private constructor(
    readonly fromTs: number,
    public bucketMs: number,
    private readonly counts: Map<string, Float64Array>,
    watermark: number,
  ) {
    this.watermark = watermark;
  }

  /** The bucket width a histogram of `bounds` starts with: whether a window would use it is known before building it. */
  static baseBucketMs(bounds: { fromTs: number; toTs: number }): number {
    return Math.max((bounds.toTs - bounds.fromTs) / BASE_BUCKETS, 1e-9);
  }

  /** Counts every lane with one index-only scan each on (pid, tid, ts). */
  static build(db: TraceDb, lanes: LaneInfo[], bounds: { fromTs: number; toTs: number }): LaneHistogram {
    // sql.js is synchronous: nothing is inserted between reading the watermark and the scans.
    const watermark = maxId(db);
    const h = new LaneHistogram(bounds.fromTs, LaneHistogram.baseBucketMs(bounds), new Map(), watermark);
    for (const lane of lanes) {
      const params = [h.fromTs, h.bucketMs, lane.pid, lane.tid, -Number.MAX_VALUE, Number.MAX_VALUE];
      h.add(
        lane.key,
        Q.rows(db, Q.LANE_BUCKETS_SQL, params).map((r) => [r[0] as number, r[1] as number]),
      );
    }
    return h;
  }

  /** Counts the events inserted since the last build or extension; returns how many there were. */
  extend(db: TraceDb): number {
    const last = maxId(db);
    if (last <= this.watermark) return 0;
    const byLane = new Map<string, Array<[number, number]>>();
    let added = 0;
    for (const r of Q.rows(db, NEW_BUCKETS_SQL, [this.fromTs, this.bucketMs, this.watermark, last])) {
      const key = `${r[0] as number}:${r[1] as number}`;
      if (!byLane.has(key)) byLane.set(key, []);
      byLane.get(key)!.push([r[2] as number, r[3] as number]);
      added += r[3] as number;
    }
    this.watermark = last;
    for (const [key, buckets] of byLane) this.add(key, buckets);
    return added;
  }

  /** The lane's counts summed into `buckets` buckets of `bucketMs` from `fromTs`. */
  resample(key: string, fromTs: number, bucketMs: number, buckets: number): number[] {
    const out = new Array<number>(buckets).fill(0);
    const source = this.counts.get(key);
    if (!source) return out;
    const first = Math.max(0, Math.floor((fromTs - this.fromTs) / this.bucketMs));
    // Inclusive of an event exactly at the window's end (the trace's last one, zoomed out fully).
    const end = (fromTs + bucketMs * buckets - this.fromTs) / this.bucketMs;
    const last = Math.min(this.used - 1, Math.floor(end + 1e-9));
    for (let i = first; i <= last; i++) {
      if (source[i] === 0) continue;
      // A bucket goes where its middle is; one straddling the window's edge stays inside it.
      const b = Math.floor((this.fromTs + (i + 0.5) * this.bucketMs - fromTs) / bucketMs);
      out[Math.min(buckets - 1, Math.max(0, b))] += source[i];
    }
    return out;
  }

  /** Adds [bucket, count] pairs (buckets at the current width) to a lane, merging first when they do not fit. */
  private add(key: string, pairs: Array<[number, number]>): void {
    if (pairs.length === 0) return;
    // An event before the histogram's start (a clock a little behind) counts in the first bucket.
    let highest = 0;
    for (const [b] of pairs) highest = Math.max(highest, b);
    let factor = 1;
    while (Math.floor(highest / factor) >= CAPACITY) factor *= 2;
    if (factor > 1) this.merge(factor);
    let c = this.counts.get(key);
    if (!c) {
      c = new Float64Array(CAPACITY);
      this.counts.set(key, c);
    }
    for (const [b, n] of pairs) {
      const i = Math.max(0, Math.floor(b / factor));
      c[i] += n;
      this.used = Math.max(this.used, i + 1);
    }
  }

  /** Sums every `factor` neighbouring buckets into one: the width grows by `factor`. */
  private merge(factor: number): void {
    for (const c of this.counts.values()) {
      for (let i = 0; i < CAPACITY; i++) {
        const to = Math.floor(i / factor);
        if (to === i) continue;
        c[to] += c[i];
        c[i] = 0;
      }
    }
    this.bucketMs *= factor;
    this.used = Math.ceil(this.used / factor);
    this.merges++;
  }
}

function maxId(db: TraceDb): number {
  return (Q.rows(db, MAX_ID_SQL)[0]?.[0] as number | null) ?? 0;
}

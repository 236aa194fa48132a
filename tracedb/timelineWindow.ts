/**
 * Windows of the timeline with level of detail. A lane with few events in the window comes with
 * every event and its calls paired into flame-chart spans; a busy lane comes as counts per time
 * bucket (an index-only GROUP BY) plus its landmarks (lifecycle, errors, marks), which are always
 * drawn one by one. Zoomed far out, the counts come from a per-lane histogram of the whole trace
 * (timelineHistogram.ts), built the first time a window that far out is asked for and extended with
 * only the new events while a live trace grows, so panning a million-event overview costs no scan
 * and windows zoomed in never pay for it. This runs on the extension host's thread, beside the
 * debug adapter: no request may scan the whole trace again and again.
 */
import { EventType as T } from '../runtime/eventSchema';
import type {
  CallSpan,
  EventMark,
  LaneInfo,
  LaneWindow,
  MessageArrow,
  StateMark,
  WindowData,
} from './timelineTypes';
import { LaneHistogram } from './timelineHistogram';
import type { HistogramStats } from './timelineHistogram';
import * as Q from './timelineSql';
import type { TraceDb } from './traceDb';

/** A lane with at most this many events in the window is sent in detail. */
export const DETAIL_LIMIT = 2500;
const MAX_BUCKETS = 4096;
const MAX_ARROWS = 1500;
const MAX_LANDMARKS = 4000;
/** Marks, throws and trace-point hits drawn one by one in counted lanes while there are at most this many. */
const MAX_MINOR_LANDMARKS = 600;
const MAX_STATE_MARKS = 3000;
/** Enclosing calls looked up per lane and window. */
const MAX_ANCESTORS = 24;

export class TimelineWindows {
  private histogram: LaneHistogram | undefined;
  /** The generation the histogram has counted up to. */
  private counted = '';
  readonly stats: HistogramStats = { builds: 0, extensions: 0, eventsAdded: 0, merges: 0 };

  constructor(private readonly db: TraceDb) {}

  window(
    lanes: LaneInfo[],
    bounds: { fromTs: number; toTs: number },
    generation: string,
    fromTs: number,
    toTs: number,
    bucketCount: number,
  ): WindowData {
    const buckets = Math.max(1, Math.min(MAX_BUCKETS, Math.floor(bucketCount)));
    const bucketMs = Math.max((toTs - fromTs) / buckets, 1e-9);
    const histogram = this.histogramFor(lanes, bounds, generation, bucketMs);
    const landmarks = new Map<string, EventMark[]>();
    const [[minor]] = Q.rows(this.db, Q.countSql(Q.MINOR_LANDMARK_TYPES), [fromTs, toTs]) as number[][];
    const types =
      minor <= MAX_MINOR_LANDMARKS ? [...Q.LANDMARK_TYPES, ...Q.MINOR_LANDMARK_TYPES] : Q.LANDMARK_TYPES;
    for (const r of Q.rows(this.db, Q.landmarksSql(types), [fromTs, toTs, MAX_LANDMARKS])) {
      const m = Q.wireMark(Q.toMark(r));
      const key = `${m.pid}:${m.tid}`;
      if (!landmarks.has(key)) landmarks.set(key, []);
      landmarks.get(key)!.push(m);
    }
    const out: LaneWindow[] = lanes.map((lane) => {
      const counts = histogram
        ? histogram.resample(lane.key, fromTs, bucketMs, buckets)
        : this.laneCounts(lane, fromTs, toTs, bucketMs, buckets);
      const total = counts.reduce((a, b) => a + b, 0);
      if (total > DETAIL_LIMIT || total === 0) {
        return {
          key: lane.key,
          mode: 'buckets',
          events: landmarks.get(lane.key) ?? [],
          spans: [],
          counts,
          total,
        };
      }
      const marks = Q.rows(this.db, Q.LANE_EVENTS_SQL, [
        lane.pid,
        lane.tid,
        fromTs,
        toTs,
        DETAIL_LIMIT + 1,
      ]).map(Q.toMark);
      return {
        key: lane.key,
        mode: 'detail',
        events: marks.filter((m) => m.type !== T.return).map(Q.wireMark),
        spans: pairCalls([...this.ancestors(lane, marks, bounds.fromTs), ...marks], fromTs),
        counts: [],
        total: marks.length,
      };
    });
    return {
      fromTs,
      toTs,
      bucketMs,
      lanes: out,
      ...this.messages(fromTs, toTs),
      stateMarks: this.stateMarks(fromTs, toTs),
    };
  }

  /**
   * The calls that enclose the window's events but started before it: the parents the window's
   * events name and that are not in it, and their parents in turn (at most MAX_ANCESTORS).
   */
  private ancestors(lane: LaneInfo, marks: RawMark[], traceStart: number): RawMark[] {
    const known = new Set(marks.filter((m) => m.type === T.call).map((m) => m.eid));
    const queue: Array<[number, number]> = [];
    const want = (eid: number, before: number) => {
      if (eid === 0 || known.has(eid)) return;
      known.add(eid);
      queue.push([eid, before]);
    };
    for (const m of marks) want(m.parent, m.ts);
    const found: RawMark[] = [];
    for (let i = 0; i < queue.length && i < MAX_ANCESTORS; i++) {
      const [eid, before] = queue[i];
      const call = findCall(this.db, lane.pid, lane.tid, eid, traceStart, before);
      if (!call) continue;
      found.push(call);
      want(call.parent, call.ts);
    }
    return found.sort((a, b) => a.ts - b.ts || a.id - b.id);
  }

  private laneCounts(
    lane: LaneInfo,
    fromTs: number,
    toTs: number,
    bucketMs: number,
    buckets: number,
  ): number[] {
    const counts = new Array<number>(buckets).fill(0);
    for (const [b, n] of Q.rows(this.db, Q.LANE_BUCKETS_SQL, [
      fromTs,
      bucketMs,
      lane.pid,
      lane.tid,
      fromTs,
      toTs,
    ])) {
      counts[Math.min(buckets - 1, Math.max(0, b as number))] += n as number;
    }
    return counts;
  }

  /**
   * The whole-trace histogram when a window of `bucketMs` buckets is coarse enough to draw from it
   * (none for small traces, none zoomed in); built on first need, extended when the trace grew.
   */
  private histogramFor(
    lanes: LaneInfo[],
    bounds: { fromTs: number; toTs: number },
    generation: string,
    bucketMs: number,
  ): LaneHistogram | undefined {
    const events = lanes.reduce((n, l) => n + l.events, 0);
    if (events <= DETAIL_LIMIT * 4) return undefined;
    // A trace that now starts earlier (a process with an earlier clock joined) is counted again.
    if (this.histogram && this.histogram.fromTs !== bounds.fromTs) this.histogram = undefined;
    const width = this.histogram?.bucketMs ?? LaneHistogram.baseBucketMs(bounds);
    if (bucketMs < 2 * width) return undefined;
    if (!this.histogram) {
      this.histogram = LaneHistogram.build(this.db, lanes, bounds);
      this.stats.builds++;
    } else if (this.counted !== generation) {
      this.stats.eventsAdded += this.histogram.extend(this.db);
      this.stats.extensions++;
      this.stats.merges = this.histogram.merges;
      // Merged buckets may now be too coarse for this window.
      if (bucketMs < 2 * this.histogram.bucketMs) {
        this.counted = generation;
        return undefined;
      }
    }
    this.counted = generation;
    return this.histogram;
  }

  private messages(fromTs: number, toTs: number): { messages: MessageArrow[]; messagesOmitted: number } {
    // Too many arrows to draw say nothing: none then, and the count of them, until zoomed in.
    const [[sent]] = Q.rows(this.db, Q.MESSAGE_COUNT_SQL, [fromTs, toTs]) as number[][];
    if (sent > MAX_ARROWS) return { messages: [], messagesOmitted: sent };
    // A send before the window whose receive is inside it still crosses the window.
    const sendFrom = fromTs - (toTs - fromTs);
    const found = Q.rows(this.db, Q.MESSAGES_SQL, [sendFrom, toTs, fromTs, MAX_ARROWS * 2]);
    const messages = found.map((r) => ({
      sendId: r[0] as number,
      recvId: r[1] as number,
      fromLane: `${r[2]}:${r[3]}`,
      toLane: `${r[4]}:${r[5]}`,
      sendTs: r[6] as number,
      recvTs: r[7] as number,
      channel: (r[8] as string | null) ?? '',
    }));
    return { messages, messagesOmitted: 0 };
  }

  private stateMarks(fromTs: number, toTs: number): StateMark[] {
    return Q.rows(this.db, Q.STATE_MARKS_SQL, [fromTs, toTs, MAX_STATE_MARKS]).map((r) => ({
      pid: r[0] as number,
      tid: r[1] as number,
      objectId: r[2] as number,
      className: r[3] as string | null,
      callEid: r[4] as number,
      method: r[5] as string | null,
      ts: r[6] as number,
      paths: r[7] as number,
    }));
  }
}

type RawMark = ReturnType<typeof Q.toMark>;

/**
 * The call event `eid` of a thread, started in [fromTs, beforeTs], found by bisecting time on the
 * (pid, tid, ts) index: a thread numbers its events in the order its clock gives them. About 40
 * index seeks, however long the thread.
 */
export function findCall(
  db: TraceDb,
  pid: number,
  tid: number,
  eid: number,
  fromTs: number,
  beforeTs: number,
): RawMark | undefined {
  let lo = fromTs;
  let hi = beforeTs;
  for (let i = 0; i < 64 && hi - lo > 1e-6; i++) {
    const mid = lo + (hi - lo) / 2;
    const first = Q.rows(db, Q.FIRST_AT_SQL, [pid, tid, mid])[0];
    const at = first ? (first[0] as number) : Infinity;
    if (at === eid) {
      lo = hi = first![1] as number;
    } else if (at > eid) {
      hi = mid;
    } else {
      lo = first![1] as number;
    }
  }
  const found = Q.rows(db, Q.CALL_BETWEEN_SQL, [pid, tid, lo - 1e-6, hi + 1e-6, eid])[0];
  return found ? Q.toMark(found) : undefined;
}

/**
 * Pairs calls with their returns and throws into spans, and stacks them by time: a span's depth is
 * the number of spans still open when it starts. An end whose call started before the window starts
 * at the window's start. A call with no end in the window (it ends later, or its function returns
 * nothing the probes record, like a constructor) lasts until the last event nested in it.
 */
export function pairCalls(marks: RawMark[], fromTs: number): CallSpan[] {
  const open = new Map<number, CallSpan>();
  const spans: CallSpan[] = [];
  for (const m of marks) {
    if (m.type === T.call) {
      const span: CallSpan = {
        id: m.id,
        eid: m.eid,
        startTs: Math.max(m.ts, fromTs),
        endTs: Math.max(m.ts, fromTs),
        depth: 0,
        name: m.label || '(anonymous)',
        outcome: 'open',
        clipped: m.ts < fromTs,
      };
      open.set(m.eid, span);
      spans.push(span);
    } else if (m.type === T.return || m.type === T.throw) {
      const outcome = m.type === T.return ? 'returned' : 'threw';
      const span = open.get(m.parent);
      if (span && span.outcome === 'open') {
        span.endTs = m.ts;
        span.outcome = outcome;
      } else if (!span) {
        spans.push({
          id: m.id,
          eid: m.parent,
          startTs: fromTs,
          endTs: m.ts,
          depth: 0,
          name: m.label || '(anonymous)',
          outcome,
          clipped: true,
        });
      }
    }
  }
  // Events nested in a call that has no end yet stretch it; children before parents.
  for (let i = marks.length - 1; i >= 0; i--) {
    const m = marks[i];
    const parent = m.parent === 0 ? undefined : open.get(m.parent);
    if (!parent || parent.outcome !== 'open') continue;
    const child = m.type === T.call ? open.get(m.eid) : undefined;
    parent.endTs = Math.max(parent.endTs, child ? child.endTs : m.ts);
  }
  spans.sort((a, b) => a.startTs - b.startTs || b.endTs - a.endTs || a.id - b.id);
  const stack: CallSpan[] = [];
  for (const span of spans) {
    while (stack.length > 0 && stack[stack.length - 1].endTs <= span.startTs) stack.pop();
    span.depth = stack.length;
    stack.push(span);
  }
  return spans;
}

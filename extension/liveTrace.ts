/**
 * The live trace of one debug session: a collector on loopback (random port, random token) feeding
 * a TraceDB as events arrive. No VS Code dependency, so it is tested with real processes.
 *
 * Storing is not deferred (unlike `cinescope record`): the timeline and the status bar show the
 * events while the program runs.
 */
import { Collector } from '../tracedb/collector';
import { TraceDb } from '../tracedb/traceDb';
import type { TraceStats } from '../tracedb/traceDb';
import { STATS_DROPPED_SQL } from '../tracedb/queries';
import type { RecordingSample } from './recordingStatusText';
import { liveTraceLimits } from './liveTraceLimits';
import type { LiveTraceLimits } from './liveTraceLimits';

/** How long an ended session's processes may still send their last events. */
const LINGER_MS = 2000;

/**
 * Start order of traces in this extension host. A counter, not the clock: two sessions started
 * within the same millisecond still have a definite latest.
 */
let started = 0;

export class LiveTrace {
  private ended = false;
  private disposed = false;
  private endPromise: Promise<void> | undefined;

  private constructor(
    /** The debug session's id (the root session's, for child sessions). */
    readonly id: string,
    /** The debug session's name, for messages and the timeline's title. */
    readonly name: string,
    readonly db: TraceDb,
    readonly collector: Collector,
    /** ms since the epoch, for file names and messages (not for ordering: see startOrder). */
    readonly startedAt: number,
    readonly limits: LiveTraceLimits,
    /** Increases with each trace started; orders "latest" and eviction. */
    readonly startOrder: number,
  ) {}

  static async start(id: string, name: string, limits = liveTraceLimits(undefined)): Promise<LiveTrace> {
    const db = await TraceDb.create();
    try {
      const { maxEvents, maxQueuedBytes } = limits;
      const collector = await Collector.start({ db, maxEvents, maxQueuedBytes });
      db.setMeta('session', id);
      db.setMeta('command', JSON.stringify([name]));
      db.setMeta('recordedAt', new Date().toISOString());
      return new LiveTrace(id, name, db, collector, Date.now(), limits, ++started);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** Whether processes can still send events. */
  get recording(): boolean {
    return !this.ended;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** The counters for the status bar; cheap (the dropped sum reads one index range). */
  sample(): RecordingSample {
    const stats = this.collector.stats;
    let reported = 0;
    if (!this.disposed) reported = Number(this.db.query(STATS_DROPPED_SQL).rows[0]?.[0] ?? 0);
    return {
      at: Date.now(),
      events: stats.events,
      // Store drops become `dropped` events only when the collector closes; count them once.
      dropped: reported + (this.ended ? 0 : stats.storeDropped),
      connections: this.collector.connections,
      maxEvents: this.limits.maxEvents,
    };
  }

  /** The full statistics of what is stored so far. */
  stats(): TraceStats {
    return this.db.stats();
  }

  /**
   * The session ended: wait briefly for the processes' last events, then stop listening. The
   * TraceDB stays readable (timeline, save) until `dispose`.
   */
  end(): Promise<void> {
    this.endPromise ??= (async () => {
      try {
        await this.collector.idle(LINGER_MS);
      } finally {
        await this.collector.close();
        this.ended = true;
        if (!this.disposed) this.db.setMeta('endedAt', new Date().toISOString());
      }
    })();
    return this.endPromise;
  }

  /** Writes everything stored so far to a trace file the CLI and the timeline can open. */
  async save(file: string): Promise<void> {
    if (this.disposed) throw new Error(`The trace of "${this.name}" was already discarded.`);
    await this.collector.stored();
    await this.db.save(file);
  }

  /** Stops the collector (if still running) and frees the TraceDB. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    await this.end().catch(() => undefined);
    this.disposed = true;
    this.db.close();
  }
}

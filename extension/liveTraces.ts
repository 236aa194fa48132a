/**
 * The extension's live traces: one per root debug session. No VS Code dependency.
 *
 * One trace per session rather than one for the whole window: each F5 starts from an empty trace,
 * Save Trace writes exactly one run, and memory is freed when old runs are discarded. Child
 * sessions (workers, child processes shown as their own debug sessions) share their root's trace,
 * since their runtimes report to the same collector anyway. Ended traces stay readable for the
 * timeline and Save Trace; only the last few are kept, to bound memory.
 */
import { LiveTrace } from './liveTrace';
import { liveTraceLimits } from './liveTraceLimits';
import type { LiveTraceLimits } from './liveTraceLimits';

/** Ended traces kept readable besides the running ones. */
const KEEP_ENDED = 2;

export class LiveTraces {
  private readonly traces = new Map<string, LiveTrace>();
  private readonly starting = new Map<string, Promise<LiveTrace>>();
  private readonly listeners = new Set<() => void>();

  constructor(
    /** Read at each start, so a changed setting applies to the next session. */
    private readonly limits: () => LiveTraceLimits = () => liveTraceLimits(undefined),
  ) {}

  /** The trace of a root session, started on first use. */
  async startFor(id: string, name: string): Promise<LiveTrace> {
    const known = this.traces.get(id);
    if (known) return known;
    let pending = this.starting.get(id);
    if (!pending) {
      pending = LiveTrace.start(id, name, this.limits());
      this.starting.set(id, pending);
    }
    try {
      const trace = await pending;
      this.traces.set(id, trace);
      this.changed();
      return trace;
    } finally {
      this.starting.delete(id);
    }
  }

  get(id: string): LiveTrace | undefined {
    return this.traces.get(id);
  }

  /** The most recently started trace that is still readable. */
  latest(): LiveTrace | undefined {
    let best: LiveTrace | undefined;
    for (const trace of this.traces.values()) if (!best || trace.startOrder > best.startOrder) best = trace;
    return best;
  }

  all(): LiveTrace[] {
    return [...this.traces.values()];
  }

  /** The session ended: its trace stops listening; the oldest ended traces beyond the limit go. */
  async end(id: string): Promise<void> {
    const trace = this.traces.get(id);
    if (!trace) return;
    await trace.end();
    const ended = this.all()
      .filter((t) => !t.recording)
      .sort((a, b) => b.startOrder - a.startOrder);
    for (const old of ended.slice(KEEP_ENDED)) {
      this.traces.delete(old.id);
      await old.dispose();
    }
    this.changed();
  }

  /** Called whenever a trace starts, ends or is discarded. Returns the unsubscribe function. */
  onDidChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async dispose(): Promise<void> {
    const all = this.all();
    this.traces.clear();
    this.listeners.clear();
    await Promise.all(all.map((t) => t.dispose()));
  }

  private changed(): void {
    for (const listener of this.listeners) {
      try {
        listener();
      } catch {
        // A listener's failure must not stop the others or the session.
      }
    }
  }
}

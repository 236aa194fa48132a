/**
 * Where a debug session's events go. Inside VS Code the extension's live collector receives them;
 * the standalone adapter (`cinescope dap`) starts its own collector and TraceDB and writes the
 * trace file when the program ends, as `cinescope record` does.
 */
import { Collector } from '../tracedb/collector';
import { TraceDb } from '../tracedb/traceDb';

/** A collector someone else runs (the extension's), with its counters. */
export interface ExternalCollector {
  url: string;
  token: string;
  stats?: () => { events: number; dropped: number };
}

export interface TraceSink {
  url: string;
  token: string;
  /** A file the sink will write, or a description of the live store. */
  destination: string;
  stats(): { events: number; dropped: number };
  /**
   * The program ended (or the debugger detached, `linger` false): waits for its last events and
   * writes the trace file; says what it did.
   */
  finish(meta: Record<string, string>, linger: boolean): Promise<string | undefined>;
  /** Stops without writing (the client went away). */
  dispose(): Promise<void>;
}

/** How long to wait for processes to send their last events after the program exited. */
const LINGER_MS = 5000;

export function externalSink(collector: ExternalCollector): TraceSink {
  return {
    url: collector.url,
    token: collector.token,
    destination: 'the live TraceDB of the editor',
    stats: () => collector.stats?.() ?? { events: 0, dropped: 0 },
    finish: async () => undefined,
    dispose: async () => {},
  };
}

/** Starts a collector and an in-memory TraceDB that `finish` saves to `file`. */
export async function fileSink(file: string): Promise<TraceSink> {
  const db = await TraceDb.create();
  const collector = await Collector.start({ db });
  let done = false;
  // What the database held when it was written and closed: asked for after the end too.
  let final: { events: number; dropped: number } | undefined;
  const stats = () => {
    if (final) return final;
    if (done) return { events: 0, dropped: 0 };
    const s = db.stats();
    return { events: s.events, dropped: s.dropped + collector.stats.storeDropped };
  };
  return {
    url: collector.url,
    token: collector.token,
    destination: file,
    stats,
    async finish(meta, linger) {
      if (done) return undefined;
      done = true;
      try {
        await collector.idle(linger ? LINGER_MS : 0);
        await collector.close();
        for (const [key, value] of Object.entries(meta)) db.setMeta(key, value);
        const s = db.stats();
        final = { events: s.events, dropped: s.dropped + collector.stats.storeDropped };
        const { events, dropped } = final;
        await db.save(file);
        return `Cinescope: wrote ${events} events (${dropped} dropped) to ${file}.`;
      } catch (error) {
        return `Cinescope: cannot write the trace file ${file}: ${(error as Error).message}.`;
      } finally {
        db.close();
      }
    },
    async dispose() {
      if (done) return;
      done = true;
      await collector.close();
      db.close();
    },
  };
}

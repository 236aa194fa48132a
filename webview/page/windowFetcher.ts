/**
 * The data around the view: asked for with one screen of margin on each side, so panning draws
 * from what is already here, and asked for again only when the view leaves it or a zoom changes
 * the resolution it needs. One request at a time; moves made meanwhile are caught up after it.
 */
import type { MetricsData, WindowData } from '../protocol';
import type { Client } from './client';
import { HostError } from './client';

export interface ViewRange {
  fromTs: number;
  toTs: number;
  /** Pixels of the plot: one bucket per two. */
  plotWidth: number;
}

export class WindowFetcher {
  window: WindowData | null = null;
  metrics: MetricsData | null = null;
  /** Windows received, and the round trips of the last ones in milliseconds (inspection API). */
  loaded = 0;
  readonly roundTrips: number[] = [];
  pending = 0;
  private loading = false;
  private again = false;

  constructor(
    private readonly client: Client,
    private readonly received: (window: WindowData) => void,
    private readonly failed: (message: string) => void,
  ) {}

  reset(): void {
    this.window = null;
    this.metrics = null;
  }

  /** Asks for the window around `view()` when the data here does not cover it at a fitting resolution. */
  async ensure(view: () => ViewRange): Promise<void> {
    if (this.loading) {
      this.again = true;
      return;
    }
    const { fromTs: from, toTs: to, plotWidth } = view();
    const w = this.window;
    const span = to - from;
    const buckets = Math.max(50, Math.round(plotWidth / 2) * 3);
    const wanted = (3 * span) / buckets;
    const covers = w && w.fromTs <= from && w.toTs >= to;
    const resolutionOk = w && w.bucketMs <= wanted * 2.5 && w.bucketMs >= wanted / 2.5;
    if (covers && resolutionOk) return;
    this.loading = true;
    this.pending++;
    try {
      const fromTs = from - span;
      const toTs = to + span;
      const asked = performance.now();
      const [win, met] = await Promise.all([
        this.client.request({ type: 'window', fromTs, toTs, buckets }),
        this.client.request({ type: 'metrics', fromTs, toTs, buckets: Math.round(buckets / 3) }),
      ]);
      this.window = win.window;
      this.metrics = met.metrics;
      this.loaded++;
      this.roundTrips.push(performance.now() - asked);
      if (this.roundTrips.length > 200) this.roundTrips.shift();
      this.received(win.window);
    } catch (e) {
      if (e instanceof HostError) this.failed(e.message);
      else throw e;
    } finally {
      this.loading = false;
      this.pending--;
    }
    if (this.again) {
      this.again = false;
      await this.ensure(view);
    }
  }
}

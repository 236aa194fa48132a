/**
 * VM metrics of one thread, sampled on an unref'd timer: event-loop utilisation and delay
 * percentiles, heap and heap spaces, CPU, active handles; GC events as they happen. Everything
 * here is cheap at one sample a second, and nothing keeps the program alive.
 */
import { PerformanceObserver, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { EventLoopUtilization, IntervalHistogram } from 'node:perf_hooks';
import * as v8 from 'node:v8';
import { EventType } from '../eventSchema';
import type { GcPayload, MetricsPayload } from '../eventSchema';
import { recordEvent } from '../recorder';
import { safely } from './patch';

const GC_KINDS: Record<number, string> = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weakcb' };

/** Samples metrics until `stop()`; `sample()` takes one more now (at exit). */
export class MetricsSampler {
  private readonly delay: IntervalHistogram;
  private elu: EventLoopUtilization;
  private cpu: NodeJS.CpuUsage;
  private readonly timer: NodeJS.Timeout;
  private readonly gc: PerformanceObserver;

  constructor(intervalMs: number) {
    this.delay = monitorEventLoopDelay({ resolution: 10 });
    this.delay.enable();
    this.elu = performance.eventLoopUtilization();
    this.cpu = process.cpuUsage();
    this.timer = setInterval(() => safely(() => this.sample()), intervalMs);
    this.timer.unref();
    this.gc = new PerformanceObserver((list) =>
      safely(() => {
        for (const entry of list.getEntries()) {
          const kind = (entry as { detail?: { kind?: number } }).detail?.kind ?? 0;
          const payload: GcPayload = { kind: GC_KINDS[kind] ?? `kind${kind}`, durationMs: entry.duration };
          recordEvent(EventType.gc, payload);
        }
      }),
    );
    this.gc.observe({ entryTypes: ['gc'] });
  }

  /** Records one metrics event covering the time since the previous one. */
  sample(): void {
    const elu = performance.eventLoopUtilization(this.elu);
    this.elu = performance.eventLoopUtilization();
    const cpu = process.cpuUsage(this.cpu);
    this.cpu = process.cpuUsage();
    const memory = process.memoryUsage();
    const heapSpaces: Record<string, number> = {};
    for (const space of v8.getHeapSpaceStatistics()) heapSpaces[space.space_name] = space.space_used_size;
    const ns = 1e-6;
    const payload: MetricsPayload = {
      elu: elu.utilization,
      delayP50: this.delay.count ? this.delay.percentile(50) * ns : 0,
      delayP90: this.delay.count ? this.delay.percentile(90) * ns : 0,
      delayP99: this.delay.count ? this.delay.percentile(99) * ns : 0,
      delayMax: this.delay.count ? this.delay.max * ns : 0,
      heapUsed: memory.heapUsed,
      heapTotal: memory.heapTotal,
      external: memory.external,
      rss: memory.rss,
      cpuUser: cpu.user,
      cpuSystem: cpu.system,
      activeHandles: process.getActiveResourcesInfo().length,
      heapSpaces,
    };
    this.delay.reset();
    recordEvent(EventType.metrics, payload);
  }

  stop(): void {
    clearInterval(this.timer);
    this.delay.disable();
    this.gc.disconnect();
  }
}

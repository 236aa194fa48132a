/**
 * The timeline's metric charts: per thread, heap used, event-loop utilisation and delay, GC pauses
 * and CPU, each bucketed to the chart's width on the metrics_series index.
 */
import type { LaneInfo, MetricsData, MetricSeries } from './timelineTypes';
import * as Q from './timelineSql';
import type { TraceDb } from './traceDb';

const PLAIN: Array<['heapUsed' | 'elu' | 'delayP50' | 'delayP99', string]> = [
  ['heapUsed', 'heapUsed'],
  ['elu', 'elu'],
  ['delayP50', 'delayP50'],
  ['delayP99', 'delayP99'],
];

export function metrics(
  db: TraceDb,
  lanes: LaneInfo[],
  fromTs: number,
  toTs: number,
  buckets: number,
): MetricsData {
  const bucketMs = Math.max((toTs - fromTs) / Math.max(1, Math.min(4096, buckets)), 1e-9);
  const series: MetricSeries[] = [];
  const points = (r: unknown[][]) => r.map((x) => [x[0], x[1]] as [number, number]);
  for (const lane of lanes) {
    for (const [name, column] of PLAIN) {
      const found = Q.rows(db, Q.METRIC_BUCKETS_SQL, [
        lane.pid,
        lane.tid,
        column,
        fromTs,
        toTs,
        fromTs,
        bucketMs,
      ]);
      // The samples just outside carry the line to the edges of a window narrower than the interval.
      const before = Q.rows(db, Q.METRIC_BEFORE_SQL, [lane.pid, lane.tid, column, fromTs]);
      const after = Q.rows(db, Q.METRIC_AFTER_SQL, [lane.pid, lane.tid, column, toTs]);
      const all = [...before, ...found, ...after];
      if (all.length > 0) series.push({ lane: lane.key, name, points: points(all) });
    }
    const gc = Q.rows(db, Q.GC_BUCKETS_SQL, [lane.pid, lane.tid, fromTs, toTs, fromTs, bucketMs]);
    if (gc.length > 0) series.push({ lane: lane.key, name: 'gc', points: points(gc) });
    // CPU samples are microseconds used since the previous sample: percent of one core between them.
    // The sample just before the window gives the first one its interval.
    const cpu = Q.rows(db, Q.CPU_SQL, [lane.pid, lane.tid, fromTs - (toTs - fromTs), toTs]) as number[][];
    const percent: Array<[number, number]> = [];
    for (let i = 1; i < cpu.length; i++) {
      const interval = cpu[i][0] - cpu[i - 1][0];
      if (interval > 0 && cpu[i][0] >= fromTs) percent.push([cpu[i][0], (cpu[i][1] / 1000 / interval) * 100]);
    }
    if (percent.length > 0) series.push({ lane: lane.key, name: 'cpu', points: percent });
  }
  return { fromTs, toTs, series };
}

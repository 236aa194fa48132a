/** Where each row of the timeline goes: processes, their thread lanes with flame rows, state lanes, metric charts. */
import type { LaneInfo, MetricName, Overview, ProcessInfo, StateObject } from '../protocol';

export const RULER_H = 24;
/** The label column: 180 px, less in a narrow canvas (a VS Code panel) so the plot keeps most of it. */
export function labelWidth(canvasWidth: number): number {
  return Math.round(Math.max(110, Math.min(180, canvasWidth * 0.22)));
}
export const PROCESS_H = 20;
export const EVENTS_H = 22;
export const FLAME_ROW_H = 15;
export const STATE_H = 18;
export const METRIC_H = 46;
/** Flame rows drawn at most per lane; deeper calls are folded into the last row. */
export const MAX_FLAME_ROWS = 14;

export type Row =
  | { kind: 'process'; y: number; h: number; process: ProcessInfo }
  | { kind: 'events'; y: number; h: number; lane: LaneInfo }
  | { kind: 'flame'; y: number; h: number; lane: LaneInfo; rows: number }
  | { kind: 'state'; y: number; h: number; object: StateObject }
  | { kind: 'metric'; y: number; h: number; metric: MetricName; label: string };

export const METRIC_ROWS: Array<[MetricName, string]> = [
  ['heapUsed', 'heap used'],
  ['elu', 'event-loop utilisation'],
  ['delayP99', 'loop delay p99 / p50'],
  ['gc', 'GC pauses'],
  ['cpu', 'CPU %'],
];

export const objectKey = (o: { pid: number; tid: number; objectId: number }) =>
  `${o.pid}:${o.tid}:${o.objectId}`;

/**
 * Rows top to bottom (y from the top of the content, below the ruler). `flameRows` per lane only
 * grows while the page lives, so lanes do not jump as the window moves.
 */
export function layout(
  overview: Overview,
  flameRows: Map<string, number>,
  hasMetrics: Set<MetricName>,
): { rows: Row[]; height: number } {
  const rows: Row[] = [];
  let y = 0;
  const push = (row: Row) => {
    rows.push(row);
    y += row.h;
  };
  for (const process of overview.processes) {
    push({ kind: 'process', y, h: PROCESS_H, process });
    for (const lane of overview.lanes.filter((l) => l.pid === process.pid)) {
      push({ kind: 'events', y, h: EVENTS_H, lane });
      const n = Math.min(MAX_FLAME_ROWS, flameRows.get(lane.key) ?? 0);
      if (n > 0) push({ kind: 'flame', y, h: n * FLAME_ROW_H + 2, lane, rows: n });
      for (const object of overview.objects.filter((o) => o.pid === lane.pid && o.tid === lane.tid)) {
        push({ kind: 'state', y, h: STATE_H, object });
      }
    }
  }
  for (const [metric, label] of METRIC_ROWS) {
    if (hasMetrics.has(metric) || (metric === 'delayP99' && hasMetrics.has('delayP50'))) {
      push({ kind: 'metric', y, h: METRIC_H, metric, label });
    }
  }
  return { rows, height: y };
}

/** The metric charts: a line per thread (GC pauses as bars), scaled to the largest value in view. */
import { formatMs } from './format';
import type { Row } from './layout';
import { label } from './paint';
import type { Frame } from './scene';
import { LANE_COLORS } from './theme';

export function drawMetric(f: Frame, row: Extract<Row, { kind: 'metric' }>, y: number): void {
  const { ctx, s, x } = f;
  const t = s.theme;
  label(ctx, row.label, y, 16, t.muted, 8, s.labelW);
  const names = row.metric === 'delayP99' ? ['delayP99', 'delayP50'] : [row.metric];
  const series = (s.metrics?.series ?? []).filter((m) => names.includes(m.name));
  const max = Math.max(1e-9, ...series.flatMap((m) => m.points.map((p) => p[1])));
  const laneIndex = new Map(s.overview.lanes.map((l, i) => [l.key, i]));
  const bottom = y + row.h - 4;
  const h = row.h - 14;
  ctx.fillStyle = t.muted;
  ctx.textAlign = 'left';
  ctx.fillText(unit(row.metric, max), 8, y + row.h - 12);
  ctx.save();
  ctx.beginPath();
  ctx.rect(s.labelW, y, s.width - s.labelW, row.h);
  ctx.clip();
  for (const m of series) {
    ctx.strokeStyle = LANE_COLORS[(laneIndex.get(m.lane) ?? 0) % LANE_COLORS.length];
    ctx.fillStyle = ctx.strokeStyle;
    ctx.globalAlpha = m.name === 'delayP50' ? 0.5 : 1;
    if (m.name === 'gc') {
      for (const [ts, v] of m.points) {
        const bh = Math.max(2, (v / max) * h);
        ctx.fillRect(x(ts) - 1, bottom - bh, 3, bh);
      }
    } else {
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      m.points.forEach(([ts, v], i) => {
        const px = x(ts);
        const py = bottom - (v / max) * h;
        if (i === 0) ctx.moveTo(px, py);
        else ctx.lineTo(px, py);
      });
      ctx.stroke();
      if (m.points.length === 1)
        ctx.fillRect(x(m.points[0][0]) - 2, bottom - (m.points[0][1] / max) * h - 2, 4, 4);
      ctx.lineWidth = 1;
    }
    ctx.globalAlpha = 1;
  }
  ctx.restore();
}

function unit(metric: string, max: number): string {
  switch (metric) {
    case 'heapUsed':
      return `max ${(max / 1048576).toFixed(1)} MB`;
    case 'elu':
      return `max ${(max * 100).toFixed(0)}%`;
    case 'cpu':
      return `max ${max.toFixed(0)}%`;
    default:
      return `max ${formatMs(max)}`;
  }
}

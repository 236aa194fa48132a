/**
 * Draws one frame of the timeline on a canvas and returns what it drew, with rectangles, for hit
 * testing, keyboard navigation and the test inspection API.
 */
import type { LaneWindow } from '../protocol';
import { formatTick } from './format';
import * as L from './layout';
import { line } from './paint';
import { drawMetric } from './renderMetrics';
import { drawEvents, drawFlame, drawProcess, drawState } from './renderRows';
import type { Drawn, Frame, Scene } from './scene';
import { matchesFilter } from './scene';
import type { Theme } from './theme';

export type { Drawn, Scene, Selected } from './scene';
export { matchesFilter } from './scene';

export function draw(ctx: CanvasRenderingContext2D, s: Scene): Drawn[] {
  const t = s.theme;
  const drawn: Drawn[] = [];
  const plotW = Math.max(10, s.width - s.labelW);
  const span = Math.max(s.toTs - s.fromTs, 1e-9);
  const x = (ts: number) => s.labelW + ((ts - s.fromTs) / span) * plotW;
  const top = L.RULER_H - s.scrollY;
  ctx.clearRect(0, 0, s.width, s.height);
  ctx.fillStyle = t.bg;
  ctx.fillRect(0, 0, s.width, s.height);
  ctx.font = t.font;
  ctx.textBaseline = 'middle';
  const lanes = new Map<string, LaneWindow>();
  for (const l of s.window?.lanes ?? []) lanes.set(l.key, l);
  const eventsRowY = new Map<string, number>();
  for (const row of s.rows) if (row.kind === 'events') eventsRowY.set(row.lane.key, top + row.y + row.h / 2);

  // Content, clipped below the ruler.
  ctx.save();
  ctx.beginPath();
  ctx.rect(0, L.RULER_H, s.width, s.height - L.RULER_H);
  ctx.clip();
  drawGrid(ctx, s, x, t);
  const frame: Frame = { ctx, s, x, drawn };
  s.rows.forEach((row, i) => {
    const y = top + row.y;
    if (y > s.height || y + row.h < L.RULER_H) return;
    if (i % 2 === 1) {
      ctx.fillStyle = t.laneAlt;
      ctx.fillRect(0, y, s.width, row.h);
    }
    switch (row.kind) {
      case 'process':
        drawProcess(frame, row, y);
        break;
      case 'events':
        drawEvents(frame, row, y, lanes.get(row.lane.key));
        break;
      case 'flame':
        drawFlame(frame, row, y, lanes.get(row.lane.key));
        break;
      case 'state':
        drawState(frame, row, y);
        break;
      case 'metric':
        drawMetric(frame, row, y);
        break;
    }
  });
  ctx.restore();
  // Arrows cross lanes, so they are drawn over them, clipped to the plot (not over the labels).
  ctx.save();
  ctx.beginPath();
  ctx.rect(s.labelW, L.RULER_H, s.width - s.labelW, s.height - L.RULER_H);
  ctx.clip();
  drawArrows(ctx, s, x, eventsRowY, drawn);
  ctx.restore();

  drawRuler(ctx, s, x, t);
  if (s.cursorTs !== null) {
    const cx = x(s.cursorTs);
    if (cx >= s.labelW && cx <= s.width) {
      ctx.strokeStyle = t.cursor;
      ctx.lineWidth = 1.5;
      line(ctx, cx, 0, cx, s.height);
      ctx.fillStyle = t.cursor;
      ctx.beginPath();
      ctx.moveTo(cx - 5, 0);
      ctx.lineTo(cx + 5, 0);
      ctx.lineTo(cx, 8);
      ctx.fill();
    }
  }
  if (s.hoverX !== null && s.hoverX > s.labelW) {
    ctx.strokeStyle = t.muted;
    ctx.globalAlpha = 0.5;
    ctx.lineWidth = 1;
    line(ctx, s.hoverX, L.RULER_H, s.hoverX, s.height);
    ctx.globalAlpha = 1;
  }
  return drawn;
}

/** A tick step of 1, 2 or 5 times a power of ten that puts about one label per 110 px. */
export function tickStep(span: number, width: number): number {
  const raw = (span / Math.max(width, 1)) * 110;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= raw) ?? 10 * p;
}

function drawGrid(ctx: CanvasRenderingContext2D, s: Scene, x: (ts: number) => number, t: Theme): void {
  const step = tickStep(s.toTs - s.fromTs, s.width - s.labelW);
  const origin = s.overview.fromTs;
  ctx.strokeStyle = t.grid;
  ctx.lineWidth = 1;
  for (let v = Math.ceil((s.fromTs - origin) / step) * step; origin + v <= s.toTs; v += step) {
    const gx = Math.round(x(origin + v)) + 0.5;
    line(ctx, gx, L.RULER_H, gx, s.height);
  }
}

function drawRuler(ctx: CanvasRenderingContext2D, s: Scene, x: (ts: number) => number, t: Theme): void {
  ctx.fillStyle = t.bg;
  ctx.fillRect(0, 0, s.width, L.RULER_H);
  ctx.strokeStyle = t.grid;
  line(ctx, 0, L.RULER_H - 0.5, s.width, L.RULER_H - 0.5);
  const step = tickStep(s.toTs - s.fromTs, s.width - s.labelW);
  const origin = s.overview.fromTs;
  ctx.fillStyle = t.muted;
  ctx.textAlign = 'left';
  for (let v = Math.ceil((s.fromTs - origin) / step) * step; origin + v <= s.toTs; v += step) {
    const gx = x(origin + v);
    const text = formatTick(v, step);
    // A label cut by the right edge reads as another number ("200 m"): leave it out.
    if (gx < s.labelW || gx + 3 + ctx.measureText(text).width > s.width) continue;
    ctx.fillText(text, gx + 3, L.RULER_H / 2);
  }
  ctx.fillStyle = t.fg;
  ctx.fillText(`${s.overview.events.toLocaleString('en-US')} events`, 8, L.RULER_H / 2);
}

function drawArrows(
  ctx: CanvasRenderingContext2D,
  s: Scene,
  x: (ts: number) => number,
  laneY: Map<string, number>,
  drawn: Drawn[],
): void {
  const t = s.theme;
  ctx.strokeStyle = t.message;
  ctx.fillStyle = t.message;
  for (const m of s.window?.messages ?? []) {
    const y1 = laneY.get(m.fromLane);
    const y2 = laneY.get(m.toLane);
    if (y1 === undefined || y2 === undefined) continue;
    const x1 = x(m.sendTs);
    const x2 = x(m.recvTs);
    if (Math.max(x1, x2) < s.labelW || Math.min(x1, x2) > s.width) continue;
    const matches = matchesFilter(s.filter, m.channel, 'message');
    ctx.globalAlpha = matches ? 0.75 : 0.12;
    line(ctx, x1, y1, x2, y2);
    const angle = Math.atan2(y2 - y1, x2 - x1);
    ctx.beginPath();
    ctx.moveTo(x2, y2);
    ctx.lineTo(x2 - 6 * Math.cos(angle - 0.45), y2 - 6 * Math.sin(angle - 0.45));
    ctx.lineTo(x2 - 6 * Math.cos(angle + 0.45), y2 - 6 * Math.sin(angle + 0.45));
    ctx.fill();
    ctx.globalAlpha = 1;
    drawn.push({
      kind: 'arrow',
      x: Math.min(x1, x2),
      y: Math.min(y1, y2),
      w: Math.abs(x2 - x1),
      h: Math.abs(y2 - y1),
      lane: m.fromLane,
      label: m.channel,
      ts: m.sendTs,
      id: m.sendId,
      typeName: 'message',
      matches,
    });
  }
}

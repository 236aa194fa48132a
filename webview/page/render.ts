/**
 * Draws one frame of the timeline on a canvas and returns what it drew, with rectangles, for hit
 * testing, keyboard navigation and the test inspection API.
 */
import type { EventMark, LaneWindow, MetricsData, Overview, WindowData } from '../protocol';
import { formatMs, formatTick } from './format';
import * as L from './layout';
import type { Row } from './layout';
import { LANE_COLORS, nameColor } from './theme';
import type { Theme } from './theme';

export type Selected =
  | { kind: 'event'; id: number }
  | { kind: 'state'; pid: number; tid: number; objectId: number; callEid: number };

export interface Scene {
  overview: Overview;
  window: WindowData | null;
  metrics: MetricsData | null;
  fromTs: number;
  toTs: number;
  width: number;
  height: number;
  scrollY: number;
  rows: Row[];
  selected: Selected | null;
  filter: string;
  cursorTs: number | null;
  hoverX: number | null;
  theme: Theme;
}

export interface Drawn {
  kind: 'event' | 'span' | 'state' | 'arrow' | 'bucket';
  x: number;
  y: number;
  w: number;
  h: number;
  lane: string;
  label: string;
  ts: number;
  id: number;
  typeName: string;
  matches: boolean;
  depth?: number;
  outcome?: string;
  state?: { pid: number; tid: number; objectId: number; callEid: number };
}

export function matchesFilter(filter: string, ...texts: string[]): boolean {
  if (!filter) return true;
  const f = filter.toLowerCase();
  return texts.some((t) => t.toLowerCase().includes(f));
}

export function draw(ctx: CanvasRenderingContext2D, s: Scene): Drawn[] {
  const t = s.theme;
  const drawn: Drawn[] = [];
  const plotW = Math.max(10, s.width - L.LABEL_W);
  const span = Math.max(s.toTs - s.fromTs, 1e-9);
  const x = (ts: number) => L.LABEL_W + ((ts - s.fromTs) / span) * plotW;
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
  s.rows.forEach((row, i) => {
    const y = top + row.y;
    if (y > s.height || y + row.h < L.RULER_H) return;
    if (i % 2 === 1) {
      ctx.fillStyle = t.laneAlt;
      ctx.fillRect(0, y, s.width, row.h);
    }
    switch (row.kind) {
      case 'process':
        drawProcess(ctx, s, row, y, x, t);
        break;
      case 'events':
        drawEvents(ctx, s, row, y, x, lanes.get(row.lane.key), drawn);
        break;
      case 'flame':
        drawFlame(ctx, s, row, y, x, lanes.get(row.lane.key), drawn);
        break;
      case 'state':
        drawState(ctx, s, row, y, x, drawn);
        break;
      case 'metric':
        drawMetric(ctx, s, row, y, x);
        break;
    }
  });
  ctx.restore();
  // Arrows cross lanes, so they are drawn over them, clipped to the plot (not over the labels).
  ctx.save();
  ctx.beginPath();
  ctx.rect(L.LABEL_W, L.RULER_H, s.width - L.LABEL_W, s.height - L.RULER_H);
  ctx.clip();
  drawArrows(ctx, s, x, eventsRowY, drawn);
  ctx.restore();

  drawRuler(ctx, s, x, t);
  if (s.cursorTs !== null) {
    const cx = x(s.cursorTs);
    if (cx >= L.LABEL_W && cx <= s.width) {
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
  if (s.hoverX !== null && s.hoverX > L.LABEL_W) {
    ctx.strokeStyle = t.muted;
    ctx.globalAlpha = 0.5;
    ctx.lineWidth = 1;
    line(ctx, s.hoverX, L.RULER_H, s.hoverX, s.height);
    ctx.globalAlpha = 1;
  }
  return drawn;
}

function line(ctx: CanvasRenderingContext2D, x1: number, y1: number, x2: number, y2: number): void {
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x2, y2);
  ctx.stroke();
}

/** A tick step of 1, 2 or 5 times a power of ten that puts about one label per 110 px. */
export function tickStep(span: number, width: number): number {
  const raw = (span / Math.max(width, 1)) * 110;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= raw) ?? 10 * p;
}

function drawGrid(ctx: CanvasRenderingContext2D, s: Scene, x: (ts: number) => number, t: Theme): void {
  const step = tickStep(s.toTs - s.fromTs, s.width - L.LABEL_W);
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
  const step = tickStep(s.toTs - s.fromTs, s.width - L.LABEL_W);
  const origin = s.overview.fromTs;
  ctx.fillStyle = t.muted;
  ctx.textAlign = 'left';
  for (let v = Math.ceil((s.fromTs - origin) / step) * step; origin + v <= s.toTs; v += step) {
    const gx = x(origin + v);
    if (gx < L.LABEL_W) continue;
    ctx.fillText(formatTick(v, step), gx + 3, L.RULER_H / 2);
  }
  ctx.fillStyle = t.fg;
  ctx.fillText(`${s.overview.events.toLocaleString('en-US')} events`, 8, L.RULER_H / 2);
}

function label(
  ctx: CanvasRenderingContext2D,
  text: string,
  y: number,
  h: number,
  color: string,
  indent = 8,
): void {
  ctx.fillStyle = color;
  ctx.textAlign = 'left';
  ctx.fillText(fit(ctx, text, L.LABEL_W - indent - 6), indent, y + h / 2);
}

function fit(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (width <= 8) return '';
  if (ctx.measureText(text).width <= width) return text;
  let n = text.length;
  while (n > 1 && ctx.measureText(`${text.slice(0, n)}…`).width > width) n = Math.floor(n * 0.8);
  return `${text.slice(0, n)}…`;
}

function drawProcess(
  ctx: CanvasRenderingContext2D,
  s: Scene,
  row: Extract<Row, { kind: 'process' }>,
  y: number,
  x: (ts: number) => number,
  t: Theme,
): void {
  const p = row.process;
  ctx.font = `bold ${t.font}`;
  label(ctx, p.label, y, row.h, t.fg, 4);
  ctx.font = t.font;
  const start = p.startTs ?? p.spawnTs;
  const end = p.endTs;
  if (start !== null) {
    ctx.fillStyle = t.lifecycle;
    ctx.globalAlpha = 0.25;
    const x1 = Math.max(L.LABEL_W, x(start));
    const x2 = Math.min(s.width, end === null ? s.width : x(end));
    if (x2 > x1) ctx.fillRect(x1, y + row.h / 2 - 2, x2 - x1, 4);
    ctx.globalAlpha = 1;
  }
  if (p.spawnTs !== null) glyph(ctx, 'spawn', x(p.spawnTs), y + row.h / 2, t.lifecycle);
  if (end !== null) {
    const failed = (p.exitCode ?? 0) !== 0 || p.exitSignal !== null;
    glyph(ctx, 'exit', x(end), y + row.h / 2, failed ? t.error : t.lifecycle);
    ctx.fillStyle = failed ? t.error : t.muted;
    ctx.fillText(`exit ${p.exitSignal ?? p.exitCode ?? ''}`, x(end) + 7, y + row.h / 2);
  }
}

type Glyph = 'spawn' | 'start' | 'exit' | 'diamond' | 'dot' | 'up' | 'down' | 'cross';

function glyph(
  ctx: CanvasRenderingContext2D,
  g: Glyph,
  gx: number,
  cy: number,
  color: string,
  size = 5,
): void {
  ctx.fillStyle = color;
  ctx.strokeStyle = color;
  ctx.beginPath();
  switch (g) {
    case 'spawn':
      ctx.moveTo(gx, cy - size);
      ctx.lineTo(gx + size, cy + size);
      ctx.lineTo(gx - size, cy + size);
      break;
    case 'start':
      ctx.moveTo(gx, cy - size);
      ctx.lineTo(gx + size * 1.4, cy);
      ctx.lineTo(gx, cy + size);
      break;
    case 'exit':
      ctx.rect(gx - size + 1, cy - size + 1, 2 * size - 2, 2 * size - 2);
      break;
    case 'diamond':
      ctx.moveTo(gx, cy - size - 1);
      ctx.lineTo(gx + size, cy);
      ctx.lineTo(gx, cy + size + 1);
      ctx.lineTo(gx - size, cy);
      break;
    case 'dot':
      ctx.arc(gx, cy, size - 1, 0, Math.PI * 2);
      break;
    case 'up':
      ctx.rect(gx - 1, cy - size - 2, 2, size + 2);
      break;
    case 'down':
      ctx.rect(gx - 1, cy, 2, size + 2);
      break;
    case 'cross':
      ctx.lineWidth = 2;
      ctx.moveTo(gx - size, cy - size);
      ctx.lineTo(gx + size, cy + size);
      ctx.moveTo(gx + size, cy - size);
      ctx.lineTo(gx - size, cy + size);
      ctx.stroke();
      ctx.lineWidth = 1;
      return;
  }
  ctx.closePath();
  ctx.fill();
}

/** How an event is drawn in its lane; undefined for events drawn elsewhere (calls, state snapshots). */
function eventStyle(e: EventMark, t: Theme): { glyph: Glyph; color: string; labelled: boolean } | undefined {
  switch (e.kind) {
    case 'lifecycle':
      if (e.typeName.endsWith('Spawn')) return { glyph: 'spawn', color: t.lifecycle, labelled: true };
      if (e.typeName.endsWith('Start')) return { glyph: 'start', color: t.lifecycle, labelled: false };
      return {
        glyph: 'exit',
        color: e.label === 'code 0' || e.label === '' ? t.lifecycle : t.error,
        labelled: true,
      };
    case 'message':
      return { glyph: e.typeName === 'messageSend' ? 'up' : 'down', color: t.message, labelled: false };
    case 'error':
      return { glyph: 'diamond', color: t.error, labelled: true };
    case 'mark':
      return { glyph: 'diamond', color: t.mark, labelled: true };
    case 'tracePoint':
      return { glyph: 'dot', color: t.tracePoint, labelled: true };
    case 'call':
      return e.typeName === 'throw' ? { glyph: 'cross', color: t.error, labelled: false } : undefined;
    case 'state':
      return undefined;
    case 'metric':
      return e.typeName === 'gc' ? { glyph: 'down', color: t.muted, labelled: false } : undefined;
    default:
      return { glyph: 'dot', color: t.muted, labelled: true };
  }
}

function drawEvents(
  ctx: CanvasRenderingContext2D,
  s: Scene,
  row: Extract<Row, { kind: 'events' }>,
  y: number,
  x: (ts: number) => number,
  data: LaneWindow | undefined,
  drawn: Drawn[],
): void {
  const t = s.theme;
  const lane = row.lane;
  const cy = y + row.h / 2;
  label(ctx, `${lane.label}${lane.isMain ? '' : ` (t${lane.tid})`}`, y, row.h, t.fg, 16);
  const life1 = lane.startTs ?? lane.spawnTs;
  if (life1 !== null) {
    const x1 = Math.max(L.LABEL_W, x(life1));
    const x2 = Math.min(s.width, lane.endTs === null ? s.width : x(lane.endTs));
    ctx.fillStyle = t.grid;
    if (x2 > x1) ctx.fillRect(x1, cy - 1, x2 - x1, 2);
  }
  if (!data) return;
  if (data.mode === 'buckets' && s.window) {
    const max = Math.max(1, ...data.counts);
    const bw = (s.window.bucketMs / Math.max(s.toTs - s.fromTs, 1e-9)) * (s.width - L.LABEL_W);
    ctx.fillStyle = t.call;
    ctx.globalAlpha = 0.45;
    data.counts.forEach((n, i) => {
      if (n === 0) return;
      const bx = x(s.window!.fromTs + i * s.window!.bucketMs);
      if (bx + bw < L.LABEL_W || bx > s.width) return;
      const h = Math.max(1, (Math.log1p(n) / Math.log1p(max)) * (row.h - 4));
      ctx.fillRect(bx, y + row.h - 2 - h, Math.max(bw, 1), h);
    });
    ctx.globalAlpha = 1;
  }
  let lastLabelEnd = -Infinity;
  for (const e of data.events) {
    const style = eventStyle(e, t);
    if (!style) continue;
    const ex = x(e.ts);
    if (ex < L.LABEL_W - 6 || ex > s.width + 6) continue;
    const matches = matchesFilter(s.filter, e.label, e.typeName);
    ctx.globalAlpha = matches ? 1 : 0.2;
    glyph(ctx, style.glyph, ex, cy, style.color);
    if (style.labelled && e.label && ex > lastLabelEnd) {
      const text = e.label.length > 48 ? `${e.label.slice(0, 47)}…` : e.label;
      ctx.fillStyle = style.color === t.muted ? t.muted : t.fg;
      ctx.textAlign = 'left';
      ctx.fillText(text, ex + 8, cy);
      lastLabelEnd = ex + 8 + ctx.measureText(text).width + 6;
    }
    ctx.globalAlpha = 1;
    drawn.push({
      kind: 'event',
      x: ex - 5,
      y: cy - 7,
      w: 10,
      h: 14,
      lane: lane.key,
      label: e.label,
      ts: e.ts,
      id: e.id,
      typeName: e.typeName,
      matches,
    });
    if (isSelected(s, e.id)) highlight(ctx, ex - 7, cy - 8, 14, 16, t);
  }
}

function isSelected(s: Scene, id: number): boolean {
  return s.selected?.kind === 'event' && s.selected.id === id;
}

function highlight(
  ctx: CanvasRenderingContext2D,
  hx: number,
  hy: number,
  w: number,
  h: number,
  t: Theme,
): void {
  ctx.strokeStyle = t.select;
  ctx.lineWidth = 2;
  ctx.strokeRect(hx, hy, w, h);
  ctx.lineWidth = 1;
}

function drawFlame(
  ctx: CanvasRenderingContext2D,
  s: Scene,
  row: Extract<Row, { kind: 'flame' }>,
  y: number,
  x: (ts: number) => number,
  data: LaneWindow | undefined,
  drawn: Drawn[],
): void {
  const t = s.theme;
  label(ctx, 'calls', y, L.FLAME_ROW_H, t.muted, 24);
  if (!data || data.total === 0) return;
  if (data.mode === 'buckets') {
    ctx.fillStyle = t.muted;
    ctx.textAlign = 'left';
    ctx.fillText(
      `${data.total.toLocaleString('en-US')} events here: zoom in to see the calls`,
      L.LABEL_W + 8,
      y + row.h / 2,
    );
    return;
  }
  for (const sp of data.spans) {
    const x1 = Math.max(L.LABEL_W, x(sp.startTs));
    const x2 = Math.min(s.width, x(sp.endTs));
    if (x2 < L.LABEL_W || x1 > s.width) continue;
    const depth = Math.min(sp.depth, row.rows - 1);
    const sy = y + 1 + depth * L.FLAME_ROW_H;
    const w = Math.max(1, x2 - x1);
    const matches = matchesFilter(s.filter, sp.name);
    ctx.globalAlpha = matches ? 1 : 0.2;
    ctx.fillStyle = nameColor(sp.name, t.dark);
    ctx.fillRect(x1, sy, w, L.FLAME_ROW_H - 1);
    if (sp.outcome === 'threw') {
      ctx.strokeStyle = t.error;
      ctx.lineWidth = 2;
      ctx.strokeRect(x1 + 1, sy + 1, w - 2, L.FLAME_ROW_H - 3);
      ctx.lineWidth = 1;
    }
    if (w > 24) {
      ctx.fillStyle = t.fg;
      ctx.textAlign = 'left';
      ctx.fillText(fitWidth(ctx, sp.name, w - 6), x1 + 3, sy + L.FLAME_ROW_H / 2);
    }
    ctx.globalAlpha = 1;
    drawn.push({
      kind: 'span',
      x: x1,
      y: sy,
      w,
      h: L.FLAME_ROW_H - 1,
      lane: row.lane.key,
      label: sp.name,
      ts: sp.startTs,
      id: sp.id,
      typeName: 'call',
      matches,
      depth: sp.depth,
      outcome: sp.outcome,
    });
    if (isSelected(s, sp.id)) highlight(ctx, x1 - 1, sy - 1, w + 2, L.FLAME_ROW_H + 1, t);
  }
}

function fitWidth(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text;
  const per = ctx.measureText('m').width * 0.8;
  const n = Math.floor(width / per) - 1;
  return n <= 0 ? '' : `${text.slice(0, n)}…`;
}

function drawState(
  ctx: CanvasRenderingContext2D,
  s: Scene,
  row: Extract<Row, { kind: 'state' }>,
  y: number,
  x: (ts: number) => number,
  drawn: Drawn[],
): void {
  const t = s.theme;
  const o = row.object;
  label(ctx, `${o.className ?? 'object'} #${o.objectId} state`, y, row.h, t.state, 24);
  const cy = y + row.h / 2;
  for (const m of s.window?.stateMarks ?? []) {
    if (m.pid !== o.pid || m.tid !== o.tid || m.objectId !== o.objectId) continue;
    const mx = x(m.ts);
    if (mx < L.LABEL_W - 6 || mx > s.width + 6) continue;
    const text = `${m.method ?? 'call'} (${m.paths})`;
    const matches = matchesFilter(s.filter, text, o.className ?? '', 'state');
    ctx.globalAlpha = matches ? 1 : 0.2;
    glyph(ctx, 'diamond', mx, cy, t.state);
    ctx.globalAlpha = 1;
    const state = { pid: m.pid, tid: m.tid, objectId: m.objectId, callEid: m.callEid };
    drawn.push({
      kind: 'state',
      x: mx - 5,
      y: cy - 7,
      w: 10,
      h: 14,
      lane: `${o.pid}:${o.tid}`,
      label: text,
      ts: m.ts,
      id: m.callEid,
      typeName: 'stateChange',
      matches,
      state,
    });
    const sel = s.selected;
    if (
      sel?.kind === 'state' &&
      sel.objectId === m.objectId &&
      sel.callEid === m.callEid &&
      sel.pid === m.pid &&
      sel.tid === m.tid
    ) {
      highlight(ctx, mx - 7, cy - 8, 14, 16, t);
    }
  }
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
    if (Math.max(x1, x2) < L.LABEL_W || Math.min(x1, x2) > s.width) continue;
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

function drawMetric(
  ctx: CanvasRenderingContext2D,
  s: Scene,
  row: Extract<Row, { kind: 'metric' }>,
  y: number,
  x: (ts: number) => number,
): void {
  const t = s.theme;
  label(ctx, row.label, y, 16, t.muted, 8);
  const names = row.metric === 'delayP99' ? ['delayP99', 'delayP50'] : [row.metric];
  const series = (s.metrics?.series ?? []).filter((m) => names.includes(m.name));
  const max = Math.max(1e-9, ...series.flatMap((m) => m.points.map((p) => p[1])));
  const laneIndex = new Map(s.overview.lanes.map((l, i) => [l.key, i]));
  const bottom = y + row.h - 4;
  const h = row.h - 14;
  ctx.fillStyle = t.muted;
  ctx.textAlign = 'left';
  ctx.fillText(unit(row.metric, max), 8, y + row.h - 12);
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

/** Drawing of the rows of a thread: its process, its events, its flame chart, its objects' state. */
import type { EventMark, LaneWindow } from '../protocol';
import * as L from './layout';
import type { Row } from './layout';
import { fitWidth, glyph, highlight, label } from './paint';
import type { Glyph } from './paint';
import type { Frame, Scene } from './scene';
import { matchesFilter } from './scene';
import { nameColor } from './theme';
import type { Theme } from './theme';

export function drawProcess(f: Frame, row: Extract<Row, { kind: 'process' }>, y: number): void {
  const { ctx, s, x } = f;
  const t = s.theme;
  const p = row.process;
  ctx.font = `bold ${t.font}`;
  label(ctx, p.label, y, row.h, t.fg, 4, s.labelW);
  ctx.font = t.font;
  const start = p.startTs ?? p.spawnTs;
  const end = p.endTs;
  if (start !== null) {
    ctx.fillStyle = t.lifecycle;
    ctx.globalAlpha = 0.25;
    const x1 = Math.max(s.labelW, x(start));
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

export function drawEvents(
  f: Frame,
  row: Extract<Row, { kind: 'events' }>,
  y: number,
  data: LaneWindow | undefined,
): void {
  const { ctx, s, x, drawn } = f;
  const t = s.theme;
  const lane = row.lane;
  const cy = y + row.h / 2;
  label(ctx, `${lane.label}${lane.isMain ? '' : ` (t${lane.tid})`}`, y, row.h, t.fg, 16, s.labelW);
  const life1 = lane.startTs ?? lane.spawnTs;
  if (life1 !== null) {
    const x1 = Math.max(s.labelW, x(life1));
    const x2 = Math.min(s.width, lane.endTs === null ? s.width : x(lane.endTs));
    ctx.fillStyle = t.grid;
    if (x2 > x1) ctx.fillRect(x1, cy - 1, x2 - x1, 2);
  }
  if (!data) return;
  if (data.mode === 'buckets' && s.window) {
    const max = Math.max(1, ...data.counts);
    const bw = (s.window.bucketMs / Math.max(s.toTs - s.fromTs, 1e-9)) * (s.width - s.labelW);
    ctx.fillStyle = t.call;
    ctx.globalAlpha = 0.45;
    data.counts.forEach((n, i) => {
      if (n === 0) return;
      const bx = x(s.window!.fromTs + i * s.window!.bucketMs);
      if (bx + bw < s.labelW || bx > s.width) return;
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
    if (ex < s.labelW - 6 || ex > s.width + 6) continue;
    const matches = matchesFilter(s.filter, e.label, e.typeName);
    ctx.globalAlpha = matches ? 1 : 0.2;
    glyph(ctx, style.glyph, ex, cy, style.color);
    if (style.labelled && e.label && ex > lastLabelEnd) {
      let text = e.label.length > 48 ? `${e.label.slice(0, 47)}…` : e.label;
      let width = ctx.measureText(text).width;
      let lx = ex + 8;
      // A label that would run off the right edge goes on the mark's left when there is room
      // there (not over the label before it); otherwise it is shortened to what fits.
      if (lx + width > s.width) {
        if (ex - 8 - width > Math.max(s.labelW, lastLabelEnd)) lx = ex - 8 - width;
        else {
          text = fitWidth(ctx, text, s.width - lx - 2);
          width = ctx.measureText(text).width;
        }
      }
      if (text) {
        ctx.fillStyle = style.color === t.muted ? t.muted : t.fg;
        ctx.textAlign = 'left';
        ctx.fillText(text, lx, cy);
        lastLabelEnd = lx + width + 6;
      }
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

export function drawFlame(
  f: Frame,
  row: Extract<Row, { kind: 'flame' }>,
  y: number,
  data: LaneWindow | undefined,
): void {
  const { ctx, s, x, drawn } = f;
  const t = s.theme;
  label(ctx, 'calls', y, L.FLAME_ROW_H, t.muted, 24, s.labelW);
  if (!data || data.total === 0) return;
  if (data.mode === 'buckets') {
    ctx.fillStyle = t.muted;
    ctx.textAlign = 'left';
    ctx.fillText(
      `${data.total.toLocaleString('en-US')} events here: zoom in to see the calls`,
      s.labelW + 8,
      y + row.h / 2,
    );
    return;
  }
  for (const sp of data.spans) {
    const x1 = Math.max(s.labelW, x(sp.startTs));
    const x2 = Math.min(s.width, x(sp.endTs));
    if (x2 < s.labelW || x1 > s.width) continue;
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

export function drawState(f: Frame, row: Extract<Row, { kind: 'state' }>, y: number): void {
  const { ctx, s, x, drawn } = f;
  const t = s.theme;
  const o = row.object;
  label(ctx, `${o.className ?? 'object'} #${o.objectId} state`, y, row.h, t.state, 24, s.labelW);
  const cy = y + row.h / 2;
  for (const m of s.window?.stateMarks ?? []) {
    if (m.pid !== o.pid || m.tid !== o.tid || m.objectId !== o.objectId) continue;
    const mx = x(m.ts);
    if (mx < s.labelW - 6 || mx > s.width + 6) continue;
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

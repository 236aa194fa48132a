/**
 * The timeline page: asks the host for the overview, then for windows of data around what is on
 * screen (a margin on each side, so panning draws from data already here), draws them on a canvas,
 * and keeps the selection, filter, cursor and view in the host's page state.
 */
import type {
  EventDetail,
  EventMark,
  MetricName,
  MetricsData,
  Overview,
  StateTimeline,
  WindowData,
} from '../protocol';
import { PROTOCOL_VERSION } from '../protocol';
import type { Client } from './client';
import { HostError } from './client';
import { el, renderEvent, renderStateTimeline } from './details';
import type { DetailActions } from './details';
import { formatMs, formatOffset } from './format';
import * as L from './layout';
import { draw, matchesFilter } from './render';
import type { Drawn, Selected } from './render';
import { readTheme } from './theme';
import type { Transport } from './transport';

interface SavedState {
  fromTs: number;
  toTs: number;
  selected: Selected | null;
  filter: string;
  cursorTs: number | null;
}

/** What the tests and the benchmark read: what is on screen, without hit-testing pixels. */
export interface Inspection {
  state: string;
  message: string;
  view: { fromTs: number; toTs: number };
  lanes: Array<{ key: string; label: string; mode: string; total: number }>;
  drawn: Drawn[];
  selected: Selected | null;
  detailText: string;
  frames: number;
  lastFrameMs: number;
  firstFrameAt: number | null;
  windowsLoaded: number;
  /** Round trips of the last window requests (window + metrics), milliseconds. */
  windowMs: number[];
  pending: number;
}

export class App {
  private overview: Overview | null = null;
  private window: WindowData | null = null;
  private metrics: MetricsData | null = null;
  private fromTs = 0;
  private toTs = 1;
  private scrollY = 0;
  private selected: Selected | null = null;
  private filter = '';
  private cursorTs: number | null = null;
  private hoverX: number | null = null;
  private drawn: Drawn[] = [];
  private readonly flameRows = new Map<string, number>();
  private rows: L.Row[] = [];
  private contentHeight = 0;
  private frameRequested = false;
  private loading = false;
  private reloadWanted = false;
  private detailText = '';
  private frames = 0;
  private lastFrameMs = 0;
  private firstFrameAt: number | null = null;
  private windowsLoaded = 0;
  private readonly windowMs: number[] = [];
  private pending = 0;
  private stateView: { timeline: StateTimeline; index: number } | null = null;
  private theme = readTheme();
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly details: HTMLElement;
  private readonly status: HTMLElement;
  private readonly filterBox: HTMLInputElement;
  private readonly results: HTMLElement;
  private readonly inBrowser: boolean;
  private readonly nodes: HTMLElement[];
  private polling: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly client: Client,
    private readonly transport: Transport,
    private readonly root: HTMLElement,
    inVsCode: boolean,
  ) {
    this.inBrowser = !inVsCode;
    this.filterBox = el('input', {
      type: 'search',
      id: 'filter',
      placeholder: 'Filter / search  ( / )',
      'aria-label': 'Filter events',
    }) as HTMLInputElement;
    const button = (text: string, title: string, onClick: () => void) => {
      const b = el('button', { type: 'button', title, 'aria-label': title }, text);
      b.addEventListener('click', onClick);
      return b;
    };
    this.status = el('span', { class: 'status-text', role: 'status' });
    this.canvas = el('canvas', {
      id: 'timeline',
      tabindex: '0',
      'aria-label': 'Timeline: arrows move between events, + and - zoom, / searches',
    }) as HTMLCanvasElement;
    this.ctx = this.canvas.getContext('2d')!;
    this.details = el(
      'aside',
      { id: 'details', 'aria-live': 'polite' },
      el('p', { class: 'hint' }, 'Click an event, a call or a state change to see its details.'),
    );
    this.results = el('div', { id: 'results' });
    this.nodes = [
      el(
        'header',
        { class: 'toolbar' },
        this.filterBox,
        button('−', 'Zoom out (-)', () => this.zoom(2)),
        button('+', 'Zoom in (+)', () => this.zoom(0.5)),
        button('Fit', 'Show the whole trace (0)', () => this.fit()),
        this.status,
      ),
      el(
        'main',
        { class: 'body' },
        el('div', { class: 'plot' }, this.canvas),
        el('div', { class: 'side' }, this.results, this.details),
      ),
    ];
    root.replaceChildren(...this.nodes);
    this.bindInput();
    new ResizeObserver(() => this.requestFrame()).observe(this.canvas);
    client.onTraceChanged(() => void this.refresh());
  }

  async start(): Promise<void> {
    try {
      const { overview } = await this.client.request({ type: 'overview' });
      if (overview.protocol !== PROTOCOL_VERSION) {
        return this.fail(
          `This page speaks timeline protocol ${PROTOCOL_VERSION} and the host ${overview.protocol}: reload the window after updating Cinescope.`,
        );
      }
      this.overview = overview;
      // A live trace is asked again every second: it may start empty and fill in.
      if (overview.live && !this.polling) this.polling = setInterval(() => void this.refresh(), 1000);
      if (overview.empty) return this.showMessage('empty', overview.empty);
      const saved = this.transport.getState() as SavedState | undefined;
      if (saved && saved.toTs > saved.fromTs) {
        ({
          fromTs: this.fromTs,
          toTs: this.toTs,
          selected: this.selected,
          filter: this.filter,
          cursorTs: this.cursorTs,
        } = saved);
        this.filterBox.value = this.filter;
      } else {
        const pad = (overview.toTs - overview.fromTs) * 0.02;
        this.fromTs = overview.fromTs - pad;
        this.toTs = overview.toTs + pad;
      }
      document.body.dataset.state = 'ready';
      this.relayout();
      await this.ensureData();
      if (this.selected?.kind === 'event') void this.showEvent(this.selected.id);
    } catch (e) {
      this.fail(e instanceof HostError ? e.message : `The timeline failed: ${(e as Error).message}`);
    }
  }

  private fail(message: string): void {
    this.showMessage('error', message);
  }

  private showMessage(state: 'error' | 'empty', message: string): void {
    document.body.dataset.state = state;
    this.root.replaceChildren(
      el(
        'div',
        { class: `message ${state}`, role: 'alert', 'data-test': 'message' },
        el('h2', {}, state === 'empty' ? 'Nothing recorded' : 'This trace cannot be shown'),
        el('p', {}, message),
      ),
    );
  }

  // ---- Data -----------------------------------------------------------------------------------

  /** Asks for the window around the view when the data here does not cover it at a fitting resolution. */
  private async ensureData(): Promise<void> {
    if (this.loading) {
      this.reloadWanted = true;
      return;
    }
    const w = this.window;
    const span = this.toTs - this.fromTs;
    const buckets = Math.max(50, Math.round(this.plotWidth() / 2) * 3);
    const covers = w && w.fromTs <= this.fromTs && w.toTs >= this.toTs;
    const wantBucketMs = (3 * span) / buckets;
    const resolutionOk = w && w.bucketMs <= wantBucketMs * 2.5 && w.bucketMs >= wantBucketMs / 2.5;
    if (covers && resolutionOk) return;
    this.loading = true;
    this.pending++;
    try {
      const fromTs = this.fromTs - span;
      const toTs = this.toTs + span;
      const asked = performance.now();
      const [win, met] = await Promise.all([
        this.client.request({ type: 'window', fromTs, toTs, buckets }),
        this.client.request({ type: 'metrics', fromTs, toTs, buckets: Math.round(buckets / 3) }),
      ]);
      this.window = win.window;
      this.metrics = met.metrics;
      this.windowsLoaded++;
      this.windowMs.push(performance.now() - asked);
      if (this.windowMs.length > 200) this.windowMs.shift();
      for (const lane of win.window.lanes) {
        const depth = lane.spans.reduce((d, s) => Math.max(d, s.depth + 1), 0);
        if (depth > (this.flameRows.get(lane.key) ?? 0)) this.flameRows.set(lane.key, depth);
      }
      this.relayout();
    } catch (e) {
      if (e instanceof HostError) this.fail(e.message);
      else throw e;
    } finally {
      this.loading = false;
      this.pending--;
    }
    if (this.reloadWanted) {
      this.reloadWanted = false;
      await this.ensureData();
    }
  }

  /**
   * The host says the trace changed (a live trace grew, or the panel now shows another trace):
   * follow the end of a growing trace, start over when a message was showing or the trace is
   * another one.
   */
  private async refresh(): Promise<void> {
    let overview: Overview;
    try {
      ({ overview } = await this.client.request({ type: 'overview' }));
    } catch (e) {
      return this.fail(e instanceof HostError ? e.message : String(e));
    }
    const previous = this.overview;
    if (document.body.dataset.state !== 'ready' || !previous) {
      if (overview.empty) return this.showMessage('empty', overview.empty);
      return this.restart();
    }
    if (overview.empty) return this.showMessage('empty', overview.empty);
    if (overview.events === previous.events && overview.toTs === previous.toTs) return;
    if (overview.events < previous.events || overview.fromTs !== previous.fromTs) return this.restart();
    const following = this.toTs >= previous.toTs;
    const whole = following && this.fromTs <= previous.fromTs;
    this.overview = overview;
    if (whole) {
      const pad = (overview.toTs - overview.fromTs) * 0.02;
      this.fromTs = overview.fromTs - pad;
      this.toTs = overview.toTs + pad;
    } else if (following) {
      const span = this.toTs - this.fromTs;
      this.toTs = overview.toTs + span * 0.02;
      this.fromTs = Math.max(overview.fromTs, this.toTs - span);
    }
    this.window = null;
    this.relayout();
    await this.ensureData();
  }

  /** Shows the timeline again from the start, for a trace that was not there or is another one. */
  private async restart(): Promise<void> {
    this.overview = null;
    this.window = null;
    this.metrics = null;
    this.selected = null;
    this.stateView = null;
    this.flameRows.clear();
    this.transport.setState(undefined);
    this.root.replaceChildren(...this.nodes);
    document.body.dataset.state = 'loading';
    await this.start();
  }

  private relayout(): void {
    if (!this.overview) return;
    const has = new Set<MetricName>((this.metrics?.series ?? []).map((s) => s.name));
    const { rows, height } = L.layout(this.overview, this.flameRows, has);
    this.rows = rows;
    this.contentHeight = height;
    this.requestFrame();
  }

  // ---- Drawing --------------------------------------------------------------------------------

  private plotWidth(): number {
    return Math.max(10, this.canvas.clientWidth - L.LABEL_W);
  }

  private requestFrame(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      this.paint();
    });
  }

  private paint(): void {
    if (!this.overview || this.overview.empty) return;
    const started = performance.now();
    const dpr = window.devicePixelRatio || 1;
    const width = this.canvas.clientWidth;
    const height = this.canvas.clientHeight;
    if (this.canvas.width !== Math.round(width * dpr) || this.canvas.height !== Math.round(height * dpr)) {
      this.canvas.width = Math.round(width * dpr);
      this.canvas.height = Math.round(height * dpr);
    }
    this.scrollY = Math.max(0, Math.min(this.scrollY, this.contentHeight + L.RULER_H - height));
    this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.drawn = draw(this.ctx, {
      overview: this.overview,
      window: this.window,
      metrics: this.metrics,
      fromTs: this.fromTs,
      toTs: this.toTs,
      width,
      height,
      scrollY: this.scrollY,
      rows: this.rows,
      selected: this.selected,
      filter: this.filter,
      cursorTs: this.cursorTs,
      hoverX: this.hoverX,
      theme: this.theme,
    });
    this.frames++;
    this.lastFrameMs = performance.now() - started;
    if (this.window && this.firstFrameAt === null) {
      this.firstFrameAt = performance.now();
      document.body.dataset.firstFrame = 'yes';
    }
    this.updateStatus();
    this.save();
  }

  private updateStatus(): void {
    if (!this.overview) return;
    const o = this.overview;
    const parts = [
      `${formatOffset(this.fromTs, o.fromTs)} … ${formatOffset(this.toTs, o.fromTs)} (${formatMs(this.toTs - this.fromTs)})`,
    ];
    if (this.cursorTs !== null) parts.push(`cursor ${formatOffset(this.cursorTs, o.fromTs)}`);
    if (this.filter)
      parts.push(`${this.drawn.filter((d) => d.matches).length} of ${this.drawn.length} drawn match`);
    if (o.errors) parts.push(`${o.errors} error${o.errors === 1 ? '' : 's'}`);
    if (o.dropped) parts.push(`${o.dropped} events dropped`);
    if (this.window?.messagesOmitted)
      parts.push(`${this.window.messagesOmitted} message arrows not drawn: zoom in`);
    this.status.textContent = parts.join(' · ');
  }

  private save(): void {
    const state: SavedState = {
      fromTs: this.fromTs,
      toTs: this.toTs,
      selected: this.selected,
      filter: this.filter,
      cursorTs: this.cursorTs,
    };
    this.transport.setState(state);
  }

  // ---- View changes ---------------------------------------------------------------------------

  setView(fromTs: number, toTs: number): void {
    if (!this.overview) return;
    const o = this.overview;
    const full = o.toTs - o.fromTs;
    let span = Math.min(Math.max(toTs - fromTs, 1e-6), full * 1.2);
    if (!(span > 0)) span = full;
    let from = fromTs;
    from = Math.max(o.fromTs - full * 0.1, Math.min(from, o.toTs + full * 0.1 - span));
    this.fromTs = from;
    this.toTs = from + span;
    this.requestFrame();
    void this.ensureData();
  }

  /** Zooms by `factor` (< 1 in) around `atTs` (the cursor, or the middle). */
  zoom(factor: number, atTs?: number): void {
    const at = atTs ?? this.cursorTs ?? (this.fromTs + this.toTs) / 2;
    const pivot = Math.min(Math.max(at, this.fromTs), this.toTs);
    this.setView(pivot - (pivot - this.fromTs) * factor, pivot + (this.toTs - pivot) * factor);
  }

  /** The whole trace, with a little room at both ends so first and last events are not on the edge. */
  fit(): void {
    if (!this.overview) return;
    const pad = (this.overview.toTs - this.overview.fromTs) * 0.02;
    this.setView(this.overview.fromTs - pad, this.overview.toTs + pad);
  }

  private pan(fraction: number): void {
    const d = (this.toTs - this.fromTs) * fraction;
    this.setView(this.fromTs + d, this.toTs + d);
  }

  private tsAt(x: number): number {
    return this.fromTs + ((x - L.LABEL_W) / this.plotWidth()) * (this.toTs - this.fromTs);
  }

  // ---- Selection ------------------------------------------------------------------------------

  /** The item under a point: the nearest one within a few pixels; among overlapping ones, the small one whose centre is closest. */
  hit(x: number, y: number): Drawn | undefined {
    const pad = 3;
    let best: Drawn | undefined;
    let bestScore = Infinity;
    for (const d of this.drawn) {
      if (d.kind === 'arrow' || d.kind === 'bucket') continue;
      const dx = Math.max(d.x - x, 0, x - (d.x + d.w));
      const dy = Math.max(d.y - y, 0, y - (d.y + d.h));
      if (dx > pad || dy > pad) continue;
      const small = d.w * d.h <= 400;
      const centre = Math.hypot(x - (d.x + d.w / 2), y - (d.y + d.h / 2));
      const score = (dx + dy) * 1e6 + (small ? centre : 1000 + d.w * d.h);
      if (score < bestScore) {
        best = d;
        bestScore = score;
      }
    }
    return best;
  }

  select(target: Drawn | undefined): void {
    if (!target) return;
    if (target.kind === 'state' && target.state) {
      this.selected = { kind: 'state', ...target.state };
      void this.showState(target.state);
    } else {
      this.selected = { kind: 'event', id: target.id };
      void this.showEvent(target.id);
    }
    this.requestFrame();
  }

  async selectEvent(id: number, reveal = true): Promise<void> {
    this.selected = { kind: 'event', id };
    const detail = await this.showEvent(id);
    if (detail && reveal) this.reveal(detail.mark.ts);
    this.requestFrame();
  }

  private reveal(ts: number): void {
    if (ts < this.fromTs || ts > this.toTs) {
      const span = this.toTs - this.fromTs;
      this.setView(ts - span / 2, ts + span / 2);
    }
  }

  private actions(): DetailActions {
    return {
      canOpenEditors: !this.inBrowser,
      openSource: (file, line, column) => this.transport.send({ type: 'openSource', file, line, column }),
      selectEvent: (id) => void this.selectEvent(id),
      stepState: (index) => this.stepState(index),
    };
  }

  private async showEvent(id: number): Promise<EventDetail | undefined> {
    this.stateView = null;
    try {
      const { detail } = await this.client.request({ type: 'event', eventId: id });
      if (this.selected?.kind !== 'event' || this.selected.id !== id) return detail;
      this.setDetails(renderEvent(detail, this.overview!.fromTs, this.actions()));
      return detail;
    } catch (e) {
      this.setDetails(el('p', { class: 'error' }, (e as Error).message));
      return undefined;
    }
  }

  private async showState(s: { pid: number; tid: number; objectId: number; callEid: number }): Promise<void> {
    const { timeline } = await this.client.request({
      type: 'stateTimeline',
      pid: s.pid,
      tid: s.tid,
      objectId: s.objectId,
    });
    const index = Math.max(
      0,
      timeline.steps.findIndex((step) => step.callEid === s.callEid),
    );
    this.stateView = { timeline, index };
    this.renderState();
  }

  private stepState(index: number): void {
    const v = this.stateView;
    if (!v || index < 0 || index >= v.timeline.steps.length) return;
    v.index = index;
    const step = v.timeline.steps[index];
    this.selected = {
      kind: 'state',
      pid: v.timeline.pid,
      tid: v.timeline.tid,
      objectId: v.timeline.objectId,
      callEid: step.callEid,
    };
    this.cursorTs = step.ts;
    this.reveal(step.ts);
    this.renderState();
    this.requestFrame();
  }

  private renderState(): void {
    if (!this.stateView) return;
    this.setDetails(
      renderStateTimeline(
        this.stateView.timeline,
        this.stateView.index,
        this.overview!.fromTs,
        this.actions(),
      ),
    );
  }

  private setDetails(node: HTMLElement): void {
    this.details.replaceChildren(node);
    this.detailText = node.textContent ?? '';
  }

  /** Scrubbing: the state timeline follows the cursor to the last step at or before it. */
  private scrub(ts: number): void {
    this.cursorTs = ts;
    const v = this.stateView;
    if (v) {
      let index = -1;
      v.timeline.steps.forEach((s, i) => {
        if (s.ts <= ts) index = i;
      });
      if (index >= 0 && index !== v.index) {
        v.index = index;
        this.selected = {
          kind: 'state',
          pid: v.timeline.pid,
          tid: v.timeline.tid,
          objectId: v.timeline.objectId,
          callEid: v.timeline.steps[index].callEid,
        };
        this.renderState();
      }
    }
    this.requestFrame();
  }

  private async moveSelection(direction: 'next' | 'prev'): Promise<void> {
    if (this.selected?.kind !== 'event') {
      const first = this.drawn
        .filter((d) => d.kind === 'event' || d.kind === 'span')
        .sort((a, b) => a.ts - b.ts)[0];
      if (first) this.select(first);
      return;
    }
    const { event } = await this.client.request({ type: 'neighbor', eventId: this.selected.id, direction });
    if (event) await this.selectEvent(event.id);
  }

  /** Up and down: the nearest drawn event or call in the lane above or below. */
  private moveLane(step: 1 | -1): void {
    const current = this.drawn.find(
      (d) => this.selected?.kind === 'event' && d.id === this.selected.id && d.kind !== 'arrow',
    );
    if (!current) return void this.moveSelection('next');
    const keys = this.overview!.lanes.map((l) => l.key);
    const index = keys.indexOf(current.lane) + step;
    if (index < 0 || index >= keys.length) return;
    const candidates = this.drawn.filter(
      (d) => d.lane === keys[index] && (d.kind === 'event' || d.kind === 'span'),
    );
    candidates.sort((a, b) => Math.abs(a.ts - current.ts) - Math.abs(b.ts - current.ts));
    if (candidates[0]) this.select(candidates[0]);
  }

  private async search(text: string): Promise<void> {
    if (!text.trim()) return void this.results.replaceChildren();
    const { hits, more } = await this.client.request({ type: 'search', text, limit: 200 });
    const item = (h: EventMark) => {
      const b = el(
        'button',
        { type: 'button', class: 'link' },
        `${formatOffset(h.ts, this.overview!.fromTs)}  ${h.typeName} ${h.label}`,
      );
      b.addEventListener('click', () => void this.selectEvent(h.id));
      return el('li', {}, b);
    };
    this.results.replaceChildren(
      el('h3', {}, `${hits.length}${more ? '+' : ''} matches for “${text}”`),
      el('ol', { class: 'results', 'data-test': 'search-results' }, ...hits.map(item)),
    );
    const next = hits.find((h) => h.ts > (this.cursorTs ?? -Infinity)) ?? hits[0];
    if (next) {
      this.cursorTs = next.ts;
      await this.selectEvent(next.id);
    }
  }

  // ---- Input ----------------------------------------------------------------------------------

  private bindInput(): void {
    const c = this.canvas;
    let drag: { x: number; fromTs: number; toTs: number; moved: boolean; ruler: boolean } | null = null;
    c.addEventListener('pointerdown', (e) => {
      c.focus();
      c.setPointerCapture(e.pointerId);
      drag = {
        x: e.offsetX,
        fromTs: this.fromTs,
        toTs: this.toTs,
        moved: false,
        ruler: e.offsetY < L.RULER_H,
      };
      if (drag.ruler) this.scrub(this.tsAt(e.offsetX));
    });
    c.addEventListener('pointermove', (e) => {
      this.hoverX = e.offsetX;
      if (drag) {
        const dx = e.offsetX - drag.x;
        if (Math.abs(dx) > 3) drag.moved = true;
        if (drag.ruler) this.scrub(this.tsAt(e.offsetX));
        else if (drag.moved) {
          const d = (dx / this.plotWidth()) * (drag.toTs - drag.fromTs);
          this.setView(drag.fromTs - d, drag.toTs - d);
        }
      }
      const over = this.hit(e.offsetX, e.offsetY);
      c.title = over
        ? `${over.typeName}${over.label ? `: ${over.label}` : ''}\n${formatOffset(over.ts, this.overview?.fromTs ?? 0)}`
        : '';
      c.style.cursor = over ? 'pointer' : drag?.moved ? 'grabbing' : 'default';
      this.requestFrame();
    });
    c.addEventListener('pointerup', (e) => {
      if (drag && !drag.moved && !drag.ruler) {
        const target = this.hit(e.offsetX, e.offsetY);
        if (target) this.select(target);
        else if (e.offsetX > L.LABEL_W) this.scrub(this.tsAt(e.offsetX));
      }
      drag = null;
    });
    c.addEventListener('pointerleave', () => {
      this.hoverX = null;
      this.requestFrame();
    });
    c.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        if (e.ctrlKey || e.metaKey) this.zoom(Math.exp(e.deltaY * 0.002), this.tsAt(e.offsetX));
        else if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY))
          this.pan((e.shiftKey ? e.deltaY : e.deltaX) / this.plotWidth());
        else {
          this.scrollY += e.deltaY;
          this.requestFrame();
        }
      },
      { passive: false },
    );
    c.addEventListener('keydown', (e) => void this.onKey(e));
    this.filterBox.addEventListener('input', () => {
      this.filter = this.filterBox.value.trim();
      this.requestFrame();
    });
    this.filterBox.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') void this.search(this.filterBox.value);
      if (e.key === 'Escape') c.focus();
    });
    document.addEventListener('keydown', (e) => {
      if (e.key === '/' && document.activeElement !== this.filterBox) {
        e.preventDefault();
        this.filterBox.focus();
        this.filterBox.select();
      }
    });
  }

  private async onKey(e: KeyboardEvent): Promise<void> {
    const handled = [
      'ArrowRight',
      'ArrowLeft',
      'ArrowUp',
      'ArrowDown',
      '+',
      '=',
      '-',
      '_',
      '0',
      'Enter',
      'Escape',
      'PageUp',
      'PageDown',
    ];
    if (!handled.includes(e.key)) return;
    e.preventDefault();
    switch (e.key) {
      case 'ArrowRight':
        return e.shiftKey ? this.pan(0.2) : this.moveSelection('next');
      case 'ArrowLeft':
        return e.shiftKey ? this.pan(-0.2) : this.moveSelection('prev');
      case 'ArrowUp':
        return this.moveLane(-1);
      case 'ArrowDown':
        return this.moveLane(1);
      case '+':
      case '=':
        return this.zoom(0.5);
      case '-':
      case '_':
        return this.zoom(2);
      case '0':
        return this.fit();
      case 'PageUp':
      case 'PageDown':
        this.scrollY += (e.key === 'PageUp' ? -1 : 1) * this.canvas.clientHeight * 0.8;
        return this.requestFrame();
      case 'Escape':
        this.selected = null;
        this.stateView = null;
        this.details.replaceChildren();
        this.detailText = '';
        return this.requestFrame();
      case 'Enter': {
        const open = this.details.querySelector<HTMLButtonElement>('[data-test=open-source]');
        open?.click();
        return;
      }
    }
  }

  inspect(): Inspection {
    return {
      state: document.body.dataset.state ?? '',
      message: document.querySelector('[data-test=message]')?.textContent ?? '',
      view: { fromTs: this.fromTs, toTs: this.toTs },
      lanes: (this.overview?.lanes ?? []).map((l) => {
        const w = this.window?.lanes.find((x) => x.key === l.key);
        return { key: l.key, label: l.label, mode: w?.mode ?? 'none', total: w?.total ?? 0 };
      }),
      drawn: this.drawn,
      selected: this.selected,
      detailText: this.detailText,
      frames: this.frames,
      lastFrameMs: this.lastFrameMs,
      firstFrameAt: this.firstFrameAt,
      windowsLoaded: this.windowsLoaded,
      windowMs: [...this.windowMs],
      pending: this.pending,
    };
  }

  /** For tests: the filter as if typed. */
  setFilter(text: string): void {
    this.filterBox.value = text;
    this.filter = text.trim();
    this.requestFrame();
  }

  /** For tests and the benchmark: how many drawn items match a text. */
  countMatches(text: string): number {
    return this.drawn.filter((d) => matchesFilter(text, d.label, d.typeName)).length;
  }
}

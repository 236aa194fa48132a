/**
 * The timeline page: asks the host for the overview, then for windows of data around what is on
 * screen (a margin on each side, so panning draws from data already here), draws them on a canvas,
 * and keeps the selection, filter, cursor and view in the host's page state.
 */
import type { MetricName, Overview } from '../protocol';
import { PROTOCOL_VERSION } from '../protocol';
import type { Client } from './client';
import { HostError } from './client';
import { DetailsPanel } from './detailsPanel';
import { inspection } from './inspection';
import type { Inspection } from './inspection';
import * as L from './layout';
import { draw } from './render';
import type { Drawn, Selected } from './render';
import { wireInput } from './appInput';
import { hitTest } from './navigation';
import { buildShell, messageNode } from './shell';
import type { PaneSizes, Splitter } from './splitter';
import { statusLine } from './statusLine';
import { readTheme } from './theme';
import { TimeView } from './timeView';
import { WindowFetcher } from './windowFetcher';
import type { Transport } from './transport';

interface SavedState {
  fromTs: number;
  toTs: number;
  selected: Selected | null;
  filter: string;
  cursorTs: number | null;
  /** The details pane's size, when the user changed it (older saved states have none). */
  pane?: PaneSizes;
}

export class App {
  private overview: Overview | null = null;
  private readonly view = new TimeView(() => {
    this.requestFrame();
    void this.ensureData();
  });
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
  private frames = 0;
  /** The frame count when the last window arrived: a later frame has drawn it. */
  private framesAtLoad = 0;
  private lastFrameMs = 0;
  private firstFrameAt: number | null = null;
  private theme = readTheme();
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly panel: DetailsPanel;
  private readonly data: WindowFetcher;
  private readonly status: HTMLElement;
  private readonly filterBox: HTMLInputElement;
  private readonly nodes: HTMLElement[];
  private readonly splitter: Splitter;
  private polling: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly client: Client,
    private readonly transport: Transport,
    private readonly root: HTMLElement,
    inVsCode: boolean,
  ) {
    const shell = buildShell({ zoom: (factor) => this.zoom(factor), fit: () => this.fit() });
    ({
      filterBox: this.filterBox,
      status: this.status,
      canvas: this.canvas,
      nodes: this.nodes,
      splitter: this.splitter,
    } = shell);
    const { details, results } = shell;
    this.ctx = this.canvas.getContext('2d')!;
    this.data = new WindowFetcher(
      client,
      (window) => {
        this.framesAtLoad = this.frames;
        for (const lane of window.lanes) {
          const depth = lane.spans.reduce((d, sp) => Math.max(d, sp.depth + 1), 0);
          if (depth > (this.flameRows.get(lane.key) ?? 0)) this.flameRows.set(lane.key, depth);
        }
        this.relayout();
      },
      (message) => this.fail(message),
    );
    this.panel = new DetailsPanel(client, details, results, {
      origin: () => this.overview?.fromTs ?? 0,
      canOpenEditors: inVsCode,
      openSource: (file, line, column) => this.transport.send({ type: 'openSource', file, line, column }),
      selectEvent: (id) => void this.selectEvent(id),
      isSelected: (id) => this.selected?.kind === 'event' && this.selected.id === id,
      stepped: (selected, ts, byCursor) => {
        this.selected = selected;
        if (!byCursor) {
          this.cursorTs = ts;
          this.view.reveal(ts);
        }
        this.requestFrame();
      },
    });
    root.replaceChildren(...this.nodes);
    wireInput(this.canvas, this.filterBox, {
      client,
      panel: this.panel,
      view: this.view,
      drawn: () => this.drawn,
      selected: () => this.selected,
      laneKeys: () => (this.overview?.lanes ?? []).map((l) => l.key),
      cursorTs: () => this.cursorTs,
      setCursor: (ts) => (this.cursorTs = ts),
      select: (d) => this.select(d),
      selectEvent: (id) => this.selectEvent(id),
      originTs: () => this.overview?.fromTs ?? 0,
      plotWidth: () => this.plotWidth(),
      labelW: () => this.labelW(),
      tsAt: (x) => this.tsAt(x),
      hit: (x, y) => this.hit(x, y),
      scrub: (ts) => this.scrub(ts),
      setView: (a, b) => this.setView(a, b),
      zoom: (factor, at) => this.zoom(factor, at),
      fit: () => this.fit(),
      scrollBy: (dy) => this.update(() => (this.scrollY += dy)),
      hover: (x) => this.update(() => (this.hoverX = x)),
      clearSelection: () =>
        this.update(() => {
          this.selected = null;
          this.panel.clear();
        }),
      filterChanged: (text) => this.update(() => (this.filter = text)),
    });
    new ResizeObserver(() => this.requestFrame()).observe(this.canvas);
    // VS Code switches the body's theme class (and the --vscode-* variables) when the theme changes.
    new MutationObserver(() => {
      this.theme = readTheme();
      this.requestFrame();
    }).observe(document.body, { attributes: true, attributeFilter: ['class', 'style'] });
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
      this.splitter.restore(saved?.pane);
      this.view.setBounds(overview);
      if (saved && saved.toTs > saved.fromTs) {
        ({ selected: this.selected, filter: this.filter, cursorTs: this.cursorTs } = saved);
        this.view.restore(saved);
        this.filterBox.value = this.filter;
      } else {
        this.view.restore(this.view.whole());
      }
      document.body.dataset.state = 'ready';
      this.relayout();
      await this.ensureData();
      if (this.selected?.kind === 'event') void this.panel.showEvent(this.selected.id);
    } catch (e) {
      this.fail(e instanceof HostError ? e.message : `The timeline failed: ${(e as Error).message}`);
    }
  }

  private fail(message: string): void {
    this.showMessage('error', message);
  }

  private showMessage(state: 'error' | 'empty', message: string): void {
    document.body.dataset.state = state;
    this.root.replaceChildren(messageNode(state, message));
  }

  // ---- Data -----------------------------------------------------------------------------------

  private ensureData(): Promise<void> {
    return this.data.ensure(() => ({
      fromTs: this.view.fromTs,
      toTs: this.view.toTs,
      plotWidth: this.plotWidth(),
    }));
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
    this.overview = overview;
    this.view.grow(previous, overview);
    this.data.reset();
    this.relayout();
    await this.ensureData();
  }

  /** Shows the timeline again from the start, for a trace that was not there or is another one. */
  private async restart(): Promise<void> {
    this.overview = null;
    this.view.setBounds(null);
    this.data.reset();
    this.selected = null;
    this.panel.clear();
    this.flameRows.clear();
    this.transport.setState(undefined);
    this.root.replaceChildren(...this.nodes);
    document.body.dataset.state = 'loading';
    await this.start();
  }

  private relayout(): void {
    if (!this.overview) return;
    const has = new Set<MetricName>((this.data.metrics?.series ?? []).map((s) => s.name));
    const { rows, height } = L.layout(this.overview, this.flameRows, has);
    this.rows = rows;
    this.contentHeight = height;
    this.requestFrame();
  }

  // ---- Drawing --------------------------------------------------------------------------------

  private labelW(): number {
    return L.labelWidth(this.canvas.clientWidth);
  }

  private plotWidth(): number {
    return Math.max(10, this.canvas.clientWidth - this.labelW());
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
      window: this.data.window,
      metrics: this.data.metrics,
      fromTs: this.view.fromTs,
      toTs: this.view.toTs,
      width,
      labelW: this.labelW(),
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
    if (this.data.window && this.firstFrameAt === null) {
      this.firstFrameAt = performance.now();
      document.body.dataset.firstFrame = 'yes';
    }
    this.updateStatus();
    this.save();
  }

  private updateStatus(): void {
    if (!this.overview) return;
    const { overview, view, cursorTs, filter, drawn } = this;
    this.status.textContent = statusLine({
      overview,
      view,
      cursorTs,
      filter,
      drawn,
      window: this.data.window,
    });
  }

  private save(): void {
    const state: SavedState = {
      fromTs: this.view.fromTs,
      toTs: this.view.toTs,
      selected: this.selected,
      filter: this.filter,
      cursorTs: this.cursorTs,
      pane: this.splitter.sizes,
    };
    this.transport.setState(state);
  }

  // ---- View changes ---------------------------------------------------------------------------

  setView(fromTs: number, toTs: number): void {
    this.view.set(fromTs, toTs);
  }

  /** Zooms by `factor` (< 1 in) around `atTs` (the cursor, or the middle). */
  zoom(factor: number, atTs?: number): void {
    this.view.zoom(factor, atTs ?? this.cursorTs ?? (this.view.fromTs + this.view.toTs) / 2);
  }

  fit(): void {
    this.view.fit();
  }

  private tsAt(x: number): number {
    return this.view.tsAt(x, this.labelW(), this.plotWidth());
  }

  // ---- Selection ------------------------------------------------------------------------------

  hit(x: number, y: number): Drawn | undefined {
    return hitTest(this.drawn, x, y);
  }

  select(target: Drawn | undefined): void {
    if (!target) return;
    if (target.kind === 'state' && target.state) {
      this.selected = { kind: 'state', ...target.state };
      void this.panel.showState({ kind: 'state', ...target.state });
    } else {
      this.selected = { kind: 'event', id: target.id };
      void this.panel.showEvent(target.id);
    }
    this.requestFrame();
  }

  async selectEvent(id: number, reveal = true): Promise<void> {
    this.selected = { kind: 'event', id };
    const detail = await this.panel.showEvent(id);
    if (detail && reveal) this.view.reveal(detail.mark.ts);
    this.requestFrame();
  }

  private scrub(ts: number): void {
    this.cursorTs = ts;
    this.panel.follow(ts);
    this.requestFrame();
  }

  inspect(): Inspection {
    return inspection({
      overview: this.overview,
      window: this.data.window,
      view: this.view,
      drawn: this.drawn,
      selected: this.selected,
      filter: this.filter,
      detailText: this.panel.text,
      frames: {
        count: this.frames,
        lastMs: this.lastFrameMs,
        firstAt: this.firstFrameAt,
        requested: this.frameRequested,
        atLoad: this.framesAtLoad,
      },
      data: this.data,
    });
  }

  redraw(): void {
    this.requestFrame();
  }

  /** A change of what is drawn, then a frame. */
  private update(change: () => unknown): void {
    change();
    this.requestFrame();
  }
}

/**
 * The handle between the canvas and the details pane. The pane sits on the right in a wide panel
 * and below the canvas in a narrow one (VS Code panels are often ~500 px wide), chosen by the
 * `NARROW` media query that timeline.css uses too. Dragging the handle, or its arrow keys, sets the
 * pane's size as a CSS variable on the body element; the size is clamped so the canvas always keeps
 * a usable part of the body, whatever the panel's size.
 */
import { el } from './details';

/** Below this width the details pane goes under the canvas (the same query as timeline.css). */
export const NARROW = '(max-width: 720px)';
/** What the canvas keeps at least, beside the pane (px wide) or above it (px high). */
export const MIN_PLOT = { width: 320, height: 160 } as const;
const MIN_PANE = { width: 180, height: 60 } as const;
const KEY_STEP = 24;

/** The sizes the user gave the pane, in px: beside the canvas (`w`) and below it (`h`). */
export interface PaneSizes {
  w?: number;
  h?: number;
}

export class Splitter {
  readonly element: HTMLElement;
  /** What setSize() set, kept in the page's saved state. */
  readonly sizes: PaneSizes = {};
  private readonly narrow = window.matchMedia(NARROW);

  constructor(
    private readonly body: HTMLElement,
    private readonly pane: HTMLElement,
  ) {
    this.element = el('div', {
      class: 'splitter',
      role: 'separator',
      tabindex: '0',
      'aria-label': 'Resize the details pane (arrow keys)',
      'data-test': 'splitter',
    });
    this.orient();
    this.narrow.addEventListener('change', () => this.orient());
    this.bind();
  }

  private get vertical(): boolean {
    return !this.narrow.matches;
  }

  private orient(): void {
    this.element.setAttribute('aria-orientation', this.vertical ? 'vertical' : 'horizontal');
  }

  /** Sets the pane's size in px (its width beside the canvas, its height below it), clamped. */
  setSize(px: number): void {
    const box = this.body.getBoundingClientRect();
    const [total, minPlot, minPane] = this.vertical
      ? [box.width, MIN_PLOT.width, MIN_PANE.width]
      : [box.height, MIN_PLOT.height, MIN_PANE.height];
    const size = Math.round(Math.max(minPane, Math.min(px, total - minPlot)));
    this.apply(this.vertical ? 'w' : 'h', size);
  }

  /** Puts back sizes saved before (a panel hidden and shown, or reloaded); CSS clamps them to the panel. */
  restore(sizes: PaneSizes | undefined): void {
    if (typeof sizes?.w === 'number') this.apply('w', sizes.w);
    if (typeof sizes?.h === 'number') this.apply('h', sizes.h);
  }

  private apply(which: 'w' | 'h', size: number): void {
    this.sizes[which] = size;
    // The canvas's ResizeObserver redraws it at its new size.
    this.body.style.setProperty(which === 'w' ? '--cs-side-w' : '--cs-side-h', `${size}px`);
  }

  private currentSize(): number {
    const r = this.pane.getBoundingClientRect();
    return this.vertical ? r.width : r.height;
  }

  private bind(): void {
    const handle = this.element;
    let dragging = false;
    handle.addEventListener('pointerdown', (e) => {
      dragging = true;
      handle.setPointerCapture(e.pointerId);
      e.preventDefault();
    });
    handle.addEventListener('pointermove', (e) => {
      if (!dragging) return;
      const box = this.body.getBoundingClientRect();
      this.setSize(this.vertical ? box.right - e.clientX : box.bottom - e.clientY);
    });
    const stop = () => (dragging = false);
    handle.addEventListener('pointerup', stop);
    handle.addEventListener('pointercancel', stop);
    handle.addEventListener('keydown', (e) => {
      // The pane grows towards the canvas: left in a wide panel, up in a narrow one.
      const grow = this.vertical ? 'ArrowLeft' : 'ArrowUp';
      const shrink = this.vertical ? 'ArrowRight' : 'ArrowDown';
      if (e.key !== grow && e.key !== shrink) return;
      e.preventDefault();
      this.setSize(this.currentSize() + (e.key === grow ? KEY_STEP : -KEY_STEP));
    });
  }
}

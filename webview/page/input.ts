/**
 * Mouse and keyboard of the timeline: drag to pan, Ctrl+wheel to zoom, Shift+wheel to pan, wheel
 * to scroll lanes, click to select, drag on the ruler to scrub; arrows move between events, + and -
 * zoom, 0 fits, / searches, Enter opens the source, Escape clears.
 */
import { RULER_H } from './layout';
import type { Drawn } from './render';

/** What the handlers ask of the timeline. */
export interface InputTarget {
  view(): { fromTs: number; toTs: number };
  plotWidth(): number;
  /** Where the plot starts: left of it are the rows' labels. */
  labelW(): number;
  tsAt(x: number): number;
  hit(x: number, y: number): Drawn | undefined;
  /** The tooltip of a drawn item. */
  describe(d: Drawn): string;
  select(d: Drawn): void;
  scrub(ts: number): void;
  setView(fromTs: number, toTs: number): void;
  zoom(factor: number, atTs?: number): void;
  pan(fraction: number): void;
  scroll(dy: number): void;
  hover(x: number | null): void;
  fit(): void;
  moveSelection(direction: 'next' | 'prev'): Promise<void>;
  moveLane(step: 1 | -1): void;
  clearSelection(): void;
  openSelectionSource(): void;
  filterChanged(text: string): void;
  search(text: string): Promise<void>;
}

export function bindInput(canvas: HTMLCanvasElement, filterBox: HTMLInputElement, t: InputTarget): void {
  const c = canvas;
  let drag: { x: number; fromTs: number; toTs: number; moved: boolean; ruler: boolean } | null = null;
  c.addEventListener('pointerdown', (e) => {
    c.focus();
    c.setPointerCapture(e.pointerId);
    drag = { x: e.offsetX, ...t.view(), moved: false, ruler: e.offsetY < RULER_H };
    if (drag.ruler) t.scrub(t.tsAt(e.offsetX));
  });
  c.addEventListener('pointermove', (e) => {
    t.hover(e.offsetX);
    if (drag) {
      const dx = e.offsetX - drag.x;
      if (Math.abs(dx) > 3) drag.moved = true;
      if (drag.ruler) t.scrub(t.tsAt(e.offsetX));
      else if (drag.moved) {
        const d = (dx / t.plotWidth()) * (drag.toTs - drag.fromTs);
        t.setView(drag.fromTs - d, drag.toTs - d);
      }
    }
    const over = t.hit(e.offsetX, e.offsetY);
    c.title = over ? t.describe(over) : '';
    c.style.cursor = over ? 'pointer' : drag?.moved ? 'grabbing' : 'default';
  });
  c.addEventListener('pointerup', (e) => {
    if (drag && !drag.moved && !drag.ruler) {
      const target = t.hit(e.offsetX, e.offsetY);
      if (target) t.select(target);
      else if (e.offsetX > t.labelW()) t.scrub(t.tsAt(e.offsetX));
    }
    drag = null;
  });
  c.addEventListener('pointerleave', () => t.hover(null));
  c.addEventListener(
    'wheel',
    (e) => {
      e.preventDefault();
      if (e.ctrlKey || e.metaKey) t.zoom(Math.exp(e.deltaY * 0.002), t.tsAt(e.offsetX));
      else if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY))
        t.pan((e.shiftKey ? e.deltaY : e.deltaX) / t.plotWidth());
      else t.scroll(e.deltaY);
    },
    { passive: false },
  );
  c.addEventListener('keydown', (e) => void onKey(e, c, t));
  filterBox.addEventListener('input', () => t.filterChanged(filterBox.value.trim()));
  filterBox.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') void t.search(filterBox.value);
    if (e.key === 'Escape') c.focus();
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === '/' && document.activeElement !== filterBox) {
      e.preventDefault();
      filterBox.focus();
      filterBox.select();
    }
  });
}

const KEYS = new Set(['ArrowRight', 'ArrowLeft', 'ArrowUp', 'ArrowDown', '+', '=', '-', '_', '0']);
const MORE_KEYS = new Set(['Enter', 'Escape', 'PageUp', 'PageDown']);

async function onKey(e: KeyboardEvent, canvas: HTMLCanvasElement, t: InputTarget): Promise<void> {
  if (!KEYS.has(e.key) && !MORE_KEYS.has(e.key)) return;
  e.preventDefault();
  switch (e.key) {
    case 'ArrowRight':
      return e.shiftKey ? t.pan(0.2) : t.moveSelection('next');
    case 'ArrowLeft':
      return e.shiftKey ? t.pan(-0.2) : t.moveSelection('prev');
    case 'ArrowUp':
      return t.moveLane(-1);
    case 'ArrowDown':
      return t.moveLane(1);
    case '+':
    case '=':
      return t.zoom(0.5);
    case '-':
    case '_':
      return t.zoom(2);
    case '0':
      return t.fit();
    case 'PageUp':
    case 'PageDown':
      return t.scroll((e.key === 'PageUp' ? -1 : 1) * canvas.clientHeight * 0.8);
    case 'Escape':
      return t.clearSelection();
    case 'Enter':
      return t.openSelectionSource();
  }
}

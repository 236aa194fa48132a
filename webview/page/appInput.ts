/**
 * What the mouse and keys do to this page: input.ts reads the gestures, this binds them to the
 * view (zoom, pan, scroll, scrub), the selection (keyboard moves, search) and the filter.
 */
import { formatOffset } from './format';
import { bindInput } from './input';
import type { Drawn } from './render';
import { moveLane, moveSelection, search } from './selectionMoves';
import type { MoveTarget } from './selectionMoves';
import type { TimeView } from './timeView';

/** The page as the input sees it. */
export interface InputPage extends MoveTarget {
  readonly view: TimeView;
  originTs(): number;
  plotWidth(): number;
  labelW(): number;
  tsAt(x: number): number;
  hit(x: number, y: number): Drawn | undefined;
  scrub(ts: number): void;
  setView(fromTs: number, toTs: number): void;
  zoom(factor: number, atTs?: number): void;
  fit(): void;
  scrollBy(dy: number): void;
  hover(x: number | null): void;
  clearSelection(): void;
  filterChanged(text: string): void;
}

export function wireInput(canvas: HTMLCanvasElement, filterBox: HTMLInputElement, p: InputPage): void {
  bindInput(canvas, filterBox, {
    view: () => ({ fromTs: p.view.fromTs, toTs: p.view.toTs }),
    plotWidth: () => p.plotWidth(),
    labelW: () => p.labelW(),
    tsAt: (x) => p.tsAt(x),
    hit: (x, y) => p.hit(x, y),
    describe: (d) => `${d.typeName}${d.label ? `: ${d.label}` : ''}\n${formatOffset(d.ts, p.originTs())}`,
    select: (d) => p.select(d),
    scrub: (ts) => p.scrub(ts),
    setView: (a, b) => p.setView(a, b),
    zoom: (factor, at) => p.zoom(factor, at),
    pan: (fraction) => p.view.pan(fraction),
    scroll: (dy) => p.scrollBy(dy),
    hover: (x) => p.hover(x),
    fit: () => p.fit(),
    moveSelection: (direction) => moveSelection(p, direction),
    moveLane: (step) => moveLane(p, step),
    clearSelection: () => p.clearSelection(),
    openSelectionSource: () => p.panel.openSource(),
    filterChanged: (text) => p.filterChanged(text),
    search: (text) => search(p, text),
  });
}

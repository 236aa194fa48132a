/** What a frame of the timeline is drawn from, and what it drew. */
import type { MetricsData, Overview, WindowData } from '../protocol';
import type { Row } from './layout';
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
  /** The label column's width: the plot starts there. */
  labelW: number;
  height: number;
  scrollY: number;
  rows: Row[];
  selected: Selected | null;
  filter: string;
  cursorTs: number | null;
  hoverX: number | null;
  theme: Theme;
}

/** What the row painters of one frame share: the canvas, the scene, time → x, and what was drawn. */
export interface Frame {
  ctx: CanvasRenderingContext2D;
  s: Scene;
  x: (ts: number) => number;
  /** Filled in as items are drawn, for hit testing and the inspection API. */
  drawn: Drawn[];
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

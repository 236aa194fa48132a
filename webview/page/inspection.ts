/**
 * The page's inspection API, `window.__cinescopeTimeline`: what is on screen as data, for the
 * Chromium tests and the benchmark, so they check what was drawn without hit-testing pixels, and
 * wait on the page's own state (frames drawn, requests in flight) rather than on the clock.
 */
import type { Overview, WindowData } from '../protocol';
import type { App } from './app';
import type { Drawn, Selected } from './render';

export interface Inspection {
  state: string;
  message: string;
  view: { fromTs: number; toTs: number };
  lanes: Array<{ key: string; label: string; mode: string; total: number }>;
  drawn: Drawn[];
  selected: Selected | null;
  /** The filter the drawing applies (trimmed), and how many drawn items match it. */
  filter: string;
  matches: number;
  detailText: string;
  /** Frames painted since the page loaded. */
  frames: number;
  lastFrameMs: number;
  firstFrameAt: number | null;
  windowsLoaded: number;
  /** Round trips of the last window requests (window + metrics), milliseconds. */
  windowMs: number[];
  pending: number;
  /** No request in flight, no frame waiting, and the last frame drew the last data received. */
  quiet: boolean;
}

/** What the App knows that an inspection reports. */
export interface InspectionParts {
  overview: Overview | null;
  window: WindowData | null;
  view: { fromTs: number; toTs: number };
  drawn: Drawn[];
  selected: Selected | null;
  filter: string;
  detailText: string;
  frames: { count: number; lastMs: number; firstAt: number | null; requested: boolean; atLoad: number };
  data: { loaded: number; roundTrips: readonly number[]; pending: number };
}

export function inspection(p: InspectionParts): Inspection {
  return {
    state: document.body.dataset.state ?? '',
    message: document.querySelector('[data-test=message]')?.textContent ?? '',
    view: { ...p.view },
    lanes: (p.overview?.lanes ?? []).map((l) => {
      const w = p.window?.lanes.find((x) => x.key === l.key);
      return { key: l.key, label: l.label, mode: w?.mode ?? 'none', total: w?.total ?? 0 };
    }),
    drawn: p.drawn,
    selected: p.selected,
    filter: p.filter,
    matches: p.filter ? p.drawn.filter((d) => d.matches).length : 0,
    detailText: p.detailText,
    frames: p.frames.count,
    lastFrameMs: p.frames.lastMs,
    firstFrameAt: p.frames.firstAt,
    windowsLoaded: p.data.loaded,
    windowMs: [...p.data.roundTrips],
    pending: p.data.pending,
    quiet: p.data.pending === 0 && !p.frames.requested && p.frames.count > p.frames.atLoad,
  };
}

export interface InspectionApi {
  inspect(): Inspection;
  /** Asks for a frame, so a test can wait for one drawn after its action. */
  redraw(): void;
  app: App;
}

declare global {
  interface Window {
    /** The page's inspection hooks, for tests and the benchmark. */
    __cinescopeTimeline?: InspectionApi;
  }
}

export function exposeInspection(app: App): void {
  window.__cinescopeTimeline = { inspect: () => app.inspect(), redraw: () => app.redraw(), app };
}

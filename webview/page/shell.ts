/** The page's elements: a toolbar (filter, zoom buttons, status), the canvas, the handle, the side panel. */
import { el } from './details';
import { HINT } from './detailsPanel';
import { icon } from './icons';
import type { IconName } from './icons';
import { Splitter } from './splitter';

export interface Shell {
  /** The top-level nodes, put back in the page when it leaves a message. */
  nodes: HTMLElement[];
  filterBox: HTMLInputElement;
  status: HTMLElement;
  canvas: HTMLCanvasElement;
  details: HTMLElement;
  results: HTMLElement;
  splitter: Splitter;
}

export function buildShell(actions: { zoom(factor: number): void; fit(): void }): Shell {
  const filterBox = el('input', {
    type: 'search',
    id: 'filter',
    placeholder: 'Filter / search  ( / )',
    'aria-label': 'Filter events',
  }) as HTMLInputElement;
  const button = (glyph: IconName, title: string, onClick: () => void) => {
    const b = el('button', { type: 'button', class: 'icon', title, 'aria-label': title }, icon(glyph));
    b.addEventListener('click', onClick);
    return b;
  };
  const status = el('span', { class: 'status-text', role: 'status' });
  const canvas = el('canvas', {
    id: 'timeline',
    tabindex: '0',
    'aria-label': 'Timeline: arrows move between events, + and - zoom, / searches',
  }) as HTMLCanvasElement;
  const details = el('aside', { id: 'details', 'aria-live': 'polite' }, el('p', { class: 'hint' }, HINT));
  const results = el('div', { id: 'results' });
  const side = el('div', { class: 'side' }, results, details);
  const body = el('main', { class: 'body' });
  const splitter = new Splitter(body, side);
  body.append(el('div', { class: 'plot' }, canvas), splitter.element, side);
  const nodes = [
    el(
      'header',
      { class: 'toolbar' },
      filterBox,
      button('zoom-out', 'Zoom out (-)', () => actions.zoom(2)),
      button('zoom-in', 'Zoom in (+)', () => actions.zoom(0.5)),
      button('screen-full', 'Show the whole trace (0)', () => actions.fit()),
      status,
    ),
    body,
  ];
  return { nodes, filterBox, status, canvas, details, results, splitter };
}

/** What the page shows instead of the timeline: why the trace cannot be shown, or that it is empty. */
export function messageNode(state: 'error' | 'empty', message: string): HTMLElement {
  return el(
    'div',
    { class: `message ${state}`, role: 'alert', 'data-test': 'message' },
    el('h2', {}, state === 'empty' ? 'Nothing recorded' : 'This trace cannot be shown'),
    el('p', {}, message),
  );
}

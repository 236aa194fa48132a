/** The page's elements: a toolbar (filter, zoom buttons, status), the canvas, the handle, the side panel. */
import { el } from './details';
import { HINT } from './detailsPanel';
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
  const button = (text: string, title: string, onClick: () => void) => {
    const b = el('button', { type: 'button', title, 'aria-label': title }, text);
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
      button('−', 'Zoom out (-)', () => actions.zoom(2)),
      button('+', 'Zoom in (+)', () => actions.zoom(0.5)),
      button('Fit', 'Show the whole trace (0)', () => actions.fit()),
      status,
    ),
    body,
  ];
  return { nodes, filterBox, status, canvas, details, results, splitter };
}

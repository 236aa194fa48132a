/**
 * The details panel: what the selection is, with its values, its error, the state it changed and
 * the source it came from. Built with DOM nodes and textContent only: trace data is never HTML.
 */
import type { EventDetail, StateChangeRow, StateTimeline } from '../protocol';
import { formatMs, formatOffset, formatValue, prettyValue } from './format';
import { icon } from './icons';
import type { IconName } from './icons';
import { replayState } from './stateReplay';

export interface DetailActions {
  openSource(file: string, line: number, column: number): void;
  selectEvent(id: number): void;
  stepState(index: number): void;
  /** True in VS Code, where the host opens editors; the browser shows the path. */
  canOpenEditors: boolean;
}

type Child = Node | string | null | undefined | false;

export function el(tag: string, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) if (c) node.append(c);
  return node;
}

function link(text: string, onClick: () => void, testId?: string): HTMLElement {
  const b = el('button', { type: 'button', class: 'link', ...(testId ? { 'data-test': testId } : {}) }, text);
  b.addEventListener('click', onClick);
  return b;
}

/**
 * A property path with places to wrap before each `.` and `[`: in a narrow pane the path column
 * wraps between its parts ("ledger." / "entries[0]") rather than inside a name.
 */
function breakablePath(path: string): Child[] {
  return path.split(/(?=[.[])/).flatMap((part, i) => (i === 0 ? [part] : [el('wbr'), part]));
}

function section(glyph: IconName, title: string, ...children: Child[]): HTMLElement {
  return el('section', {}, el('h3', {}, icon(glyph), title), ...children);
}

function table(rows: Array<[string, Child]>): HTMLElement {
  return el(
    'table',
    { class: 'kv' },
    ...rows.map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, v))),
  );
}

export function diffTable(changes: StateChangeRow[]): HTMLElement {
  return el(
    'table',
    { class: 'diff', 'data-test': 'diff' },
    el('tr', {}, el('th', {}, 'path'), el('th', {}, 'old'), el('th', {}, ''), el('th', {}, 'new')),
    ...changes.map((c) =>
      el(
        'tr',
        { class: `op-${c.op}` },
        el('td', { class: 'path' }, ...breakablePath(c.path)),
        el('td', { class: 'old' }, c.op === 'added' ? '—' : formatValue(c.old, 80)),
        el('td', {}, '→'),
        el('td', { class: 'new' }, c.op === 'removed' ? '—' : formatValue(c.new, 80)),
      ),
    ),
  );
}

export function renderEvent(d: EventDetail, origin: number, actions: DetailActions): HTMLElement {
  const m = d.mark;
  const parts: Child[] = [
    el('h2', {}, `${m.typeName}${m.label ? ` · ${m.label}` : ''}`),
    table([
      ['time', `${formatOffset(m.ts, origin)}`],
      ['thread', `pid ${m.pid}, thread ${m.tid}`],
      ['event', `#${m.id} (eid ${d.eid}${d.parent ? `, in call ${d.parent}` : ''})`],
    ]),
  ];
  if (d.source) {
    const where = `${d.source.file}:${d.source.line}:${d.source.column}`;
    const s = d.source;
    parts.push(
      el(
        'p',
        { class: 'source' },
        link(
          actions.canOpenEditors ? 'Open source' : 'Source',
          () => actions.openSource(s.file, s.line, s.column),
          'open-source',
        ),
        ' ',
        el('code', { 'data-test': 'source-path' }, where),
      ),
    );
  }
  if (d.call) {
    const c = d.call;
    const rows: Array<[string, Child]> = [['arguments', el('code', {}, formatValue(c.args, 400))]];
    if (c.outcome === 'returned') rows.push(['returned', el('code', {}, formatValue(c.returned, 400))]);
    if (c.outcome === 'threw')
      rows.push(['threw', el('code', { class: 'error' }, formatValue(c.threw, 400))]);
    if (c.outcome === 'open') rows.push(['outcome', 'no return recorded']);
    if (c.endTs !== null) rows.push(['duration', formatMs(c.endTs - m.ts)]);
    parts.push(section('symbol-method', 'Call', table(rows)));
  }
  if (d.error) {
    parts.push(
      section(
        'error',
        'Error',
        el(
          'p',
          { class: 'error', 'data-test': 'error-message' },
          `${d.error.name ? `${d.error.name}: ` : ''}${d.error.message}`,
        ),
        d.error.stack ? el('pre', { class: 'stack', 'data-test': 'stack' }, d.error.stack) : null,
      ),
    );
  }
  if (d.peer) {
    const peer = d.peer;
    const latency = Math.abs(peer.ts - m.ts);
    parts.push(
      section(
        m.typeName === 'messageSend' ? 'arrow-right' : 'arrow-left',
        m.typeName === 'messageSend' ? 'Received by' : 'Sent by',
        el(
          'p',
          {},
          link(
            `${peer.typeName} on pid ${peer.pid} thread ${peer.tid}`,
            () => actions.selectEvent(peer.id),
            'peer',
          ),
          ` after ${formatMs(latency)}`,
        ),
      ),
    );
  }
  for (const s of d.stateChanges) {
    parts.push(section('diff', `Changed ${s.className ?? 'object'} #${s.objectId}`, diffTable(s.changes)));
  }
  if (d.values) {
    parts.push(
      section(
        'symbol-variable',
        'Values',
        el(
          'table',
          { class: 'kv', 'data-test': 'values' },
          ...Object.entries(d.values).map(([k, v]) =>
            el('tr', {}, el('th', {}, k), el('td', {}, el('code', {}, formatValue(v, 200)))),
          ),
        ),
      ),
    );
  }
  if (!d.call && !d.values && d.payload !== null)
    parts.push(section('json', 'Payload', el('pre', { 'data-test': 'payload' }, prettyValue(d.payload))));
  return el('div', { class: 'detail', 'data-test': 'event-detail' }, ...parts);
}

/** The history of one object: the step at `index`, its diff, the call behind it, and the object as of then. */
export function renderStateTimeline(
  tl: StateTimeline,
  index: number,
  origin: number,
  actions: DetailActions,
): HTMLElement {
  const step = tl.steps[index];
  const name = `${tl.className ?? 'object'} #${tl.objectId}`;
  if (!step) return el('div', { class: 'detail' }, el('h2', {}, name), el('p', {}, 'No changes recorded.'));
  const state = replayState(tl.steps.slice(0, index + 1));
  const nav = el(
    'p',
    { class: 'nav' },
    link('◀ previous', () => actions.stepState(index - 1), 'state-prev'),
    ` step ${index + 1} of ${tl.steps.length} `,
    link('next ▶', () => actions.stepState(index + 1), 'state-next'),
  );
  const caused = el(
    'p',
    {},
    'caused by ',
    step.callId !== null
      ? link(`${step.method ?? 'a call'}()`, () => actions.selectEvent(step.callId!), 'causing-call')
      : `${step.method ?? 'a call'}()`,
    ` at ${formatOffset(step.ts, origin)}`,
  );
  return el(
    'div',
    { class: 'detail', 'data-test': 'state-timeline' },
    el('h2', {}, icon('history'), `${name} — state timeline`),
    nav,
    caused,
    section('diff', 'Changes', diffTable(step.changes)),
    section(
      'symbol-variable',
      'State after this step',
      el(
        'table',
        { class: 'kv' },
        ...Object.entries(state).map(([k, v]) =>
          el('tr', {}, el('th', {}, k), el('td', {}, el('code', {}, formatValue(v, 120)))),
        ),
      ),
    ),
    section(
      'history',
      'History',
      el(
        'ol',
        { class: 'steps' },
        ...tl.steps.map((s, i) => {
          const item = el(
            'li',
            i === index ? { class: 'current' } : {},
            link(
              `${formatOffset(s.ts, origin)} ${s.method ?? 'call'}(): ${s.changes.map((c) => c.path).join(', ')}`,
              () => actions.stepState(i),
            ),
          );
          return item;
        }),
      ),
    ),
  );
}

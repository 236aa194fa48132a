/**
 * The side panel: the selected event's details, or the state timeline of the selected object
 * (stepped with its buttons or by the cursor), and search results.
 */
import type { EventDetail, EventMark, StateTimeline } from '../protocol';
import type { Client } from './client';
import { el, renderEvent, renderStateTimeline } from './details';
import { formatOffset } from './format';

/** What the panel says while nothing is selected. */
export const HINT = 'Click an event, a call or a state change to see its details.';

type StateRef = { kind: 'state'; pid: number; tid: number; objectId: number; callEid: number };

export interface PanelHost {
  /** The trace's first timestamp: times are shown from it. */
  origin(): number;
  canOpenEditors: boolean;
  openSource(file: string, line: number, column: number): void;
  selectEvent(id: number): void;
  /** Whether the event is still the selection when its details arrive. */
  isSelected(id: number): boolean;
  /** A step of the state timeline became current: by its buttons, or by the cursor (`byCursor`). */
  stepped(selected: StateRef, ts: number, byCursor: boolean): void;
}

export class DetailsPanel {
  /** The panel's text, for the inspection API. */
  text = '';
  private state: { timeline: StateTimeline; index: number } | null = null;

  constructor(
    private readonly client: Client,
    readonly element: HTMLElement,
    readonly results: HTMLElement,
    private readonly host: PanelHost,
  ) {}

  async showEvent(id: number): Promise<EventDetail | undefined> {
    this.state = null;
    try {
      const { detail } = await this.client.request({ type: 'event', eventId: id });
      if (this.host.isSelected(id)) this.set(renderEvent(detail, this.host.origin(), this.actions()));
      return detail;
    } catch (e) {
      this.set(el('p', { class: 'error' }, (e as Error).message));
      return undefined;
    }
  }

  async showState(s: StateRef): Promise<void> {
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
    this.state = { timeline, index };
    this.render();
  }

  /** Makes step `index` of the open state timeline current. */
  step(index: number, byCursor = false): void {
    const v = this.state;
    if (!v || index < 0 || index >= v.timeline.steps.length) return;
    v.index = index;
    const { pid, tid, objectId } = v.timeline;
    const step = v.timeline.steps[index];
    this.render();
    this.host.stepped({ kind: 'state', pid, tid, objectId, callEid: step.callEid }, step.ts, byCursor);
  }

  /** Scrubbing: the state timeline follows the cursor to the last step at or before it. */
  follow(ts: number): void {
    const v = this.state;
    if (!v) return;
    let index = -1;
    v.timeline.steps.forEach((s, i) => {
      if (s.ts <= ts) index = i;
    });
    if (index >= 0 && index !== v.index) this.step(index, true);
  }

  clear(): void {
    this.state = null;
    this.element.replaceChildren(el('p', { class: 'hint' }, HINT));
    this.text = '';
  }

  showResults(text: string, hits: EventMark[], more: boolean): void {
    const item = (h: EventMark) => {
      const b = el(
        'button',
        { type: 'button', class: 'link' },
        `${formatOffset(h.ts, this.host.origin())}  ${h.typeName} ${h.label}`,
      );
      b.addEventListener('click', () => this.host.selectEvent(h.id));
      return el('li', {}, b);
    };
    this.results.replaceChildren(
      el('h3', {}, `${hits.length}${more ? '+' : ''} matches for “${text}”`),
      el('ol', { class: 'results', 'data-test': 'search-results' }, ...hits.map(item)),
    );
  }

  clearResults(): void {
    this.results.replaceChildren();
  }

  /** Clicks the selection's "Open source", when it has one. */
  openSource(): void {
    this.element.querySelector<HTMLButtonElement>('[data-test=open-source]')?.click();
  }

  private render(): void {
    if (this.state) {
      this.set(
        renderStateTimeline(this.state.timeline, this.state.index, this.host.origin(), this.actions()),
      );
    }
  }

  private set(node: HTMLElement): void {
    this.element.replaceChildren(node);
    this.text = node.textContent ?? '';
  }

  private actions() {
    return {
      canOpenEditors: this.host.canOpenEditors,
      openSource: (file: string, line: number, column: number) => this.host.openSource(file, line, column),
      selectEvent: (id: number) => this.host.selectEvent(id),
      stepState: (index: number) => this.step(index),
    };
  }
}

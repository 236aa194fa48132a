/**
 * Moving the selection from the keyboard: to the next or previous event in time (asked of the
 * host, so it crosses lanes and the window's edge), to the nearest item in the lane above or
 * below, and to the first search hit after the cursor.
 */
import type { Client } from './client';
import type { DetailsPanel } from './detailsPanel';
import { firstDrawn, nearestInLane } from './navigation';
import type { Drawn, Selected } from './render';

export interface MoveTarget {
  readonly client: Client;
  readonly panel: DetailsPanel;
  drawn(): readonly Drawn[];
  selected(): Selected | null;
  laneKeys(): string[];
  cursorTs(): number | null;
  setCursor(ts: number): void;
  select(d: Drawn | undefined): void;
  selectEvent(id: number): Promise<void>;
}

export async function moveSelection(t: MoveTarget, direction: 'next' | 'prev'): Promise<void> {
  const selected = t.selected();
  if (selected?.kind !== 'event') return t.select(firstDrawn(t.drawn()));
  const { event } = await t.client.request({ type: 'neighbor', eventId: selected.id, direction });
  if (event) await t.selectEvent(event.id);
}

/** Up and down: the nearest drawn event or call in the lane above or below. */
export function moveLane(t: MoveTarget, step: 1 | -1): void {
  const selected = t.selected();
  const current = t
    .drawn()
    .find((d) => selected?.kind === 'event' && d.id === selected.id && d.kind !== 'arrow');
  if (!current) return void moveSelection(t, 'next');
  t.select(nearestInLane(t.drawn(), t.laneKeys(), current, step));
}

/** Lists the hits in the side panel and selects the first one after the cursor. */
export async function search(t: MoveTarget, text: string): Promise<void> {
  if (!text.trim()) return t.panel.clearResults();
  const { hits, more } = await t.client.request({ type: 'search', text, limit: 200 });
  t.panel.showResults(text, hits, more);
  const next = hits.find((h) => h.ts > (t.cursorTs() ?? -Infinity)) ?? hits[0];
  if (next) {
    t.setCursor(next.ts);
    await t.selectEvent(next.id);
  }
}

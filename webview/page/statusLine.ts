/** The toolbar's status line: what the view shows, the cursor, the filter's matches, what was left out. */
import type { Overview, WindowData } from '../protocol';
import { formatMs, formatOffset } from './format';
import type { Drawn } from './render';

export function statusLine(s: {
  overview: Overview;
  view: { fromTs: number; toTs: number };
  cursorTs: number | null;
  filter: string;
  drawn: readonly Drawn[];
  window: WindowData | null;
}): string {
  const o = s.overview;
  const parts = [
    `${formatOffset(s.view.fromTs, o.fromTs)} … ${formatOffset(s.view.toTs, o.fromTs)} (${formatMs(s.view.toTs - s.view.fromTs)})`,
  ];
  if (s.cursorTs !== null) parts.push(`cursor ${formatOffset(s.cursorTs, o.fromTs)}`);
  if (s.filter) parts.push(`${s.drawn.filter((d) => d.matches).length} of ${s.drawn.length} drawn match`);
  if (o.errors) parts.push(`${o.errors} error${o.errors === 1 ? '' : 's'}`);
  if (o.dropped) parts.push(`${o.dropped} events dropped`);
  if (s.window?.messagesOmitted) parts.push(`${s.window.messagesOmitted} message arrows not drawn: zoom in`);
  return parts.join(' · ');
}

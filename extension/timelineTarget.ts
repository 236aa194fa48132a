/**
 * What a timeline panel shows: the live trace of a debug session or a trace file. Persisted in the
 * panel's state so a reload restores it. No VS Code dependency.
 */

export type TimelineTarget =
  { type: 'live'; sessionId: string; name: string } | { type: 'file'; path: string };

/** The target from a panel's persisted state; undefined when the state is missing or malformed. */
export function parseTimelineTarget(state: unknown): TimelineTarget | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const target = (state as { target?: unknown }).target;
  if (typeof target !== 'object' || target === null) return undefined;
  const t = target as Record<string, unknown>;
  if (t.type === 'file' && typeof t.path === 'string' && t.path !== '') return { type: 'file', path: t.path };
  if (t.type === 'live' && typeof t.sessionId === 'string' && typeof t.name === 'string') {
    return { type: 'live', sessionId: t.sessionId, name: t.name };
  }
  return undefined;
}

/** The panel's title. */
export function timelineTitle(target: TimelineTarget): string {
  if (target.type === 'live') return `Timeline: ${target.name}`;
  const base = target.path.split(/[\\/]/).pop() ?? target.path;
  return `Timeline: ${base}`;
}

export function sameTarget(a: TimelineTarget, b: TimelineTarget): boolean {
  if (a.type === 'live' && b.type === 'live') return a.sessionId === b.sessionId;
  if (a.type === 'file' && b.type === 'file') return a.path === b.path;
  return false;
}

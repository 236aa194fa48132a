/** Finding drawn items: under the pointer, first in time, nearest in the lane above or below. */
import type { Drawn } from './scene';

/**
 * The item under a point: the nearest one within a few pixels; among overlapping ones, the small
 * one whose centre is closest (a tick over the call span under it). Arrows are not targets.
 */
export function hitTest(drawn: readonly Drawn[], x: number, y: number): Drawn | undefined {
  const pad = 3;
  let best: Drawn | undefined;
  let bestScore = Infinity;
  for (const d of drawn) {
    if (d.kind === 'arrow' || d.kind === 'bucket') continue;
    const dx = Math.max(d.x - x, 0, x - (d.x + d.w));
    const dy = Math.max(d.y - y, 0, y - (d.y + d.h));
    if (dx > pad || dy > pad) continue;
    const small = d.w * d.h <= 400;
    const centre = Math.hypot(x - (d.x + d.w / 2), y - (d.y + d.h / 2));
    const score = (dx + dy) * 1e6 + (small ? centre : 1000 + d.w * d.h);
    if (score < bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}

const selectable = (d: Drawn) => d.kind === 'event' || d.kind === 'span';

/** The earliest event or call drawn. */
export function firstDrawn(drawn: readonly Drawn[]): Drawn | undefined {
  return drawn.filter(selectable).sort((a, b) => a.ts - b.ts)[0];
}

/** The event or call drawn in the lane `step` lanes away from `current`'s, nearest in time. */
export function nearestInLane(
  drawn: readonly Drawn[],
  laneKeys: readonly string[],
  current: Drawn,
  step: 1 | -1,
): Drawn | undefined {
  const index = laneKeys.indexOf(current.lane) + step;
  if (index < 0 || index >= laneKeys.length) return undefined;
  const candidates = drawn.filter((d) => d.lane === laneKeys[index] && selectable(d));
  candidates.sort((a, b) => Math.abs(a.ts - current.ts) - Math.abs(b.ts - current.ts));
  return candidates[0];
}

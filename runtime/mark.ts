/**
 * The public module user code may import to mark its own events:
 *
 *   const { mark } = require('cinescope/mark');
 *   mark('cache-miss', { key });
 *
 * It costs one lookup when the program is not traced, and never throws.
 */
import { EventType } from './eventSchema';
import type { MarkPayload } from './eventSchema';

const PUBLIC_API = Symbol.for('cinescope.recordEvent');

type RecordEvent = (type: number, payload?: unknown) => number;

/** Records a named mark with optional data; returns false when the program is not being traced. */
export function mark(name: string, data?: unknown): boolean {
  const record = (globalThis as Record<symbol, unknown>)[PUBLIC_API] as RecordEvent | undefined;
  if (typeof record !== 'function') return false;
  const payload: MarkPayload = data === undefined ? { name: String(name) } : { name: String(name), data };
  return record(EventType.mark, payload) !== 0;
}

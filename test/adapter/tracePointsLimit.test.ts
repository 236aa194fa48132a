/**
 * Trace point ids are bounded by the runtime's flag array (MAX_TRACE_POINTS). A session that has
 * used them all marks further points `failed` with a sentence, rather than reporting a probe the
 * runtime would silently ignore. Driven with a real program under the inspector.
 */
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { MAX_TRACE_POINTS } from '../../runtime/tracePoints';
import { ROOT, tempDir } from '../helpers';
import { startTraced } from './tracePointsHarness';
import type { TracedProgram } from './tracePointsHarness';

const VALUES = join(ROOT, 'test/adapter/fixtures/tracepoints/values.js');

let program: TracedProgram | undefined;
afterEach(async () => {
  await program?.close();
  program = undefined;
});

it('marks trace points past the id limit as failed, with the reason', async () => {
  program = await startTraced(VALUES, { runtime: false });
  const file = join(tempDir(), 'big.js'); // never loaded: the points only need ids
  const lines = Array.from({ length: MAX_TRACE_POINTS }, (_, i) => i + 1);
  const states = await program.manager.set(file, lines);
  expect(states).toHaveLength(MAX_TRACE_POINTS);
  const failed = states.filter((s) => s.mode === 'failed');
  // Ids 1 … MAX-1 are usable: the last line is the one too many.
  expect(failed.map((s) => s.line)).toEqual([MAX_TRACE_POINTS]);
  expect(failed[0]).toMatchObject({ id: 0, message: expect.stringMatching(/all 65,535 trace point ids/) });
  expect(states.every((s) => s.mode === 'failed' || (s.id > 0 && s.id < MAX_TRACE_POINTS))).toBe(true);

  // A line already given an id keeps it; a new file gets nothing more.
  const other = await program.manager.set(join(tempDir(), 'other.js'), [3]);
  expect(other).toEqual([expect.objectContaining({ line: 3, mode: 'failed' })]);
  const again = await program.manager.set(file, [1]);
  expect(again).toEqual([expect.objectContaining({ line: 1, id: states[0].id })]);
  expect(again[0].mode).not.toBe('failed');
});

/**
 * Function tracing switched on and off while the program runs (`cinescope/setFunctionTracing`):
 * a real program instrumented at load time by the runtime, its probe flags flipped through CDP.
 */
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { setFunctionTracing } from '../../adapter/functionTracing';
import { NO_RUNTIME } from '../../adapter/runtimeControl';
import { markerLine, startTraced } from './tracePointsHarness';
import type { TracedProgram } from './tracePointsHarness';
import { ROOT } from '../helpers';

const VALUES = join(ROOT, 'test/adapter/fixtures/tracepoints/values.js');

let program: TracedProgram | undefined;
afterEach(async () => {
  await program?.close();
  program = undefined;
});

async function calls(name: string): Promise<number> {
  await program!.hits();
  return program!.db!.callsOf(name).length;
}

it('switches traced functions off and on while the program runs', async () => {
  program = await startTraced(VALUES, { trace: ['test/adapter/fixtures/tracepoints/*.js'] });
  await program.command('run');
  expect(await calls('deposit')).toBe(2);
  expect(await calls('later')).toBe(1);

  const off = await setFunctionTracing(program.cdp, { enabled: false, functions: ['deposit'] });
  expect(off).toEqual({ sites: 1 });
  await program.command('run');
  expect(await calls('deposit')).toBe(2);
  expect(await calls('later')).toBe(2);

  // Already off: nothing changes; then every function on again.
  expect(await setFunctionTracing(program.cdp, { enabled: false, functions: ['dep*'] })).toEqual({
    sites: 0,
  });
  expect((await setFunctionTracing([program.cdp], { enabled: true })).sites).toBe(1);
  await program.command('run');
  expect(await calls('deposit')).toBe(4);

  const all = await setFunctionTracing(program.cdp, { enabled: false });
  expect(all.sites).toBeGreaterThan(5);
  await program.command('run');
  expect(await calls('later')).toBe(3);
});

it('records the enclosing traced call of a trace point hit', async () => {
  program = await startTraced(VALUES, { trace: ['test/adapter/fixtures/tracepoints/*.js'] });
  const line = markerLine(VALUES, 'deposit-second');
  // Instrumented code keeps its lines, so the live edit finds the line where the user put it.
  expect((await program.manager.set(VALUES, [line]))[0].mode).toBe('probe');
  await program.command('run');
  const hits = await program.waitForHits(VALUES, line, 2);
  const deposits = program.db!.callsOf('deposit');
  expect(hits.map((h) => h.parent)).toEqual(deposits.map((c) => c.eid));
  expect(hits.map((h) => JSON.parse(h.vars!).amount)).toEqual([5, 7]);
});

it('says why when the program runs without the runtime', async () => {
  program = await startTraced(VALUES, { runtime: false });
  expect(await setFunctionTracing(program.cdp, { enabled: false })).toEqual({
    sites: 0,
    message: NO_RUNTIME,
  });
});

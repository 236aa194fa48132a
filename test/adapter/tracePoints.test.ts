/**
 * Trace points end to end: a real Node program with the runtime preloaded, a real CDP connection,
 * the live edit, and the hits read back from a real TraceDB (sql.js).
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { markerLine, runUntraced, startTraced, waitFor } from './tracePointsHarness';
import type { TracedProgram } from './tracePointsHarness';
import { NO_RUNTIME } from '../../adapter/runtimeControl';
import { ROOT } from '../helpers';

const DIR = join(ROOT, 'test/adapter/fixtures/tracepoints');
const VALUES = join(DIR, 'values.js');
const MODULE = join(DIR, 'module.mjs');
const LAZY = join(DIR, 'lazy.js');

let program: TracedProgram | undefined;
afterEach(async () => {
  await program?.close();
  program = undefined;
});

const parse = (json: string | null) => (json === null ? undefined : JSON.parse(json));

describe('trace points', () => {
  it('record locals, closure variables and this at the line, without changing the output', async () => {
    program = await startTraced(VALUES);
    const lines = ['deposit-first', 'deposit-second', 'tdz', 'special'].map((n) => markerLine(VALUES, n));
    const states = await program.manager.set(VALUES, lines);
    expect(states.map((s) => s.mode)).toEqual(['probe', 'probe', 'probe', 'probe']);
    await program.command('run');

    const [first1, first2] = await program.waitForHits(VALUES, lines[0], 2);
    expect(parse(first1.vars)).toMatchObject({ amount: 5, shared: { total: 0 }, rounds: 1 });
    expect(first1.tdz).toEqual(['before']);
    expect(parse(first1.self)).toEqual({
      $: 'instance',
      class: 'Account',
      props: { owner: 'ada', balance: 0 },
    });
    expect(parse(first2.vars)).toMatchObject({ amount: 7, shared: { total: 5 } });
    expect(first1.via).toBe('probe');

    const [second] = await program.waitForHits(VALUES, lines[1], 2);
    expect(parse(second.vars)).toMatchObject({ amount: 5, before: 0 });
    expect(second.tdz).toEqual([]);

    const [tdz] = await program.waitForHits(VALUES, lines[2], 1);
    expect(parse(tdz.vars)).toMatchObject({ n: 3, early: 6 });
    expect(tdz.tdz).toEqual(['inner']);
    expect(tdz.self).toBeNull();

    const [special] = await program.waitForHits(VALUES, lines[3], 1);
    const vars = parse(special.vars);
    // The getter is recorded as an accessor, never run; the cycle as a reference.
    expect(vars.guarded).toEqual({ boom: { $: 'accessor', get: true, set: false } });
    expect(vars.node).toEqual({ name: 'node', self: { $: 'cycle', ref: expect.any(Number) } });

    await program.command('run');
    await program.close();
    const traced = program.stdout();
    program = undefined;
    expect(traced).not.toContain('GETTER RAN');
    expect(traced).toBe(await runUntraced(VALUES, ['run', 'run']));
  });

  it('switch off and on again without another edit', async () => {
    program = await startTraced(VALUES);
    const line = markerLine(VALUES, 'deposit-second');
    await program.manager.set(VALUES, [line]);
    await program.command('run');
    await program.waitForHits(VALUES, line, 2);

    expect(await program.manager.set(VALUES, [])).toEqual([]);
    await program.command('run');
    await program.command('run');
    expect(await program.hits({ file: VALUES, line })).toHaveLength(2);

    const swaps = program.swaps();
    const [again] = await program.manager.set(VALUES, [line]);
    expect(again.mode).toBe('probe');
    expect(program.swaps()).toBe(swaps);
    await program.command('run');
    const rows = await program.waitForHits(VALUES, line, 4);
    expect(rows).toHaveLength(4);
    expect(program.logs).toEqual([]);
  });

  it('fall back to a breakpoint, saying why, while the edit is refused, then take over', async () => {
    program = await startTraced(VALUES);
    const line = markerLine(VALUES, 'spin-end');
    program.send('spin');
    await waitFor('the spin to start', () => program!.stdout().includes('spinning'));
    // `spin` is running (the inspector answers between its loop iterations): V8 refuses the edit.
    const [state] = await program.manager.set(VALUES, [line]);
    expect(state.mode).toBe('breakpoint');
    expect(state.message).toMatch(/BlockedByActiveFunction/);
    const [viaBreakpoint] = await program.waitForHits(VALUES, line, 1);
    expect(viaBreakpoint.via).toBe('breakpoint');
    expect(parse(viaBreakpoint.vars)).toMatchObject({ ms: 1500, n: expect.any(Number) });

    // Once `spin` returned, the retried edit is accepted and the probe takes over.
    const change = await waitFor('the retried edit', () =>
      program!.changes.find((c) => c.states.some((s) => s.line === line && s.mode === 'probe')),
    );
    expect(change.path).toBe(VALUES);
    await program.command('spin');
    const rows = await program.waitForHits(VALUES, line, 2);
    expect(rows.map((r) => r.via)).toEqual(['breakpoint', 'probe']);
    expect(rows.map((r) => [r.file, r.line])).toEqual([
      [VALUES, line],
      [VALUES, line],
    ]);
  });

  it('stay a breakpoint in an async function V8 will not edit, and record through it', async () => {
    program = await startTraced(VALUES);
    const line = markerLine(VALUES, 'held');
    await program.command('hold');
    const [state] = await program.manager.set(VALUES, [line]);
    expect(state).toMatchObject({
      mode: 'breakpoint',
      message: expect.stringMatching(/BlockedByActiveGenerator/),
    });
    await program.command('release');
    const [hit] = await program.waitForHits(VALUES, line, 1);
    expect(hit.via).toBe('breakpoint');
    expect(parse(hit.vars)).toMatchObject({ k: 0 });
  });

  it('keeps breakpoints set before the edit, on the same lines', async () => {
    program = await startTraced(VALUES);
    const pauseLine = markerLine(VALUES, 'deposit-second') + 1;
    await program.setBreakpoint(VALUES, pauseLine);
    await program.manager.set(VALUES, [markerLine(VALUES, 'deposit-first')]);
    await program.command('run');
    expect(program.paused).toEqual([pauseLine, pauseLine]);
    await program.waitForHits(VALUES, markerLine(VALUES, 'deposit-first'), 2);
  });

  it('in an ES module: a probe in a function, a breakpoint for top-level code', async () => {
    program = await startTraced(MODULE);
    const [scale, top] = [markerLine(MODULE, 'scale'), markerLine(MODULE, 'top')];
    const states = await program.manager.set(MODULE, [scale, top]);
    expect(states[0].mode).toBe('probe');
    expect(states[1]).toMatchObject({ mode: 'breakpoint', message: expect.stringMatching(/ES module/) });
    await program.command('run');
    const rows = await program.waitForHits(MODULE, scale, 2);
    expect(rows.map((r) => parse(r.vars))).toEqual([
      expect.objectContaining({ x: 2, factor: 3 }),
      expect.objectContaining({ x: 5, factor: 3 }),
    ]);
    expect(rows[0].tdz).toEqual(['scaled']);
  });

  it('wait for a file that is not loaded yet, then arm when it loads', async () => {
    program = await startTraced(VALUES);
    const line = markerLine(LAZY, 'lazy');
    const [state] = await program.manager.set(LAZY, [line]);
    expect(state).toMatchObject({ mode: 'pending', message: expect.stringMatching(/^Waiting for the file/) });
    await program.command('lazy');
    // The first call runs while the file loads, before any edit: the breakpoint set by URL has it.
    const [hit] = await program.waitForHits(LAZY, line, 1);
    expect(hit.via).toBe('breakpoint');
    expect(parse(hit.vars)).toEqual({ n: 4 });
    expect(hit.tdz).toEqual(['doubled']);
    // The manager reports the mode it reached once the script loaded (an edit may be retried).
    await waitFor('the probe', () =>
      program!.changes.find((c) => c.path === LAZY && c.states[0].mode === 'probe'),
    );
    await program.command('lazy');
    const rows = await program.waitForHits(LAZY, line, 2);
    expect(rows[1].via).toBe('probe');
  });

  it('say so when the runtime is not loaded, and record nothing', async () => {
    program = await startTraced(VALUES, { runtime: false });
    const [state] = await program.manager.set(VALUES, [markerLine(VALUES, 'deposit-first')]);
    expect(state).toMatchObject({ mode: 'pending', message: NO_RUNTIME });
    expect(program.logs).toEqual([NO_RUNTIME]);
    await program.command('run');
    expect(program.stdout()).toContain('round 1');
  });
});

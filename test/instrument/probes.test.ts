/**
 * Probe semantics: what instrumented code reports, call by call, to the recording test double
 * (enter with arguments, ret values, throws, exits, nesting, suspend/resume around awaits and yields).
 */
import { runInThisContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { instrument } from '../../runtime/instrument/instrument';
import type { Site } from '../../runtime/instrument/probeApi';
import { createRecordingProbes, describeEvents, installProbes } from './recordingProbes';
import type { ProbeEvent } from './recordingProbes';

let uninstall: (() => void) | null = null;
afterEach(() => {
  uninstall?.();
  uninstall = null;
});

/**
 * Instruments `code` as a CommonJS module, runs it in this process with the recording probes
 * installed, waits for `exports.done` if it sets one, and returns the events.
 */
async function trace(
  code: string,
  enabled?: (site: Site) => boolean,
  options: { captureThrows?: boolean } = {},
): Promise<{ lines: string[]; events: ProbeEvent[]; exports: any }> {
  const result = instrument(code, { filename: '/virtual/program.js', sourceType: 'script', ...options });
  expect(result.warnings).toEqual([]);
  const recording = createRecordingProbes(enabled);
  uninstall = installProbes(recording.registry);
  const module = { exports: {} as any };
  const run = runInThisContext(`(function (exports, module) {${result.code}\n})`, {
    filename: '/virtual/program.js',
  });
  run(module.exports, module);
  await module.exports.done;
  expect(recording.problems).toEqual([]);
  return { lines: describeEvents(recording.events), events: recording.events, exports: module.exports };
}

describe('probe semantics', () => {
  it('reports entries with arguments, returns and nesting', async () => {
    const { lines, events } = await trace(`
      function add(a, b) { return a + b; }
      function twice(x) { return add(x, x) * 2; }
      exports.result = twice(3);`);
    expect(lines).toEqual([
      'enter twice(3)',
      'enter add(3,3) <- twice',
      'ret add 6',
      'exit add',
      'ret twice 12',
      'exit twice',
    ]);
    expect(events[0]).toMatchObject({ type: 'module', file: '/virtual/program.js' });
  });

  it('passes parameter values, destructured, default and rest ones included, and this', async () => {
    const { lines, events, exports } = await trace(`
      const o = { m({ a, b = 2 }, [c] = [3], ...rest) { return a + b + c + rest.length; } };
      const sq = (x) => x * x;
      exports.o = o;
      exports.r = [o.m({ a: 1 }, undefined, 'x', 'y'), sq(4)];`);
    expect(lines).toEqual([
      'enter m(1,2,3,["x","y"])',
      'ret m 8',
      'exit m',
      'enter sq(4)',
      'ret sq 16',
      'exit sq',
    ]);
    const enter = events.find((e) => e.type === 'enter')!;
    expect(enter.type === 'enter' && enter.thisValue).toBe(exports.o);
  });

  it('reports a throw on every frame it leaves, and the catch that ends it', async () => {
    const { lines } = await trace(`
      function inner() { throw new Error('bad'); }
      function middle() { inner(); }
      function outer() { try { middle(); } catch (e) { return 'caught ' + e.message; } }
      outer();`);
    expect(lines).toEqual([
      'enter outer()',
      'enter middle() <- outer',
      'enter inner() <- middle',
      'throw inner Error: bad',
      'exit inner',
      'throw middle Error: bad',
      'exit middle',
      'ret outer "caught bad"',
      'exit outer',
    ]);
  });

  it('without captureThrows, a call that threw exits without ret, and falling off the end returns', async () => {
    const { lines } = await trace(
      `function inner() { throw new Error('bad'); }
      function quiet() { }
      function outer() { quiet(); try { inner(); } catch (e) { } }
      outer();`,
      undefined,
      { captureThrows: false },
    );
    expect(lines).toEqual([
      'enter outer()',
      'enter quiet() <- outer',
      'ret quiet undefined',
      'exit quiet',
      'enter inner() <- outer',
      'exit inner',
      'ret outer undefined',
      'exit outer',
    ]);
  });

  it('records every return a finally overrides, the last one being the outcome', async () => {
    const { lines } = await trace(`
      function f() { try { return 1; } finally { return 2; } }
      function g() { try { return 'x'; } finally { throw new Error('late'); } }
      f(); try { g(); } catch (e) {}`);
    expect(lines).toEqual([
      'enter f()',
      'ret f 1',
      'ret f 2',
      'exit f',
      'enter g()',
      'ret g "x"',
      'throw g Error: late',
      'exit g',
    ]);
  });

  it('suspends and resumes async functions around each await, in order', async () => {
    const { lines } = await trace(`
      async function child(x) { await null; return x * 2; }
      async function parent() { const a = await child(1); return a + 1; }
      exports.done = parent();`);
    expect(lines).toEqual([
      'enter parent()',
      'enter child(1) <- parent',
      'suspend child null',
      'suspend parent Promise',
      'resume child null',
      'ret child 2',
      'exit child',
      'resume parent 2',
      'ret parent 3',
      'exit parent',
    ]);
  });

  it('resumes in the catch block when an await rejects', async () => {
    const { lines } = await trace(`
      async function fails() { await null; throw new Error('no'); }
      async function handles() { try { await fails(); } catch (e) { return 'handled'; } }
      exports.done = handles();`);
    expect(lines).toEqual([
      'enter handles()',
      'enter fails() <- handles',
      'suspend fails null',
      'suspend handles Promise',
      'resume fails null',
      'throw fails Error: no',
      'exit fails',
      'resume handles undefined',
      'ret handles "handled"',
      'exit handles',
    ]);
  });

  it('suspends and resumes generators at each yield; return() exits without resuming', async () => {
    const { lines } = await trace(`
      function* gen(n) { const got = yield n; yield got * 2; return 'end'; }
      const it = gen(5); it.next(); it.next(10); it.next();
      const early = gen(1); early.next(); early.return('x');
      function* outer() { yield* gen(7); }
      for (const v of outer()) {}`);
    expect(lines).toEqual([
      'enter gen(5)',
      'suspend gen 5',
      'resume gen 10',
      'suspend gen 20',
      'resume gen undefined',
      'ret gen "end"',
      'exit gen',
      'enter gen(1)',
      'suspend gen 1',
      'exit gen',
      'enter outer()',
      'suspend outer {}',
      'enter gen(7)',
      'suspend gen 7',
      'resume gen undefined',
      'suspend gen NaN',
      'resume gen undefined',
      'ret gen "end"',
      'exit gen',
      'resume outer "end"',
      'exit outer',
    ]);
  });

  it('keeps the stack right through for await over an async generator', async () => {
    const { lines } = await trace(`
      async function* source() { yield 1; yield 2; }
      async function consume() { let sum = 0; for await (const v of source()) sum += v; return sum; }
      exports.done = consume();`);
    // The loop suspends its function before the iterator's first next() (there is no place for a
    // probe between that call and the loop's await), so the generator's start has no parent.
    expect(lines).toEqual([
      'enter consume()',
      'suspend consume {}',
      'enter source()',
      'suspend source 1',
      'resume consume undefined',
      'suspend consume undefined',
      'resume source undefined',
      'suspend source 2',
      'resume consume undefined',
      'suspend consume undefined',
      'resume source undefined',
      'exit source',
      'resume consume undefined',
      'ret consume 3',
      'exit consume',
    ]);
  });

  it('passes undefined as this where this may be uninitialised', async () => {
    const { events } = await trace(`
      class A { constructor() { this.a = 1; } }
      class B extends A { constructor(x) { const early = () => 1; early(); super(); this.x = x; } }
      new B(2);`);
    const enters = events.filter((e) => e.type === 'enter');
    expect(enters.map((e) => [e.site.kind, e.site.name, e.thisValue === undefined])).toEqual([
      ['constructor', 'B', true],
      ['arrow', 'early', true],
      ['constructor', 'A', false],
    ]);
  });

  it('records nothing for sites whose flag is off, and keeps parents to the recorded calls', async () => {
    const { lines, exports } = await trace(
      `function add(a, b) { return a + b; }
      function twice(x) { return add(x, x) * 2; }
      exports.result = twice(3);`,
      (site) => site.name === 'add',
    );
    expect(lines).toEqual(['enter add(3,3)', 'ret add 6', 'exit add']);
    expect(exports.result).toBe(12);
  });
});

/**
 * The live-edit source transform, as data: source in, trace point lines, then the edited source
 * run in a fresh VM context against the real runtime side (`runtime/tracePoints.ts`), whose
 * recorded payloads are checked. (No encoder here: the payload objects are checked as they are.)
 */
import { createContext, runInContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { planTracePoints } from '../../adapter/tracePointEdit';
import { instrument } from '../../runtime/instrument/instrument';
import { TRACE_POINTS_KEY, TracePointRuntime } from '../../runtime/tracePoints';
import { EventType } from '../../runtime/eventSchema';
import type { TracePointHitPayload } from '../../runtime/eventSchema';

/** Runs `source` edited for the lines marked `// @` and returns what the probes recorded. */
function traced(source: string, options: { isModule?: boolean } = {}) {
  const lines = source.split('\n').flatMap((l, i) => (l.includes('// @') ? [i + 1] : []));
  const plan = planTracePoints(
    source,
    lines.map((line, i) => ({ id: i + 1, line })),
    { isModule: !!options.isModule },
  );
  if (plan.type !== 'ok') throw new Error(plan.reason);
  const hits: TracePointHitPayload[] = [];
  const runtime = new TracePointRuntime((type, payload) => {
    if (type === EventType.tracePointHit) hits.push(payload as TracePointHitPayload);
    return 1;
  });
  runtime.define(
    lines.map((line, i) => ({ id: i + 1, file: 'test.js', line })),
    true,
  );
  const context = createContext({ out: [] as unknown[] });
  (context as Record<symbol, unknown>)[Symbol.for(TRACE_POINTS_KEY)] = runtime;
  runInContext(plan.source, context);
  return { plan, hits, out: (context as { out: unknown[] }).out, edited: plan.source };
}

describe('trace point edit', () => {
  it('keeps every line where it was', () => {
    const source =
      "'use strict';\nfunction f(a) {\n  const b = a + 1; // @\n  return b;\n}\nout.push(f(1));\n";
    const { edited, hits, out } = traced(source);
    expect(edited.split('\n')).toHaveLength(source.split('\n').length);
    const probe = /try\{const __cst[\s\S]*?\}\}catch\{\}/;
    expect(edited.split('\n').map((line) => line.replace(probe, ''))).toEqual(source.split('\n'));
    expect(out).toEqual([2]);
    expect(hits).toEqual([{ id: 1, vars: { a: 1 }, tdz: ['b'] }]);
  });

  it('gives a single-statement body braces, so the probe runs only with it', () => {
    const { hits, out } = traced(
      'function f(x) {\n  if (x > 1)\n    return x; // @\n  return 0;\n}\nout.push(f(1), f(2));\n',
    );
    expect(out).toEqual([0, 2]);
    expect(hits.map((h) => h.vars)).toEqual([{ x: 2 }]);
  });

  it('marks variables in their dead zone, in switch cases and enclosing functions', () => {
    const { hits } = traced(
      [
        'function f(k) {',
        '  const g = () => {',
        '    return k; // @',
        '  };',
        '  const h = () => later;',
        '  g();',
        '  const later = 1;',
        '  switch (k) {',
        '    case 0: let c = 1; break;',
        '    case 1: out.push(later); // @',
        '  }',
        '  g();',
        '  return later + (typeof c);',
        '}',
        'f(1);',
      ].join('\n'),
    );
    expect(hits.map((h) => [h.id, h.tdz ?? []])).toEqual([
      [1, ['later']],
      [2, ['c']],
      [1, []],
    ]);
    expect(hits[2].vars).toEqual({ k: 1, later: 1 });
  });

  it('reads only the outer variables that some inner function already keeps', () => {
    const { hits } = traced(
      [
        'function outer() {',
        '  const kept = 1, dropped = 2;',
        '  const keeper = () => kept;',
        '  return function inner(x) {',
        '    return x + dropped * 0; // @',
        '  };',
        '}',
        'outer()(5);',
      ].join('\n'),
    );
    // `dropped` is read by inner itself, so V8 keeps it; `keeper` and `inner` are code.
    expect(Object.keys(hits[0].vars).sort()).toEqual(['dropped', 'kept', 'x']);
  });

  it('leaves out code and modules: functions, classes, require(…)', () => {
    const source = [
      "const fs = require('node:fs');",
      'const helper = () => 1;',
      'let counter = 0;',
      'class Plain { m(x) {',
      '  return x + counter; // @',
      '} }',
      'class Self { m() {',
      '  return Self.name; // @',
      '} }',
      'function use() { return [fs, helper, Plain, counter++]; }',
    ].join('\n');
    const plan = planTracePoints(
      source,
      [
        { id: 1, line: 5 },
        { id: 2, line: 8 },
      ],
      { isModule: false },
    );
    if (plan.type !== 'ok') throw new Error(plan.reason);
    // Not even `Self` in its own method (see isCode: V8 keeps that binding only when used).
    expect(plan.points.map((p) => p.vars)).toEqual([['x', 'counter'], ['counter']]);
  });

  it('records this, and this before super() as unknown, never throwing', () => {
    const { hits, out } = traced(
      [
        'class A { constructor() { this.a = 1; } }',
        'class B extends A {',
        '  constructor() {',
        '    out.push("before"); // @',
        '    super();',
        '    out.push("after"); // @',
        '  }',
        '}',
        'new B();',
      ].join('\n'),
    );
    expect(out).toEqual(['before', 'after']);
    expect(hits[0].this).toBeUndefined();
    expect(hits[1].this).toMatchObject({ a: 1 });
  });

  it('uses names of its own that the program does not use', () => {
    const { edited, hits } = traced('function f(__cst) {\n  return __cst; // @\n}\nf(3);\n');
    expect(edited).toContain('__cst1');
    expect(hits[0].vars).toEqual({ __cst: 3 });
  });

  it('does nothing to the program when the runtime is absent', () => {
    const source = 'function f(a) {\n  return a * 2; // @\n}\nout.push(f(4));\n';
    const plan = planTracePoints(source, [{ id: 1, line: 2 }], { isModule: false });
    if (plan.type !== 'ok') throw new Error(plan.reason);
    const context = createContext({ out: [] as unknown[] });
    runInContext(plan.source, context);
    expect((context as { out: unknown[] }).out).toEqual([8]);
  });

  it('moves to the next statement, or says why there is none', () => {
    const source = 'function f() {\n\n  return 1;\n}\n';
    const plan = planTracePoints(
      source,
      [
        { id: 1, line: 2 },
        { id: 2, line: 9 },
      ],
      { isModule: false },
    );
    expect(plan).toMatchObject({
      type: 'ok',
      points: [{ id: 1, line: 2, statementLine: 3, kind: 'probe' }],
      missing: [{ id: 2, line: 9, reason: 'No statement starts on or after line 9.' }],
    });
  });

  it('leaves top-level code to a breakpoint, with a condition that records and is false', () => {
    const source = 'const a = 1;\nconst b = a + 1;\n';
    const plan = planTracePoints(source, [{ id: 4, line: 2 }], { isModule: true });
    if (plan.type !== 'ok') throw new Error(plan.reason);
    expect(plan.source).toBe(source);
    const [point] = plan.points;
    expect(point).toMatchObject({ kind: 'topLevel', reason: expect.stringMatching(/ES module/) });
    const hits: TracePointHitPayload[] = [];
    const runtime = new TracePointRuntime(
      (t, p) => (t === EventType.tracePointHit && hits.push(p as TracePointHitPayload), 1),
    );
    runtime.define([{ id: 4, file: 'm.mjs', line: 2 }], true);
    const context = createContext({});
    (context as Record<symbol, unknown>)[Symbol.for(TRACE_POINTS_KEY)] = runtime;
    // The condition as the debugger would evaluate it at that line (here: at the end of the script).
    expect(runInContext(`${source}\n${point.condition}`, context)).toBe(false);
    // `b` is declared on the traced line itself: in its dead zone there, whatever a debugger reads.
    expect(hits).toEqual([{ id: 4, vars: { a: 1 }, tdz: ['b'], via: 'breakpoint' }]);
  });

  it('reports a script it cannot parse', () => {
    expect(planTracePoints('function (', [{ id: 1, line: 1 }], { isModule: false })).toMatchObject({
      type: 'unparsable',
      reason: expect.stringMatching(/^The script cannot be parsed: /),
    });
  });

  it("leaves out the load-time instrumenter's own variables in instrumented code", () => {
    const original = "'use strict';\nfunction f(a) {\n  const b = a + 1;\n  return b;\n}\n";
    const { code } = instrument(original, { filename: '/app/f.js' });
    const plan = planTracePoints(code, [{ id: 1, line: 3 }], { isModule: false });
    if (plan.type !== 'ok') throw new Error(plan.reason);
    expect(code).toContain('__csp');
    expect(plan.points[0].vars).toEqual(['b', 'a']);
    const user = planTracePoints('function g(__csp) {\n  return __csp;\n}\n', [{ id: 1, line: 2 }], {
      isModule: false,
    });
    if (user.type !== 'ok') throw new Error(user.reason);
    expect(user.points[0].vars).toEqual(['__csp']);
  });
});

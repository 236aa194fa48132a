/** The transform's contract: site table, marker, warnings, placement of the inserted text. */
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { instrument, isInstrumented } from '../../runtime/instrument/instrument';
import { INSTRUMENTED_MARKER } from '../../runtime/instrument/probeApi';

const ALL_FORMS = `function decl(a, b = 1, ...c) {}
const expr = function (x, { y }) {};
const named = function inner() {};
const arrow = async (p) => p;
obj.prop = function* () {};
export default function () {}
const o = { m() {}, get g() { return 1; }, set g(v) {}, async *ag() {}, key: () => 1, [k]: function () {} };
class C extends Base { constructor(a, b) { super(); } static s() {} #p() {} static #q = () => 1; field = function () {}; static { } }
const D = class { m(a = 1) {} };
let assigned; assigned = () => {};
function withDefault(fn = () => {}) {}
`;

describe('site table', () => {
  it('has one entry per function form and per class, with inferred names and positions', () => {
    const { sites, warnings } = instrument(ALL_FORMS, { filename: 'forms.mjs' });
    expect(warnings).toEqual([]);
    const rows = sites.map((s) =>
      [
        s.index,
        s.kind,
        s.name,
        `${s.line}:${s.column}`,
        s.arity,
        s.params.join(','),
        s.async ? 'async' : '',
        s.generator ? 'generator' : '',
        s.static ? 'static' : '',
        s.className ?? '-',
      ].join(' '),
    );
    expect(rows).toEqual([
      '0 function decl 1:0 1 a,b,c    -',
      '1 function expr 2:13 2 x,y    -',
      '2 function inner 3:14 0     -',
      '3 arrow arrow 4:14 1 p async   -',
      '4 function obj.prop 5:11 0   generator  -',
      '5 function default 6:15 0     -',
      '6 method m 7:12 0     -',
      '7 getter get g 7:20 0     -',
      '8 setter set g 7:43 1 v    -',
      '9 method ag 7:56 0  async generator  -',
      '10 arrow key 7:77 0     -',
      '11 function [k] 7:91 0     -',
      '12 class C 8:0 2     -',
      '13 constructor C 8:23 2 a,b    C',
      '14 method s 8:54 0    static C',
      '15 method #p 8:68 0     C',
      '16 arrow #q 8:88 0    static C',
      '17 function field 8:105 0     C',
      '18 staticBlock static 8:121 0    static C',
      '19 class D 9:10 0     -',
      '20 method m 9:18 0 a    D',
      '21 arrow assigned 10:25 0     -',
      '22 function withDefault 11:0 0 fn    -',
      '23 arrow fn 11:26 0     -',
    ]);
  });

  it('is what the generated code registers with the runtime', () => {
    const { code, sites } = instrument('function f(a) { return a; }\nf(1);', { filename: '/x/f.js' });
    const registered: unknown[] = [];
    const registry = { module: (file: string, s: unknown) => (registered.push(file, s), fallbackLike()) };
    runInNewContext(code, { [Symbol.for('cinescope.probes')]: registry });
    expect(registered).toEqual(['/x/f.js', sites]);
  });

  it('flags the classes marked @cinescope-state, and their members, wherever the comment may go', () => {
    const source = `/** @cinescope-state */
class A { m() {} get g() { return 1; } static { } }
/* @cinescope-state */ export class B { m() {} }
/** @cinescope-state */ export default class { m() {} }
// @cinescope-state
const C = class { m() {} };
/** @cinescope-state */
module.exports.D = class { m() {} };
/** @cinescope-state */ f();
class NotE { m() {} }
/** @cinescope-stateful */ class NotF { m() {} }
/** @cinescope-state */ class G { inner() { return class NotH { m() {} }; } }
`;
    const { sites } = instrument(source, { filename: 'marked.mjs' });
    const marked = sites.filter((s) => s.stateMarked).map((s) => `${s.kind} ${s.name}`);
    expect(marked).toEqual([
      'class A',
      'method m',
      'getter get g',
      'staticBlock static',
      'class B',
      'method m',
      'class default',
      'method m',
      'class C',
      'method m',
      'class module.exports.D',
      'method m',
      'class G',
      'method inner',
    ]);
    expect(
      sites.filter((s) => /Not/.test(s.name) || s.className?.startsWith('Not')).some((s) => s.stateMarked),
    ).toBe(false);
  });
});

/** A minimal probes object with every flag off. */
function fallbackLike() {
  const v = (_c: number, x: unknown) => x;
  return { on: new Uint8Array(8), enter: () => 0, ret: v, throw() {}, exit() {}, suspend: v, resume: v };
}

describe('inserted text', () => {
  it('adds no line: every original line keeps its number, the registration goes after the last', () => {
    const source = 'function a() {\n  return 1;\n}\nconst b = () =>\n  2;\n';
    const { code } = instrument(source, { filename: 'lines.js' });
    const lines = code.split('\n');
    expect(lines.length).toBe(source.split('\n').length + 1);
    source.split('\n').forEach((line, i) => {
      const words = line.match(/\w+/g) ?? [];
      for (const word of words) expect(lines[i]).toContain(word);
    });
    expect(lines[lines.length - 1]).toMatch(/^var __csr;function __csm\(\)/);
  });

  it('puts the marker first, after a hashbang, and the probes after a directive prologue', () => {
    const { code } = instrument("#!/usr/bin/env node\n'use strict';\nfunction f() {}\n", {
      filename: 'h.js',
    });
    const [hashbang, first] = code.split('\n');
    expect(hashbang).toBe('#!/usr/bin/env node');
    expect(first).toBe(`${INSTRUMENTED_MARKER}'use strict';;var __cs=__csm();`);
  });

  it('keeps a function-level directive first', () => {
    const { code } = instrument("function f() { 'use strict'\n  return this; }", { filename: 'd.js' });
    expect(code).toContain("function f() { 'use strict';const __csp=");
  });

  it('picks names the file does not contain', () => {
    const { code } = instrument("const s = '__cs __cs1'; function f() {}", { filename: 'n.js' });
    expect(code).toContain('var __cs2=__cs2m();');
    expect(code.replace("'__cs __cs1'", '')).not.toMatch(/__cs(?!2)/);
  });

  it('reaches globalThis even when the module shadows it', () => {
    const source = 'var globalThis = {}; var Symbol = null; function f() { return 1; }\nout.v = f();';
    const { code } = instrument(source, { filename: 'g.js' });
    const out: { v?: number } = {};
    runInNewContext(code, { out });
    expect(out.v).toBe(1);
  });

  it('marks a file without functions and leaves the rest alone', () => {
    expect(instrument('const x = 1;\n', { filename: 'e.js' }).code).toBe(
      `${INSTRUMENTED_MARKER}const x = 1;\n`,
    );
    expect(instrument('', { filename: 'e.js' }).code).toBe(INSTRUMENTED_MARKER);
    expect(instrument('\uFEFFx;', { filename: 'bom.js' }).code).toBe(`\uFEFF${INSTRUMENTED_MARKER}x;`);
  });
});

describe('never twice, never broken', () => {
  it('returns instrumented code unchanged', () => {
    const once = instrument('#!/bin/node\nfunction f() { return 1; }', { filename: 'twice.js' });
    expect(isInstrumented(once.code)).toBe(true);
    const twice = instrument(once.code, { filename: 'twice.js' });
    expect(twice).toEqual({
      code: once.code,
      map: null,
      sites: [],
      warnings: [],
      status: 'alreadyInstrumented',
    });
  });

  it('returns a file that does not parse untouched, with a warning naming where', () => {
    const source = 'function f() {\n  return 1 +;\n}';
    expect(instrument(source, { filename: '/app/bad.js' })).toEqual({
      code: source,
      map: null,
      sites: [],
      warnings: [
        '/app/bad.js: cannot parse as JavaScript: Unexpected token (line 2, column 13); running it untouched',
      ],
      status: 'unparsable',
    });
  });

  it('parses as a module or a script as told', () => {
    expect(
      instrument('import x from "y"; function f() {}', { filename: 'm.js', sourceType: 'script' }).status,
    ).toBe('unparsable');
    expect(instrument('return 1; function f() {}', { filename: 'cjs.js' }).status).toBe('instrumented');
    expect(instrument('await 1; function f() {}', { filename: 'tla.mjs', sourceType: 'module' }).status).toBe(
      'instrumented',
    );
  });
});

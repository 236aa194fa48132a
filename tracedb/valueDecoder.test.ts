import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Tag, TruncReason } from '../runtime/valueTags';
import { TraceError } from './errors';
import {
  AccessorValue,
  ClassInstance,
  decodeValue,
  decodeValueJson,
  ErrorValue,
  FunctionValue,
  MAX_DECODE_DEPTH,
  MORE,
  More,
  OpaqueValue,
  SymbolValue,
  toJson,
  Truncated,
} from './valueDecoder';

interface Golden {
  name: string;
  hex: string;
  json: unknown;
}

const golden = JSON.parse(
  readFileSync(new URL('../test/golden/values.json', import.meta.url), 'utf8'),
) as Golden[];
const goldenBytes = (name: string): Uint8Array => {
  const entry = golden.find((g) => g.name === name);
  if (!entry) throw new Error(`no golden case ${name}`);
  return Uint8Array.from(Buffer.from(entry.hex, 'hex'));
};
const decodeGolden = (name: string): unknown => decodeValue(goldenBytes(name));

/** Bytes from tags, numbers and ASCII strings (each string is written as its char codes). */
function bytesOf(...parts: (number | string)[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'number') out.push(p);
    else for (const ch of p) out.push(ch.charCodeAt(0));
  }
  return Uint8Array.from(out);
}
const fixAscii = (s: string): (number | string)[] => [Tag.fixAscii + s.length, s];

function corruptMessage(bytes: Uint8Array): string {
  try {
    decodeValue(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(TraceError);
    expect((e as TraceError).code).toBe('corrupt-value');
    return (e as Error).message;
  }
  throw new Error('expected a corrupt-value error');
}

describe('golden vectors', () => {
  it('covers the cases of the encoder test', () => {
    expect(golden.length).toBeGreaterThanOrEqual(25);
  });
  for (const { name, hex, json } of golden) {
    it(`decodes ${name}`, () => {
      const bytes = Buffer.from(hex, 'hex');
      expect(toJson(decodeValue(bytes))).toEqual(json);
      expect(decodeValueJson(bytes)).toBe(JSON.stringify(json));
    });
  }
});

describe('decodeValue JS form', () => {
  it('rebuilds real values where they round-trip', () => {
    expect(Object.is(decodeGolden('negative-zero'), -0)).toBe(true);
    expect(decodeGolden('nan')).toBeNaN();
    expect(decodeGolden('bigint')).toBe(-12345678901234567890n);
    expect(decodeGolden('string-lone-surrogate')).toBe('a\ud800b');
    expect(decodeGolden('regexp')).toEqual(/a+b/gi);
    const [date, invalid] = decodeGolden('dates') as Date[];
    expect(date.toISOString()).toBe('2020-01-01T00:00:00.000Z');
    expect(invalid.getTime()).toBeNaN();
    const map = decodeGolden('map') as Map<unknown, unknown>;
    expect(map).toBeInstanceOf(Map);
    expect(map.get(2)).toEqual({ b: true });
    expect(decodeGolden('set')).toEqual(new Set(['x', 1]));
    const boxed = decodeGolden('boxed') as object[];
    expect(boxed[0]).toBeInstanceOf(Number);
    expect(boxed[1]).toBeInstanceOf(String);
  });

  it('keeps holes and odd keys', () => {
    const arr = decodeGolden('array-holes') as unknown[];
    expect(arr.length).toBe(5);
    expect(1 in arr).toBe(false);
    expect(4 in arr).toBe(false);
    expect(arr[3]).toBe(4);
    const special = decodeGolden('object-special-keys') as Record<string, unknown>;
    expect(Object.getPrototypeOf(special)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(special, '__proto__')?.value).toBe('own');
    expect(special.$type).toBe('dollar');
    expect(Object.getPrototypeOf(decodeGolden('null-prototype'))).toBe(null);
  });

  it('rebuilds binary data as the same kinds', () => {
    const [u8, f64, buf, ab, dv] = decodeGolden('binary') as unknown[];
    expect(u8).toEqual(new Uint8Array([1, 2, 3]));
    expect(f64).toEqual(new Float64Array([0.5]));
    expect(Buffer.isBuffer(buf)).toBe(true);
    expect(buf).toEqual(Buffer.from('hi'));
    expect(ab).toBeInstanceOf(ArrayBuffer);
    expect((ab as ArrayBuffer).byteLength).toBe(2);
    expect(dv).toBeInstanceOf(DataView);
    expect((dv as DataView).getUint8(1)).toBe(7);
    const cut = decodeGolden('binary-cut') as Truncated;
    expect(cut).toEqual(new Truncated('binary', 'Uint8Array', 100, new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7])));
  });

  it('rebuilds cycles as real cycles', () => {
    const a = decodeGolden('cycle') as { self: unknown; kids: unknown[] };
    expect(a.self).toBe(a);
    expect(a.kids[0]).toBe(a);
  });

  it('uses marker classes for the rest', () => {
    expect(decodeGolden('class-instance')).toEqual(new ClassInstance('Point', { x: 1, y: 2 }));
    expect(decodeGolden('symbols')).toEqual([
      new SymbolValue('tag', false),
      new SymbolValue('app.key', true),
      new SymbolValue(undefined, false),
    ]);
    expect((decodeGolden('functions') as unknown[])[3]).toEqual(new FunctionValue('Klass', 'class'));
    expect(decodeGolden('proxy')).toEqual(new OpaqueValue('Proxy'));
    const getter = decodeGolden('getter') as Record<string, unknown>;
    expect(getter.x).toEqual(new AccessorValue(true, false));
    const err = decodeGolden('error') as ErrorValue;
    expect(err).toBeInstanceOf(ErrorValue);
    expect(err.className).toBe('TypeError');
    expect([err.name, err.message, err.cause]).toEqual(['TypeError', 'bad input', 'no reason']);
    expect(err.props).toEqual({ code: 'E_BAD' });
    expect(decodeGolden('string-cut')).toEqual(new Truncated('string', 'string', 41, 'xxxxxxxxx'));
    expect(decodeGolden('bigint-too-large')).toEqual(new Truncated('size', 'bigint', 26));
  });

  it('records what was cut', () => {
    const cut = decodeGolden('breadth-cut') as {
      arr: unknown[];
      map: Map<unknown, unknown>;
      set: Set<unknown>;
    };
    expect(cut.arr.at(-1)).toEqual(new More(7));
    expect((cut.map as unknown as Record<symbol, unknown>)[MORE]).toBe(2);
    expect((cut.set as unknown as Record<symbol, unknown>)[MORE]).toBe(2);
    const bytesCut = decodeGolden('bytes-cut') as Record<string | symbol, unknown>;
    expect(bytesCut[MORE]).toBe(2);
    expect(Object.keys(bytesCut)).toEqual(['a']);
    const depth = decodeGolden('depth-cut') as { a: { b: unknown } };
    expect(depth.a.b).toEqual(new Truncated('depth', 'Object', 1));
  });

  it('decodes a sub-range and checks its arguments', () => {
    const inner = goldenBytes('plain-object');
    const outer = new Uint8Array(inner.length + 7);
    outer.set(inner, 3);
    expect(decodeValue(outer, 3, 3 + inner.length)).toEqual({ a: 1, b: 'x', c: true });
    expect(decodeValueJson(outer, 3, 3 + inner.length)).toBe('{"a":1,"b":"x","c":true}');
    expect(() => decodeValue(outer, 5, 2)).toThrow(RangeError);
    expect(() => decodeValue(outer, 0, 100)).toThrow(RangeError);
  });
});

describe('decodeValue on corrupt input', () => {
  const cases: [string, Uint8Array, string][] = [
    ['nothing', bytesOf(), 'empty'],
    ['tag 0', bytesOf(0x00), 'unknown tag 0x00'],
    ['an unassigned tag', bytesOf(0xe5), 'unknown tag 0xe5'],
    ['an unclosed array', bytesOf(Tag.array, Tag.fixInt), 'not closed'],
    ['trailing bytes', bytesOf(Tag.fixInt, Tag.fixInt), '1 unexpected bytes follow'],
    ['a string longer than the input', bytesOf(Tag.ascii, 5, 'a'), 'runs past the end'],
    ['a short float', bytesOf(Tag.float64, 1, 2), 'runs past the end'],
    ['invalid UTF-8', bytesOf(Tag.utf8, 2, 0xc3, 0x28), 'not valid UTF-8'],
    ['a non-ASCII byte in ASCII', bytesOf(Tag.fixAscii + 1, 0x80), 'above 0x7f'],
    ['a reference to nothing', bytesOf(Tag.ref, 0), 'not an enclosing container'],
    [
      'a reference to a closed container',
      bytesOf(Tag.array, Tag.array, Tag.end, Tag.ref, 1, Tag.end),
      'reference to container 1',
    ],
    ['MORE before the end', bytesOf(Tag.array, Tag.more, 1, Tag.fixInt, Tag.end), 'MORE is not the last'],
    ['MORE of 0', bytesOf(Tag.array, Tag.more, 0, Tag.end), 'MORE count is 0'],
    [
      'an endless varint',
      bytesOf(Tag.int, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01),
      'longer than 8',
    ],
    ['an unsafe integer', bytesOf(Tag.int, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10), 'safe range'],
    ['a boxed container', bytesOf(Tag.boxed, Tag.array, Tag.end), 'does not hold a primitive'],
    ['a boxed boxed value', bytesOf(Tag.boxed, Tag.boxed, Tag.true), 'does not hold a primitive'],
    ['a partial float array', bytesOf(Tag.binary, 12, 3, 3, 1, 2, 3), 'whole number of Float64Array'],
    ['an unknown binary kind', bytesOf(Tag.binary, 99, 0, 0), 'unknown binary kind 99'],
    ['more bytes captured than exist', bytesOf(Tag.binary, 5, 1, 2, 1, 2), '2 bytes captured out of 1'],
    [
      'a bad regexp',
      bytesOf(Tag.regexp, ...fixAscii('('), ...fixAscii('')),
      'not a valid regular expression',
    ],
    [
      'bad regexp flags',
      bytesOf(Tag.regexp, ...fixAscii('a'), ...fixAscii('gg')),
      'not a valid regular expression',
    ],
    [
      'an unknown truncation reason',
      bytesOf(Tag.truncated, 9, Tag.fixAscii, 0),
      'unknown truncation reason 9',
    ],
    ['an unknown function kind', bytesOf(Tag.function, 9, Tag.fixAscii), 'unknown function kind 9'],
    ['bad accessor flags', bytesOf(Tag.accessor, 4), 'accessor flags 4'],
    ['a key that is not a string', bytesOf(Tag.object, Tag.fixInt, Tag.fixInt, Tag.end), 'expected a string'],
    ['a zero-length hole run', bytesOf(Tag.array, Tag.holes, 0, Tag.end), 'out of range'],
    [
      'too many holes',
      bytesOf(Tag.array, Tag.holes, 0xff, 0xff, 0xff, 0xff, 0x0f, Tag.holes, 1, Tag.end),
      'out of range',
    ],
    ['a cut string longer than its original', bytesOf(Tag.stringCut, 1, ...fixAscii('ab')), 'longer (2)'],
    ['a bigint past the end', bytesOf(Tag.bigintPos, 9, 1), 'runs past the end'],
  ];
  for (const [what, bytes, message] of cases) {
    it(`rejects ${what}`, () => {
      expect(corruptMessage(bytes)).toContain(message);
    });
  }

  it('names the byte offset in a sentence', () => {
    expect(corruptMessage(bytesOf(Tag.array, Tag.fixInt, 0x00, Tag.end))).toBe(
      'Corrupt value at byte 2 of 4: unknown tag 0x00.',
    );
  });

  it('caps nesting instead of overflowing the stack', () => {
    for (const tag of [Tag.array, Tag.map, Tag.set]) {
      const deep = new Uint8Array(200_000).fill(tag);
      expect(corruptMessage(deep)).toContain(`nested deeper than ${MAX_DECODE_DEPTH}`);
    }
    const deepKeys = Uint8Array.from(
      Array.from({ length: 50_000 }, () => [Tag.object, Tag.fixAscii + 1, 0x6b]).flat(),
    );
    expect(corruptMessage(deepKeys)).toContain('nested deeper');
  });

  it('accepts the deepest nesting it allows', () => {
    const depth = MAX_DECODE_DEPTH;
    const bytes = new Uint8Array(2 * depth).fill(Tag.array, 0, depth).fill(Tag.end, depth);
    let v = decodeValue(bytes) as unknown[];
    for (let i = 1; i < depth; i++) v = v[0] as unknown[];
    expect(v).toEqual([]);
    expect(decodeValueJson(bytes).length).toBe(2 * depth);
  });
});

describe('toJson', () => {
  it('escapes keys that start with "$"', () => {
    expect(toJson({ $a: 1, $: 2, a$: 3, $$b: 4 })).toEqual({ $$a: 1, $$: 2, a$: 3, $$$b: 4 });
    expect(toJson(new ClassInstance('C', { $x: 1 }))).toEqual({
      $: 'instance',
      class: 'C',
      props: { $$x: 1 },
    });
  });

  it('numbers containers in pre-order for cycle references', () => {
    const inner: Record<string, unknown> = {};
    const map = new Map<unknown, unknown>();
    const outer = [{ a: [] }, map, inner];
    map.set('self', map);
    inner.up = outer;
    inner.me = inner;
    // Containers: outer 0, {a} 1, [] 2, map 3, inner 4.
    expect(toJson(outer)).toEqual([
      { a: [] },
      { $: 'Map', size: 1, entries: [['self', { $: 'cycle', ref: 3 }]] },
      { up: { $: 'cycle', ref: 0 }, me: { $: 'cycle', ref: 4 } },
    ]);
  });

  it('does not repeat a shared (non-cyclic) object as a cycle', () => {
    const shared = { s: 1 };
    expect(toJson([shared, shared])).toEqual([{ s: 1 }, { s: 1 }]);
  });

  it('collapses long hole runs without visiting every hole', () => {
    const bytes = bytesOf(Tag.array, Tag.holes, 0xfe, 0xff, 0xff, 0xff, 0x0f, Tag.fixInt + 1, Tag.end);
    const started = Date.now();
    expect(toJson(decodeValue(bytes))).toEqual([{ $: 'hole', count: 2 ** 32 - 2 }, 1]);
    expect(Date.now() - started).toBeLessThan(500);
    // eslint-disable-next-line no-sparse-arrays
    expect(toJson([, 1, , , 2])).toEqual([{ $: 'hole' }, 1, { $: 'hole', count: 2 }, 2]);
  });

  it('writes every non-JSON scalar as a "$" object', () => {
    expect(toJson([NaN, Infinity, -Infinity, -0, 0, 1.5, undefined, 10n])).toEqual([
      { $: 'number', v: 'NaN' },
      { $: 'number', v: 'Infinity' },
      { $: 'number', v: '-Infinity' },
      { $: 'number', v: '-0' },
      0,
      1.5,
      { $: 'undefined' },
      { $: 'bigint', v: '10' },
    ]);
  });

  it('keeps own "__proto__" keys as data', () => {
    const o = decodeValue(bytesOf(Tag.object, ...fixAscii('__proto__'), Tag.fixInt + 1, Tag.end));
    expect(JSON.stringify(toJson(o))).toBe('{"__proto__":1}');
  });

  it('describes truncation markers', () => {
    expect(toJson(new Truncated('depth', 'Foo', 3))).toEqual({
      $: 'truncated',
      reason: 'depth',
      type: 'Foo',
      length: 3,
    });
    expect(toJson(new Truncated('bytes', '', -1))).toEqual({ $: 'truncated', reason: 'bytes' });
    const errorMarker = bytesOf(Tag.truncated, TruncReason.error, Tag.fixAscii, 0);
    expect(decodeValueJson(errorMarker)).toBe('{"$":"truncated","reason":"error"}');
  });

  it('accepts plain JS values too', () => {
    expect(toJson({ f: function named() {}, s: Symbol('d') })).toEqual({
      f: { $: 'function', name: 'named', kind: 'function' },
      s: { $: 'symbol', description: 'd' },
    });
  });
});

/**
 * Property tests of the value encoding across both sides: what the runtime encoder writes, the
 * TraceDB decoder reads back; limits always hold; no byte sequence makes the decoder hang, overflow
 * or throw anything but TraceError('corrupt-value').
 */
import { isDeepStrictEqual } from 'node:util';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueEncoder } from '../runtime/valueEncoder';
import type { EncodeLimits } from '../runtime/valueEncoder';
import { Tag } from '../runtime/valueTags';
import { TraceError } from '../tracedb/errors';
import {
  AccessorValue,
  ClassInstance,
  decodeValue,
  decodeValueJson,
  ErrorValue,
  OpaqueValue,
  toJson,
} from '../tracedb/valueDecoder';

const GENEROUS: EncodeLimits = {
  maxDepth: 64,
  maxBreadth: 1_000_000,
  maxString: 1_000_000,
  maxBytes: 8 << 20,
};
const generous = new ValueEncoder(GENEROUS);

/** Encodes with `encoder` and returns a copy of the bytes. */
function encode(value: unknown, encoder = generous): Uint8Array {
  return encoder.bytes.slice(0, encoder.encode(value));
}

/** Decodes, or returns the TraceError; anything else thrown fails the test. */
function decodeOrError(bytes: Uint8Array): { value?: unknown; error?: TraceError } {
  try {
    return { value: decodeValue(bytes) };
  } catch (e) {
    if (!(e instanceof TraceError) || e.code !== 'corrupt-value') throw e;
    return { error: e };
  }
}

// ---- Arbitraries of values that round-trip exactly (util.isDeepStrictEqual).

const scalar = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.maxSafeInteger(),
  fc.bigInt(),
  fc.bigInt({ min: -(2n ** 600n), max: 2n ** 600n }),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'binary', minLength: 32, maxLength: 300 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 20, maxLength: 100 }),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);

const object = fc.oneof(
  fc.date({ noInvalidDate: true }),
  fc
    .constantFrom('a+', '^x$', '[\\d\\s]*', '(?<n>y)')
    .chain((source) => fc.constantFrom('', 'g', 'gimsuy', 'dv').map((flags) => new RegExp(source, flags))),
  fc.uint8Array(),
  fc.int8Array(),
  fc.uint8ClampedArray(),
  fc.int16Array(),
  fc.uint16Array(),
  fc.int32Array(),
  fc.uint32Array(),
  fc.float32Array(),
  fc.float64Array(),
  fc.bigInt64Array(),
  fc.bigUint64Array(),
  fc.uint8Array().map((a) => a.buffer),
  fc.uint8Array().map((a) => new DataView(a.buffer)),
  fc.double().map((n) => new Number(n)),
  fc.string({ unit: 'binary', maxLength: 10 }).map((s) => new String(s)),
  fc.boolean().map((b) => new Boolean(b)),
);

const { value: roundTrippable } = fc.letrec((tie) => ({
  value: fc.oneof(
    { maxDepth: 4, depthSize: 'small' },
    scalar,
    object,
    tie('array'),
    tie('sparse'),
    tie('record'),
    tie('map'),
    tie('set'),
  ),
  array: fc.array(tie('value'), { maxLength: 6 }),
  sparse: fc.sparseArray(tie('value'), { maxLength: 12 }),
  // Keys are any strings, "__proto__" and lone surrogates included; some objects have a null prototype.
  record: fc.dictionary(fc.string({ unit: 'binary', maxLength: 8 }), tie('value'), { maxKeys: 6 }),
  map: fc.array(fc.tuple(tie('value'), tie('value')), { maxLength: 4 }).map((e) => new Map(e)),
  set: fc.array(tie('value'), { maxLength: 4 }).map((v) => new Set(v)),
}));

// ---- Arbitraries of anything at all, exotic kinds included.

class Widget {
  constructor(
    readonly id: number,
    readonly tags: unknown,
  ) {}
}

const exotic = fc.constantFrom<() => unknown>(
  () => Symbol('s'),
  () => Symbol.for('registered'),
  () => function named() {},
  () => async () => {},
  () => class K {},
  () => new Error('e', { cause: new TypeError('inner') }),
  () => Object.assign(new RangeError('r'), { code: 'E_R', extra: [1, 2] }),
  () => new AggregateError([new Error('a')], 'agg'),
  () => Promise.resolve(1),
  () => new WeakMap(),
  () => new WeakSet(),
  () => new WeakRef({}),
  () => new Proxy({}, {}),
  () => new Proxy([], { get: () => 1 }),
  () => new Map([[{}, new Set([1])]]).entries(),
  () => new Date(NaN),
  () => Buffer.from('buffer bytes'),
  () => new SharedArrayBuffer(4),
  () => Object.defineProperty({}, 'g', { get: () => 1, enumerable: true }),
  () => Object(Symbol('boxed')),
  () => {
    const cyclic: Record<string, unknown> = { n: 1 };
    cyclic.me = cyclic;
    return cyclic;
  },
);

const { value: anyValue } = fc.letrec((tie) => ({
  value: fc.oneof(
    { maxDepth: 5, depthSize: 'small' },
    fc.anything({
      maxDepth: 3,
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withNullPrototype: true,
      withObjectString: true,
      withSet: true,
      withSparseArray: true,
      withTypedArray: true,
      withUnicodeString: true,
    }),
    exotic.map((make) => make()),
    fc.string({ unit: 'binary', minLength: 20, maxLength: 400 }),
    tie('array'),
    tie('instance'),
    tie('map'),
  ),
  array: fc.array(tie('value'), { maxLength: 12 }),
  instance: fc.tuple(fc.integer(), tie('value')).map(([id, tags]) => new Widget(id, tags)),
  map: fc.array(fc.tuple(tie('value'), tie('value')), { maxLength: 5 }).map((e) => new Map(e)),
}));

const tightLimits = fc.record({
  maxDepth: fc.integer({ min: 0, max: 4 }),
  maxBreadth: fc.integer({ min: 0, max: 6 }),
  maxString: fc.integer({ min: 0, max: 24 }),
  maxBytes: fc.integer({ min: 32, max: 400 }),
});

describe('value round trip', () => {
  it('decodes what it encodes, exactly, for the round-trippable kinds', () => {
    fc.assert(
      fc.property(roundTrippable, (value) => {
        const bytes = encode(value);
        expect(generous.truncated).toBe(false);
        const back = decodeValue(bytes);
        expect(isDeepStrictEqual(back, value)).toBe(true);
      }),
      { numRuns: 600 },
    );
  });

  it('rebuilds cycles through any container', () => {
    fc.assert(
      fc.property(roundTrippable, fc.integer({ min: 0, max: 3 }), (value, kind) => {
        let root: unknown;
        if (kind === 0) {
          const o: Record<string, unknown> = { value };
          o.self = o;
          root = o;
        } else if (kind === 1) {
          const a: unknown[] = [value];
          a.push([a]);
          root = a;
        } else if (kind === 2) {
          const m = new Map<unknown, unknown>([['v', value]]);
          m.set(m, [m]);
          root = m;
        } else {
          const s = new Set<unknown>([value]);
          s.add({ back: s });
          root = s;
        }
        expect(isDeepStrictEqual(decodeValue(encode(root)), root)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('produces JSON for everything it decodes', () => {
    fc.assert(
      fc.property(roundTrippable, (value) => {
        const json = decodeValueJson(encode(value));
        expect(JSON.stringify(JSON.parse(json))).toBe(json);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps plain JSON data as is in the JSON form', () => {
    fc.assert(
      // Through JSON first: that turns -0 into 0, which the JSON form would otherwise keep apart.
      fc.property(
        fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown),
        (value) => {
          // "$" keys are escaped; otherwise JSON data is unchanged.
          fc.pre(!JSON.stringify(value).includes('"$'));
          expect(JSON.parse(decodeValueJson(encode(value)))).toEqual(value);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('limits', () => {
  it('keeps any value within maxBytes and always decodable', () => {
    fc.assert(
      fc.property(anyValue, tightLimits, (value, limits) => {
        const encoder = new ValueEncoder(limits);
        const n = encoder.encode(value);
        expect(n).toBeGreaterThan(0);
        expect(n).toBeLessThanOrEqual(limits.maxBytes);
        const json = decodeValueJson(encoder.bytes, 0, n);
        expect(typeof JSON.parse(json)).not.toBe('undefined');
      }),
      { numRuns: 1500 },
    );
  });

  it('decodes anything encoded with the defaults', () => {
    const encoder = new ValueEncoder();
    fc.assert(
      fc.property(anyValue, (value) => {
        const n = encoder.encode(value);
        expect(n).toBeLessThanOrEqual(encoder.limits.maxBytes);
        toJson(decodeValue(encoder.bytes, 0, n));
      }),
      { numRuns: 500 },
    );
  });

  it('caps strings, breadth and depth as configured', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 60 }),
        fc.integer({ min: 0, max: 40 }),
        (s, maxString) => {
          const encoder = new ValueEncoder({ maxString });
          const back = decodeValue(encode(s, encoder));
          if (s.length <= maxString) {
            expect(back).toBe(s);
            return;
          }
          const cut = back as { value: string; length: number };
          expect(cut.length).toBe(s.length);
          expect(s.startsWith(cut.value)).toBe(true);
          // Never splits a surrogate pair: at most one unit shorter than the limit.
          expect(cut.value.length).toBeGreaterThanOrEqual(maxString - 1);
        },
      ),
    );
  });
});

describe('decoding hostile bytes', () => {
  const tagBytes = Object.values(Tag).filter((t) => t < 0x80);
  const biasedByte = fc.oneof(
    fc.constantFrom(...tagBytes, 0x80, 0x81, 0xc0, 0xc1, 0xc3),
    fc.integer({ min: 0, max: 255 }),
  );

  it('turns random bytes into a value or a corrupt-value error', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.array(biasedByte, { maxLength: 64 })),
        (raw) => {
          const bytes = Uint8Array.from(raw);
          const { value, error } = decodeOrError(bytes);
          if (error) expect(error.message).toMatch(/^Corrupt value at byte \d+ of \d+: .+\.$/);
          else JSON.stringify(toJson(value));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('rejects every proper prefix of a valid encoding', () => {
    const encoder = new ValueEncoder({ maxBytes: 1024 });
    fc.assert(
      fc.property(anyValue, (value) => {
        const bytes = encode(value, encoder);
        for (let n = 0; n < bytes.length; n++) {
          expect(decodeOrError(bytes.subarray(0, n)).error).toBeInstanceOf(TraceError);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('survives corrupted encodings', () => {
    fc.assert(
      fc.property(
        anyValue,
        fc.array(fc.tuple(fc.nat(), biasedByte), { minLength: 1, maxLength: 4 }),
        (value, edits) => {
          const bytes = encode(value, new ValueEncoder());
          for (const [at, b] of edits) bytes[at % bytes.length] = b;
          const { value: back } = decodeOrError(bytes);
          if (back !== undefined) JSON.stringify(toJson(back));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('values from another realm', () => {
  it("are captured like this realm's", () => {
    const foreign = runInNewContext(
      `({ plain: { a: 1 }, list: [1, [2]], map: new Map([[1, 'x']]), set: new Set([1]), date: new Date(0),
          err: new TypeError('boom'), bytes: new Uint8Array([1, 2]), inst: new (class Foo { constructor() { this.v = 1 } })() })`,
    ) as Record<string, unknown>;
    const back = decodeValue(encode(foreign)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(back.plain).toEqual({ a: 1 });
    expect(back.list).toEqual([1, [2]]);
    expect(back.map).toEqual(new Map([[1, 'x']]));
    expect(back.set).toEqual(new Set([1]));
    expect((back.date as Date).getTime()).toBe(0);
    expect((back.err as ErrorValue).className).toBe('TypeError');
    expect((back.err as ErrorValue).message).toBe('boom');
    expect(back.bytes).toEqual(new Uint8Array([1, 2]));
    expect(back.inst).toEqual(new ClassInstance('Foo', { v: 1 }));
  });
});

describe('capture without user code, seen through the decoder', () => {
  it('shows getters, proxies and overridden collections as they are', () => {
    let calls = 0;
    const hit = (): never => {
      calls++;
      throw new Error('user code ran');
    };
    class SneakyMap extends Map<unknown, unknown> {
      override entries = hit;
      override [Symbol.iterator] = hit;
      override forEach = hit;
    }
    const value = {
      getter: Object.defineProperty({ plain: 1 }, 'computed', { get: hit, enumerable: true }),
      proxy: new Proxy(
        { a: 1 },
        { get: hit, ownKeys: hit, getOwnPropertyDescriptor: hit, getPrototypeOf: hit },
      ),
      map: new SneakyMap([['k', 'v']]),
      widget: Object.assign(new Widget(7, []), { toJSON: hit, valueOf: hit }),
    };
    const back = decodeValue(encode(value)) as Record<string, unknown>;
    expect(calls).toBe(0);
    expect(back.getter).toEqual({ plain: 1, computed: new AccessorValue(true, false) });
    expect(back.proxy).toEqual(new OpaqueValue('Proxy'));
    expect(back.map).toEqual(new Map([['k', 'v']]));
    const widget = back.widget as ClassInstance;
    expect(widget.className).toBe('Widget');
    expect(Object.keys(widget.props)).toEqual(['id', 'tags', 'toJSON', 'valueOf']);
  });
});

describe('errors that are not native', () => {
  it('captures name, message and stack of an error rebuilt by Node (a worker error in its parent)', () => {
    // Node rebuilds a worker's error in the parent without the native error slot: an object on
    // Error.prototype with own, non-enumerable message and stack.
    const rebuilt = Object.create(TypeError.prototype) as Error;
    Object.defineProperty(rebuilt, 'message', { value: 'from a worker', enumerable: false });
    Object.defineProperty(rebuilt, 'stack', {
      value: 'TypeError: from a worker\n    at w.js:1:1',
      enumerable: false,
    });
    const encoder = new ValueEncoder();
    const length = encoder.encode({ error: rebuilt });
    const json = toJson(decodeValue(encoder.bytes, 0, length)) as { error: Record<string, unknown> };
    expect(json.error).toMatchObject({
      $: 'Error',
      class: 'TypeError',
      name: 'TypeError',
      message: 'from a worker',
      stack: 'TypeError: from a worker\n    at w.js:1:1',
    });
  });
});

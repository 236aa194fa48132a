import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, MIN_BYTES_LIMIT, ValueEncoder } from './valueEncoder';
import type { EncodeLimits } from './valueEncoder';
import { Tag, TruncReason } from './valueTags';

const GOLDEN_URL = new URL('../test/golden/values.json', import.meta.url);

/** One golden case: a value (built fresh each time) and the limits it is encoded with. */
interface GoldenCase {
  name: string;
  make: () => unknown;
  limits?: Partial<EncodeLimits>;
}

class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
}

/** An error whose stack does not depend on the machine that runs the test. */
function fixedError(): Error {
  const e = new TypeError('bad input', { cause: 'no reason' }) as TypeError & { code?: string };
  Object.defineProperty(e, 'stack', {
    value: 'TypeError: bad input\n    at check (app.js:1:1)',
    writable: true,
    enumerable: false,
    configurable: true,
  });
  e.code = 'E_BAD';
  return e;
}

/** The golden table: names map to the values whose encodings test/golden/values.json pins. */
const GOLDEN: GoldenCase[] = [
  { name: 'fixint', make: () => 42 },
  { name: 'int-negative', make: () => -1000 },
  { name: 'int-large', make: () => 2 ** 40 },
  { name: 'double', make: () => 3.25 },
  { name: 'negative-zero', make: () => -0 },
  { name: 'nan', make: () => NaN },
  { name: 'negative-infinity', make: () => -Infinity },
  { name: 'scalars', make: () => [true, false, null, undefined] },
  { name: 'string-ascii', make: () => 'hello' },
  { name: 'string-long-ascii', make: () => 'the quick brown fox jumps over the lazy dog' },
  { name: 'string-utf8', make: () => 'héllo ✓ 😀' },
  { name: 'string-lone-surrogate', make: () => 'a\ud800b' },
  { name: 'string-cut', make: () => 'x'.repeat(9) + '😀' + 'y'.repeat(30), limits: { maxString: 10 } },
  { name: 'bigint', make: () => -12345678901234567890n },
  { name: 'bigint-too-large', make: () => 2n ** 200n, limits: { maxString: 8 } },
  { name: 'symbols', make: () => [Symbol('tag'), Symbol.for('app.key'), Symbol()] },
  // eslint-disable-next-line no-sparse-arrays
  { name: 'array-holes', make: () => [1, , , 4, ,] },
  { name: 'plain-object', make: () => ({ a: 1, b: 'x', c: true }) },
  {
    name: 'object-special-keys',
    make: () => {
      const o: Record<string, unknown> = { $type: 'dollar', '': 'empty', é: 'accent' };
      Object.defineProperty(o, '__proto__', {
        value: 'own',
        enumerable: true,
        writable: true,
        configurable: true,
      });
      return o;
    },
  },
  { name: 'null-prototype', make: () => Object.assign(Object.create(null) as object, { k: 1 }) },
  { name: 'class-instance', make: () => new Point(1, 2) },
  {
    name: 'map',
    make: () =>
      new Map<unknown, unknown>([
        ['a', 1],
        [2, { b: true }],
      ]),
  },
  { name: 'set', make: () => new Set(['x', 1]) },
  { name: 'dates', make: () => [new Date(Date.UTC(2020, 0, 1)), new Date(NaN)] },
  { name: 'regexp', make: () => /a+b/gi },
  { name: 'error', make: fixedError },
  {
    name: 'binary',
    make: () => [
      new Uint8Array([1, 2, 3]),
      new Float64Array([0.5]),
      Buffer.from('hi'),
      new ArrayBuffer(2),
      new DataView(new Uint8Array([9, 8, 7]).buffer, 1),
    ],
  },
  { name: 'binary-cut', make: () => new Uint8Array(100).map((_, i) => i), limits: { maxString: 8 } },
  {
    name: 'functions',
    make: () => [
      function named() {},
      async () => {},
      function* gen() {},
      class Klass {},
      async function* agen() {},
    ],
  },
  { name: 'opaque', make: () => [Promise.resolve(1), new WeakMap(), new WeakSet()] },
  {
    name: 'proxy',
    make: () =>
      new Proxy(
        { secret: 1 },
        {
          get: () => {
            throw new Error('trap');
          },
          ownKeys: () => {
            throw new Error('trap');
          },
        },
      ),
  },
  {
    name: 'getter',
    make: () => ({
      get x(): number {
        throw new Error('getter ran');
      },
      set y(_v: number) {},
      z: 1,
    }),
  },
  {
    name: 'cycle',
    make: () => {
      const a: Record<string, unknown> = { name: 'a', kids: [] };
      (a.kids as unknown[]).push(a);
      a.self = a;
      return a;
    },
  },
  {
    name: 'depth-cut',
    make: () => ({ a: { b: { c: 1 } }, list: [[1], new Map()] }),
    limits: { maxDepth: 2 },
  },
  {
    name: 'breadth-cut',
    make: () => ({
      arr: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      map: new Map([1, 2, 3, 4, 5].map((n) => [n, n])),
      set: new Set([1, 2, 3, 4, 5]),
    }),
    limits: { maxBreadth: 3 },
  },
  {
    name: 'bytes-cut',
    make: () => ({ a: 'x'.repeat(50), b: [1, 2, 3], c: { d: 'y'.repeat(30) } }),
    limits: { maxBytes: 48 },
  },
  { name: 'boxed', make: () => [new Number(5), new String('s'), Object(1n), new Boolean(false)] },
];

function hexOf(value: unknown, limits?: Partial<EncodeLimits>): string {
  const encoder = new ValueEncoder(limits);
  const n = encoder.encode(value);
  return Buffer.from(encoder.bytes.subarray(0, n)).toString('hex');
}

function encodeOnce(
  value: unknown,
  limits?: Partial<EncodeLimits>,
): { bytes: Uint8Array; truncated: boolean } {
  const encoder = new ValueEncoder(limits);
  const n = encoder.encode(value);
  return { bytes: encoder.bytes.slice(0, n), truncated: encoder.truncated };
}

describe('golden vectors', () => {
  if (process.env.UPDATE_GOLDEN === '1') {
    it('regenerates test/golden/values.json', async () => {
      // Test-only, only when regenerating: the runtime itself never imports the reader side.
      const { decodeValue, toJson } = await import('../tracedb/valueDecoder');
      const entries = GOLDEN.map(({ name, make, limits }) => {
        const hex = hexOf(make(), limits);
        return { name, hex, json: toJson(decodeValue(Buffer.from(hex, 'hex'))) };
      });
      // Write then rename, so a decoder test running alongside never reads half a file.
      const temp = new URL(`values.json.${process.pid}.tmp`, GOLDEN_URL);
      writeFileSync(temp, JSON.stringify(entries, null, 2) + '\n');
      renameSync(temp, GOLDEN_URL);
    });
    return;
  }
  const golden = JSON.parse(readFileSync(GOLDEN_URL, 'utf8')) as { name: string; hex: string }[];
  const byName = new Map(golden.map((g) => [g.name, g.hex]));

  it('has one golden entry per case', () => {
    expect(golden.map((g) => g.name)).toEqual(GOLDEN.map((c) => c.name));
  });
  for (const { name, make, limits } of GOLDEN) {
    it(`encodes ${name}`, () => {
      expect(hexOf(make(), limits)).toBe(byName.get(name));
    });
  }
});

describe('ValueEncoder', () => {
  it('uses the documented defaults and clamps limits', () => {
    expect(new ValueEncoder().limits).toEqual(DEFAULT_LIMITS);
    const e = new ValueEncoder({ maxBytes: 1, maxDepth: 1e9, maxBreadth: -5, maxString: NaN });
    expect(e.limits.maxBytes).toBe(MIN_BYTES_LIMIT);
    expect(e.limits.maxDepth).toBe(128);
    expect(e.limits.maxBreadth).toBe(0);
    expect(e.limits.maxString).toBe(DEFAULT_LIMITS.maxString);
    expect(e.bytes.length).toBe(MIN_BYTES_LIMIT);
  });

  it('reuses its scratch buffer and reports truncation per call', () => {
    const e = new ValueEncoder({ maxString: 4 });
    const bytes = e.bytes;
    e.encode('long string');
    expect(e.truncated).toBe(true);
    e.encode('ok');
    expect(e.truncated).toBe(false);
    expect(e.bytes).toBe(bytes);
  });

  it('encodes numbers compactly', () => {
    expect(hexOf(0)).toBe('80');
    expect(hexOf(63)).toBe('bf');
    expect(hexOf(64)).toBe('058001');
    expect(hexOf(-1)).toBe('0501');
    expect(hexOf(2 ** 31)).toBe('058080808010');
    expect(hexOf(-(2 ** 52))).toBe('05ffffffffffffff0f');
    expect(hexOf(2 ** 52)).toBe('060000000000003043');
    expect(hexOf(0.5)).toBe('06000000000000e03f');
    expect(hexOf(2 ** 53)).toBe('060000000000004043');
  });

  it('keeps every encoding within maxBytes and well formed', () => {
    const big = {
      strings: Array.from({ length: 100 }, (_, i) => 'value number ' + i),
      nested: [[[[['deep']]]]],
      map: new Map(Array.from({ length: 50 }, (_, i) => [i, { i }])),
    };
    for (let maxBytes = MIN_BYTES_LIMIT; maxBytes < 2000; maxBytes += 7) {
      const e = new ValueEncoder({ maxBytes });
      const n = e.encode(big);
      expect(n).toBeLessThanOrEqual(maxBytes);
      expect(e.truncated).toBe(true);
      expect(e.bytes[0]).toBe(Tag.object);
      expect(e.bytes[n - 1]).toBe(Tag.end);
    }
  });

  it('bounds the work on huge containers and strings', () => {
    const started = Date.now();
    const e = new ValueEncoder();
    e.encode(new Array(2 ** 31));
    e.encode(new Map(Array.from({ length: 100_000 }, (_, i) => [i, i])));
    e.encode('x'.repeat(10_000_000));
    e.encode(new Uint8Array(50_000_000));
    e.encode(2n ** 1_000_000n);
    expect(e.truncated).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('never throws: an internal failure becomes an error marker', () => {
    const e = new ValueEncoder();
    (e as unknown as { date: () => never }).date = () => {
      throw new Error('bug');
    };
    const n = e.encode({ when: new Date() });
    expect(e.truncated).toBe(true);
    expect(Buffer.from(e.bytes.subarray(0, n)).toString('hex')).toBe(
      [Tag.truncated, TruncReason.error, Tag.fixAscii, 0]
        .map((b) => b.toString(16).padStart(2, '0'))
        .join(''),
    );
    // The encoder stays usable.
    expect(hexOf(1)).toBe('81');
    expect(e.encode(1)).toBe(1);
  });

  it('does not keep the encoded objects alive', () => {
    const e = new ValueEncoder();
    e.encode({ a: [{ b: new Map([[1, new Set([{}])]]) }] });
    expect((e as unknown as { open: unknown[] }).open.every((o) => o === undefined)).toBe(true);
  });
});

describe('capturing never runs user code', () => {
  /** Counts calls; the test then expects 0. */
  function counter(): { calls: number; hit: () => never; count: () => number } {
    const c = {
      calls: 0,
      hit: (): never => {
        c.calls++;
        throw new Error('user code ran');
      },
      count: (): number => ++c.calls,
    };
    return c;
  }

  it('does not call getters, even throwing ones', () => {
    const c = counter();
    const o = { ok: 1 } as Record<string, unknown>;
    Object.defineProperty(o, 'boom', { get: c.hit, enumerable: true });
    const arr = [1, 2];
    Object.defineProperty(arr, 1, { get: c.hit, enumerable: true });
    class WithGetter {
      get computed(): never {
        return c.hit();
      }
    }
    const inst = new WithGetter();
    Object.defineProperty(inst, 'own', { get: c.hit, set: c.hit, enumerable: true });
    const { bytes, truncated } = encodeOnce([o, arr, inst]);
    expect(c.calls).toBe(0);
    expect(truncated).toBe(false);
    expect(bytes.filter((b) => b === Tag.accessor).length).toBe(3);
  });

  it('does not read inherited array elements through holes', () => {
    const c = counter();
    Object.defineProperty(Array.prototype, 1, { get: c.hit, configurable: true });
    try {
      // eslint-disable-next-line no-sparse-arrays
      encodeOnce([0, , 2]);
    } finally {
      delete (Array.prototype as unknown as Record<number, unknown>)[1];
    }
    expect(c.calls).toBe(0);
  });

  it('never touches a Proxy trap', () => {
    const c = counter();
    const traps: ProxyHandler<object> = {};
    for (const trap of [
      'get',
      'set',
      'has',
      'ownKeys',
      'getOwnPropertyDescriptor',
      'getPrototypeOf',
      'setPrototypeOf',
      'isExtensible',
      'preventExtensions',
      'defineProperty',
      'deleteProperty',
      'apply',
      'construct',
    ] as const) {
      (traps as Record<string, unknown>)[trap] = c.hit;
    }
    const objectProxy = new Proxy({ a: 1 }, traps);
    const arrayProxy = new Proxy([1, 2], traps);
    const functionProxy = new Proxy(function f() {}, traps);
    const mapProxy = new Proxy(new Map([[1, 2]]), traps);
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    const viaPrototype = Object.create(objectProxy) as object; // its prototype is a Proxy
    const value = {
      objectProxy,
      arrayProxy,
      functionProxy,
      mapProxy,
      revoked,
      viaPrototype,
      inMap: new Map([[objectProxy, arrayProxy]]),
      inSet: new Set([functionProxy]),
      err: Object.assign(new Error('x'), { detail: objectProxy }),
    };
    const { bytes } = encodeOnce(value);
    expect(c.calls).toBe(0);
    expect(bytes.filter((b) => b === Tag.proxy).length).toBe(9);
  });

  it('does not call toJSON, valueOf, toString, Symbol.toPrimitive or a custom inspect', () => {
    const c = counter();
    const hooks = {
      toJSON: c.hit,
      valueOf: c.hit,
      toString: c.hit,
      [Symbol.toPrimitive]: c.hit,
      [inspect.custom]: c.hit,
      [Symbol.toStringTag]: 'Tag',
    };
    class Hooked {
      toJSON = c.hit;
      valueOf(): never {
        return c.hit();
      }
      get [Symbol.toStringTag](): never {
        return c.hit();
      }
    }
    const date = new Date(0);
    Object.assign(date, { getTime: c.hit, toISOString: c.hit, valueOf: c.hit });
    encodeOnce([hooks, new Hooked(), date, Object.assign(new Number(1), { valueOf: c.hit })]);
    expect(c.calls).toBe(0);
  });

  it('does not use overridable Map/Set methods or iterators', () => {
    const c = counter();
    class SneakyMap extends Map<unknown, unknown> {
      override entries = c.hit;
      override forEach = c.hit;
      override keys = c.hit;
      override values = c.hit;
      override get = c.hit;
      override [Symbol.iterator] = c.hit;
      override get size(): number {
        return c.hit();
      }
    }
    class SneakySet extends Set<unknown> {
      override values = c.hit;
      override [Symbol.iterator] = c.hit;
    }
    const map = new SneakyMap([['k', 'v']]);
    const set = new SneakySet([1, 2]);
    const { bytes, truncated } = encodeOnce({ map, set });
    expect(c.calls).toBe(0);
    expect(truncated).toBe(false);
    expect(bytes.includes(Tag.map) && bytes.includes(Tag.set)).toBe(true);
  });

  it('is immune to built-ins patched after it loaded', () => {
    const c = counter();
    const patches: [object, PropertyKey][] = [
      [Map.prototype, Symbol.iterator],
      [Map.prototype, 'entries'],
      [Map.prototype, 'forEach'],
      [Object.getPrototypeOf(new Map().entries()) as object, 'next'],
      [Set.prototype, 'values'],
      [Object.getPrototypeOf(new Set().values()) as object, 'next'],
      [Array.prototype, Symbol.iterator],
      [Array.prototype, 'push'],
      [Object, 'keys'],
      [Object, 'getOwnPropertyDescriptor'],
      [Object, 'getPrototypeOf'],
      [Object, 'hasOwn'],
      [Reflect, 'ownKeys'],
      [Function.prototype, 'call'],
      [Function.prototype, 'toString'],
      [String.prototype, 'charCodeAt'],
      [Date.prototype, 'getTime'],
      [Number, 'isSafeInteger'],
      [Symbol, 'keyFor'],
      [BigInt.prototype, 'toString'],
      [Object.getPrototypeOf(Uint8Array.prototype) as object, 'set'],
    ];
    const saved = patches.map(([o, k]) => Object.getOwnPropertyDescriptor(o, k));
    expect(saved.every((d) => d !== undefined)).toBe(true);
    const value = {
      map: new Map([['k', [1, 2]]]),
      set: new Set(['a']),
      date: new Date(0),
      text: 'héllo',
      big: 2n ** 70n,
      sym: Symbol.for('s'),
      fn: class K {},
      bytes: new Uint8Array([1, 2]),
      n: 2 ** 40,
    };
    const encoder = new ValueEncoder();
    let n = 0;
    // Between patching and restoring, only index loops and defineProperty: destructuring and
    // for-of would themselves call the patched iterators.
    try {
      for (let i = 0; i < patches.length; i++) {
        Object.defineProperty(patches[i][0], patches[i][1], {
          value: c.hit,
          configurable: true,
          writable: true,
        });
      }
      n = encoder.encode(value);
    } finally {
      for (let i = 0; i < patches.length; i++) Object.defineProperty(patches[i][0], patches[i][1], saved[i]!);
    }
    expect(c.calls).toBe(0);
    expect(encoder.truncated).toBe(false);
    expect(Buffer.from(encoder.bytes.subarray(0, n)).toString('hex')).toBe(hexOf(value));
  });

  it('reads constructor and function names through data properties only', () => {
    const c = counter();
    class Named {}
    Object.defineProperty(Named, 'name', { get: c.hit });
    class Hidden {}
    Object.defineProperty(Hidden.prototype, 'constructor', { get: c.hit });
    const fn = function f() {};
    Object.defineProperty(fn, 'name', { get: c.hit });
    const { bytes } = encodeOnce([new Named(), new Hidden(), fn, Named]);
    expect(c.calls).toBe(0);
    // Both instances fall back to the class name 'Object'.
    expect(Buffer.from(bytes).toString('latin1').split('Object').length - 1).toBe(2);
  });

  it('does not call getters of errors, regexps, typed arrays or prepareStackTrace failures', () => {
    const c = counter();
    const err = new Error('m');
    Object.defineProperty(err, 'message', { get: c.hit });
    Object.defineProperty(err, 'cause', { get: c.hit });
    class LoudError extends Error {
      override get name(): never {
        return c.hit();
      }
    }
    class LoudRegExp extends RegExp {
      override get flags(): never {
        return c.hit();
      }
      override get global(): never {
        return c.hit();
      }
      override get source(): never {
        return c.hit();
      }
    }
    class LoudBytes extends Uint8Array {
      override get length(): never {
        return c.hit();
      }
      override get buffer(): never {
        return c.hit();
      }
      override get [Symbol.toStringTag](): never {
        return c.hit();
      }
    }
    const { bytes, truncated } = encodeOnce([
      err,
      new LoudError('x'),
      new LoudRegExp('a', 'g'),
      new LoudBytes(3),
    ]);
    expect(c.calls).toBe(0);
    expect(truncated).toBe(false);
    expect(bytes.filter((b) => b === Tag.accessor).length).toBe(3);
  });

  it('refuses a reentrant call from a user Error.prepareStackTrace', () => {
    const e = new ValueEncoder();
    const original = Error.prepareStackTrace;
    let inner = -1;
    Error.prepareStackTrace = () => {
      inner = e.encode({ nested: true });
      return 'formatted';
    };
    try {
      const value = { err: new Error('x'), after: 'still here' };
      const n = e.encode(value);
      expect(inner).toBe(0);
      expect(e.truncated).toBe(false);
      // The stack is formatted (and cached) now: a fresh encoder writes the same bytes.
      expect(Buffer.from(e.bytes.subarray(0, n)).toString('hex')).toBe(hexOf(value));
    } finally {
      Error.prepareStackTrace = original;
    }
  });

  it('survives an Error.prepareStackTrace that throws', () => {
    const original = Error.prepareStackTrace;
    const fresh = new Error('unformatted');
    Error.prepareStackTrace = () => {
      throw new Error('formatting failed');
    };
    try {
      const { bytes, truncated } = encodeOnce({ fresh });
      expect(truncated).toBe(false);
      expect(bytes[bytes.length - 1]).toBe(Tag.end);
    } finally {
      Error.prepareStackTrace = original;
    }
  });
});

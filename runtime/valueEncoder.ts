/**
 * Captures a JS value of the traced program into the compact tagged encoding of `valueTags.ts`.
 *
 * It runs on the traced program's own threads, inside its hooks, so it must be invisible:
 * - It never runs user code. Properties are read through own property descriptors (a getter is
 *   recorded as an accessor, never called), Proxies are recognised before anything could trap,
 *   and every built-in it calls was captured when this module loaded ("primordials"), so a
 *   program that patches Map.prototype.entries, Object.keys or String.prototype.charCodeAt
 *   cannot get its code called from here.
 * - It never throws: any internal failure becomes a TRUNCATED(error) marker.
 * - It allocates nothing per call for scalars and little for containers: one preallocated
 *   scratch buffer of maxBytes, reused by every encode.
 *
 * The one exception to "never runs user code": reading `stack` of an error whose stack trace V8
 * has not formatted yet makes V8 format it, which calls a user-installed
 * `Error.prepareStackTrace` (source-map-support, test runners) once; V8 caches the result, so the
 * program later sees the same string. Without it, every program using such a hook would lose
 * every stack trace. (The stack is skipped when formatting it would run a getter or a toString:
 * see stackIsSafe.)
 */
import { Buffer } from 'node:buffer';
import { types } from 'node:util';
import {
  BINARY_ELEMENT_SIZES,
  BINARY_KINDS,
  CLOSE_RESERVE,
  FIXASCII_MAX,
  FIXINT_MAX,
  Tag,
  TruncReason,
} from './valueTags';

/** Limits applied while capturing one value. */
export interface EncodeLimits {
  /** Containers nested this deep become TRUNCATED(depth) markers; 0 keeps only scalars. */
  maxDepth: number;
  /** Array slots, object properties, Map/Set entries captured per container before a MORE marker. */
  maxBreadth: number;
  /** UTF-16 code units captured per string; also bytes captured per binary value or BigInt. */
  maxString: number;
  /** Size of the whole encoding, in bytes, truncation markers included. */
  maxBytes: number;
}

/** Limits used when a constructor argument leaves one out. */
export const DEFAULT_LIMITS: EncodeLimits = Object.freeze({
  maxDepth: 6,
  maxBreadth: 64,
  maxString: 1024,
  maxBytes: 16 * 1024,
});

/** Deepest nesting an encoder will produce; readers accept a little more (valueDecoder). */
export const MAX_DEPTH_LIMIT = 128;
/** Smallest byte budget: room for a few markers and the closing bytes of a container. */
export const MIN_BYTES_LIMIT = 32;
/** Class, function and symbol names are cut to this many code units (without a marker). */
const NAME_CAP = 256;
/** Bytes kept free at the top level for a TRUNCATED(bytes) marker: tag, reason, '', length. */
const TOP_RESERVE = 4;

// ---- Primordials: every built-in used while encoding, captured before user code can patch it.

const { bind, call } = Function.prototype;
/** `uncurryThis(fn)(self, ...args)` is `fn.call(self, ...args)` without looking anything up. */
const uncurryThis = bind.bind(call) as <T, A extends unknown[], R>(
  fn: (this: T, ...args: A) => R,
) => (self: T, ...args: A) => R;
const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const BufferPrototype = Buffer.prototype;
const ObjectGetPrototypeOf = Object.getPrototypeOf;
const ObjectKeys = Object.keys;
const ObjectFreeze = Object.freeze;
const ObjectDefineProperty = Object.defineProperty;
/** Descriptor of a writable array slot; null prototype so no inherited `get` can be seen in it. */
const SLOT = { __proto__: null, value: undefined, writable: true, enumerable: true, configurable: true };
const ObjectHasOwn = Object.hasOwn;
const ArrayIsArray = Array.isArray;
const NumberIsSafeInteger = Number.isSafeInteger;
const SymbolKeyFor = Symbol.keyFor;
const Uint8ArrayCtor = Uint8Array;

/** The getter of a built-in accessor property, uncurried. */
function getterOf<T>(proto: object, key: PropertyKey): (self: T) => unknown {
  return uncurryThis(ObjectGetOwnPropertyDescriptor(proto, key)!.get as (this: T) => unknown);
}

const ObjectPrototype = Object.prototype;
const TypedArrayPrototype = ObjectGetPrototypeOf(Uint8Array.prototype) as object;

const legacyLookups = ObjectPrototype as unknown as {
  __lookupGetter__(this: object, key: PropertyKey): unknown;
  __lookupSetter__(this: object, key: PropertyKey): unknown;
};
// Return the own accessor's function, or undefined for a data property; for an own property
// they never walk the prototype chain, unlike a descriptor they allocate nothing.
const LookupGetter = uncurryThis(legacyLookups.__lookupGetter__);
const LookupSetter = uncurryThis(legacyLookups.__lookupSetter__);
const StringCharCodeAt = uncurryThis(String.prototype.charCodeAt);
const StringSlice = uncurryThis(String.prototype.slice);
// Native string writers for long strings (several times faster than a JS loop past ~40 chars).
// latin1Write/utf8Write are Buffer's internal methods; without them the JS loops do the work.
const BufferByteLength = Buffer.byteLength;
const bufferMethods = BufferPrototype as unknown as Record<string, unknown>;
const stringMethods = String.prototype as unknown as Record<string, unknown>;
const nativeText =
  typeof bufferMethods.latin1Write === 'function' &&
  typeof bufferMethods.utf8Write === 'function' &&
  typeof stringMethods.isWellFormed === 'function';
type NativeWrite = (buf: Uint8Array, s: string, offset: number, length: number) => number;
const Latin1Write = (
  nativeText ? uncurryThis(bufferMethods.latin1Write as () => number) : undefined
) as NativeWrite;
const Utf8Write = (
  nativeText ? uncurryThis(bufferMethods.utf8Write as () => number) : undefined
) as NativeWrite;
const StringIsWellFormed = (
  nativeText ? uncurryThis(stringMethods.isWellFormed as () => boolean) : undefined
) as (s: string) => boolean;
/** Strings at least this long are written natively. */
const NATIVE_TEXT_MIN = 40;
const StringStartsWith = uncurryThis(String.prototype.startsWith);
const FunctionToString = uncurryThis(Function.prototype.toString as (this: unknown) => string);
const BigIntToString = uncurryThis(BigInt.prototype.toString);
const NumberValueOf = uncurryThis(Number.prototype.valueOf);
const StringValueOf = uncurryThis(String.prototype.valueOf);
const BooleanValueOf = uncurryThis(Boolean.prototype.valueOf);
const BigIntValueOf = uncurryThis(BigInt.prototype.valueOf);
const SymbolValueOf = uncurryThis(Symbol.prototype.valueOf);
const SymbolDescription = getterOf<symbol>(Symbol.prototype, 'description') as (
  s: symbol,
) => string | undefined;
const DateGetTime = uncurryThis(Date.prototype.getTime);
const RegExpSource = getterOf<RegExp>(RegExp.prototype, 'source') as (r: RegExp) => string;
/** Flag getters in `RegExp.prototype.flags` order. Each reads an internal slot; `flags` itself
 * would read the (overridable) boolean properties. */
const REGEXP_FLAGS: [string, (r: RegExp) => unknown][] = [];
for (const [ch, key] of [
  ['d', 'hasIndices'],
  ['g', 'global'],
  ['i', 'ignoreCase'],
  ['m', 'multiline'],
  ['s', 'dotAll'],
  ['u', 'unicode'],
  ['v', 'unicodeSets'],
  ['y', 'sticky'],
]) {
  if (ObjectGetOwnPropertyDescriptor(RegExp.prototype, key)?.get)
    REGEXP_FLAGS.push([ch, getterOf(RegExp.prototype, key)]);
}
const MapSize = getterOf<Map<unknown, unknown>>(Map.prototype, 'size') as (m: object) => number;
const SetSize = getterOf<Set<unknown>>(Set.prototype, 'size') as (s: object) => number;
const MapEntries = uncurryThis(Map.prototype.entries) as (m: object) => Iterator<[unknown, unknown]>;
const MapIteratorNext = uncurryThis(
  (ObjectGetPrototypeOf(new Map().entries()) as Iterator<unknown>).next,
) as (it: Iterator<[unknown, unknown]>) => IteratorResult<[unknown, unknown]>;
const SetValues = uncurryThis(Set.prototype.values) as (s: object) => Iterator<unknown>;
const SetIteratorNext = uncurryThis((ObjectGetPrototypeOf(new Set().values()) as Iterator<unknown>).next) as (
  it: Iterator<unknown>,
) => IteratorResult<unknown>;
const TypedArrayToStringTag = getterOf<object>(TypedArrayPrototype, Symbol.toStringTag) as (
  t: object,
) => string | undefined;
const TypedArrayBuffer = getterOf<object>(TypedArrayPrototype, 'buffer') as (t: object) => ArrayBufferLike;
const TypedArrayByteOffset = getterOf<object>(TypedArrayPrototype, 'byteOffset') as (t: object) => number;
const TypedArrayByteLength = getterOf<object>(TypedArrayPrototype, 'byteLength') as (t: object) => number;
const TypedArraySet = uncurryThis(
  (TypedArrayPrototype as { set: (this: Uint8Array, src: ArrayLike<number>, offset: number) => void }).set,
);
const DataViewBuffer = getterOf<object>(DataView.prototype, 'buffer') as (v: object) => ArrayBufferLike;
const DataViewByteOffset = getterOf<object>(DataView.prototype, 'byteOffset') as (v: object) => number;
const DataViewByteLength = getterOf<object>(DataView.prototype, 'byteLength') as (v: object) => number;
const ArrayBufferByteLength = getterOf<object>(ArrayBuffer.prototype, 'byteLength') as (b: object) => number;
const SharedArrayBufferByteLength = getterOf<object>(SharedArrayBuffer.prototype, 'byteLength') as (
  b: object,
) => number;
const {
  isProxy,
  isAsyncFunction,
  isGeneratorFunction,
  isArrayBufferView,
  isAnyArrayBuffer,
  isSharedArrayBuffer,
  isDataView,
  isDate,
  isMap,
  isSet,
  isNativeError,
  isRegExp,
  isPromise,
  isWeakMap,
  isWeakSet,
  isBoxedPrimitive,
  isNumberObject,
  isStringObject,
  isBooleanObject,
  isBigIntObject,
  isMapIterator,
  isSetIterator,
  isGeneratorObject,
  isModuleNamespaceObject,
  isExternal,
} = types;

const SetHas = uncurryThis(Set.prototype.has) as (s: Set<unknown>, v: unknown) => boolean;
/**
 * Prototypes of the built-ins with internal slots the encoder cares about. An object whose
 * prototype chain reaches Object.prototype without meeting one of them is a plain class instance,
 * which spares it a dozen brand checks. (An object re-parented with setPrototypeOf would then be
 * captured as an instance: less precise, never unsafe.)
 */
const BUILTIN_PROTOTYPES = new Set<unknown>([
  Map.prototype,
  Set.prototype,
  WeakMap.prototype,
  WeakSet.prototype,
  Date.prototype,
  RegExp.prototype,
  Error.prototype,
  Promise.prototype,
  ArrayBuffer.prototype,
  SharedArrayBuffer.prototype,
  DataView.prototype,
  TypedArrayPrototype,
  Number.prototype,
  String.prototype,
  Boolean.prototype,
  BigInt.prototype,
  Symbol.prototype,
  ObjectGetPrototypeOf(ObjectGetPrototypeOf([][Symbol.iterator]())), // %IteratorPrototype%
  ObjectGetPrototypeOf(ObjectGetPrototypeOf(async function* () {}.prototype)), // %AsyncIteratorPrototype%
]);

/** Whether `proto`'s chain may hold a built-in (or is foreign or proxied, so cannot be judged). */
function mayBeBuiltin(proto: object): boolean {
  let p: object | null = proto;
  for (let hops = 0; p !== ObjectPrototype; hops++) {
    if (p === null || hops === 32 || isProxy(p) || SetHas(BUILTIN_PROTOTYPES, p)) return true;
    p = ObjectGetPrototypeOf(p) as object | null;
  }
  return false;
}

/** BINARY kind number by typed array [Symbol.toStringTag]. */
const BINARY_KIND_BY_TAG: Record<string, number> = Object.create(null) as Record<string, number>;
BINARY_KINDS.forEach((name, i) => (BINARY_KIND_BY_TAG[name] = i));

// Doubles go to bytes through a shared Float64Array: element stores run no user code, unlike a
// (patchable) DataView method.
const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Marks "no such property" in prototype-chain lookups. */
const ABSENT: unique symbol = Symbol('absent');
/** Marks "an accessor was found" in prototype-chain lookups. */
const ACCESSOR: unique symbol = Symbol('accessor');
/** Marks "a Proxy is in the way" in prototype-chain lookups. */
const BLOCKED: unique symbol = Symbol('blocked');

/**
 * The value of a data property found on `o` or its prototype chain, without calling anything:
 * ACCESSOR when the first property found is an accessor, BLOCKED when a Proxy is reached first,
 * ABSENT when there is none.
 */
function dataPropInChain(o: object | null, key: string): unknown {
  for (let hops = 0; o !== null; hops++) {
    if (hops === 64 || isProxy(o)) return BLOCKED;
    const d = ObjectGetOwnPropertyDescriptor(o, key);
    if (d !== undefined) return ObjectHasOwn(d, 'get') ? ACCESSOR : d.value;
    o = ObjectGetPrototypeOf(o) as object | null;
  }
  return ABSENT;
}

/**
 * Whether V8 can format the stack of `e` without running user code: its default formatter
 * (Error.prototype.toString) reads `name` and `message` with ordinary gets and converts them to
 * strings, which would call getters, Proxy traps, or toString/Symbol.toPrimitive of objects.
 */
function stackIsSafe(name: unknown, e: object): boolean {
  const message = dataPropInChain(e, 'message');
  return (
    name !== ACCESSOR &&
    name !== BLOCKED &&
    message !== ACCESSOR &&
    message !== BLOCKED &&
    (name === ABSENT || (typeof name !== 'object' && typeof name !== 'function')) &&
    (message === ABSENT || (typeof message !== 'object' && typeof message !== 'function'))
  );
}

/** Error fields written first, in this order. */
const ERROR_FIELDS = ['name', 'message', 'stack', 'cause', 'errors'];

function isErrorField(key: string): boolean {
  return key === 'name' || key === 'message' || key === 'stack' || key === 'cause' || key === 'errors';
}

/** The own data `name` of a function, '' when it has none or it is an accessor. */
function functionName(f: object): string {
  const d = ObjectGetOwnPropertyDescriptor(f, 'name');
  return d !== undefined && !ObjectHasOwn(d, 'get') && typeof d.value === 'string' ? d.value : '';
}

/** The constructor name seen through data properties of a prototype chain, or `fallback`. */
function className(proto: object | null, fallback: string): string {
  const ctor = dataPropInChain(proto, 'constructor');
  if (typeof ctor !== 'function' || isProxy(ctor)) return fallback;
  const name = functionName(ctor);
  return name === '' ? fallback : name;
}

/** Whether a function is a class constructor, judged from its source text (no call made). */
function isClass(f: object): boolean {
  // Only classes and built-in constructors have a read-only `prototype`: skip toString otherwise.
  const d = ObjectGetOwnPropertyDescriptor(f, 'prototype');
  if (d === undefined || ObjectHasOwn(d, 'get') || d.writable) return false;
  return StringStartsWith(FunctionToString(f), 'class');
}

/** Bytes of the unsigned LEB128 form of n (0 <= n < 2^56). */
function varintSize(n: number): number {
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x200000) return 3;
  if (n < 0x10000000) return 4;
  let size = 4;
  n = (n - (n % 0x10000000)) / 0x10000000;
  while (n >= 1) {
    size++;
    n = (n - (n % 0x80)) / 0x80;
  }
  return size;
}

const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/** n, moved back by one when cutting s at n would split a surrogate pair. */
function cutPoint(s: string, n: number): number {
  return n > 0 &&
    n < s.length &&
    isHighSurrogate(StringCharCodeAt(s, n - 1)) &&
    isLowSurrogate(StringCharCodeAt(s, n))
    ? n - 1
    : n;
}

/** Exact encoded size of s[0, n) as text (tag, length, payload). */
function textSize(s: string, n: number): number {
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const c = StringCharCodeAt(s, i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (!isHighSurrogate(c) && !isLowSurrogate(c)) bytes += 3;
    else if (isHighSurrogate(c) && i + 1 < n && isLowSurrogate(StringCharCodeAt(s, i + 1))) {
      bytes += 4;
      i++;
    } else return 1 + varintSize(n) + 2 * n; // a lone surrogate: UTF-16
  }
  // One byte per code unit only when every unit is ASCII.
  if (bytes === n && n <= FIXASCII_MAX) return 1 + n;
  return 1 + varintSize(bytes) + bytes;
}

/** Largest cut point m <= n such that s[0, m) encodes as text in at most `avail` bytes. */
function fitUnits(s: string, n: number, avail: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (textSize(s, cutPoint(s, mid)) <= avail) lo = mid;
    else hi = mid - 1;
  }
  return cutPoint(s, lo);
}

/** A non-negative whole limit, clamped to [min, max]; the default when not a usable number. */
function limit(v: number | undefined, fallback: number, min: number, max: number): number {
  if (typeof v !== 'number' || v !== v) return fallback;
  if (v >= max) return max;
  if (v <= min) return min;
  return v - (v % 1);
}

/** Encodes values into a reusable scratch buffer. One per thread; not reentrant. */
export class ValueEncoder {
  /** Scratch output: the last encoding is bytes[0, length), valid until the next encode. */
  readonly bytes: Uint8Array;
  /** The limits in effect, after clamping. */
  readonly limits: Readonly<EncodeLimits>;
  private readonly maxDepth: number;
  private readonly maxBreadth: number;
  private readonly maxString: number;
  private readonly maxBytes: number;
  /** Write position. */
  private pos = 0;
  /** Writes must stay below this; [end, maxBytes) is reserved for closing open containers. */
  private end = 0;
  /** Number of open containers. */
  private depth = 0;
  /** Index the next container opened will get. */
  private nextIndex = 0;
  /** Whether any limit was hit during the current encode. */
  private cut = false;
  /** Set during encode: a nested call (from a user Error.prepareStackTrace) must not clobber it. */
  private busy = false;
  /** The open containers (cycle detection) and their indices; cleared as they close. */
  private readonly open: unknown[];
  private readonly openIndex: Float64Array;

  constructor(limits?: Partial<EncodeLimits>) {
    this.maxDepth = limit(limits?.maxDepth, DEFAULT_LIMITS.maxDepth, 0, MAX_DEPTH_LIMIT);
    this.maxBreadth = limit(limits?.maxBreadth, DEFAULT_LIMITS.maxBreadth, 0, 0x7fffffff);
    this.maxString = limit(limits?.maxString, DEFAULT_LIMITS.maxString, 0, 0x3fffffff);
    this.maxBytes = limit(limits?.maxBytes, DEFAULT_LIMITS.maxBytes, MIN_BYTES_LIMIT, 0x3fffffff);
    this.limits = ObjectFreeze({
      maxDepth: this.maxDepth,
      maxBreadth: this.maxBreadth,
      maxString: this.maxString,
      maxBytes: this.maxBytes,
    });
    this.bytes = new Uint8Array(this.maxBytes);
    // Own slots defined up front (not assigned): later writes then never reach the prototype,
    // where a program could have put an index setter.
    this.open = [];
    for (let i = 0; i < this.maxDepth; i++) ObjectDefineProperty(this.open, i, SLOT);
    this.openIndex = new Float64Array(this.maxDepth);
  }

  /** Whether the last encode hit a limit (its output then carries truncation markers). */
  get truncated(): boolean {
    return this.cut;
  }

  /**
   * Encodes one value into `bytes`; returns the byte length, at most maxBytes. Never throws,
   * never runs user code. A reentrant call (only possible from a user Error.prepareStackTrace
   * that records an event) returns 0: no payload, and the outer encoding stays intact.
   */
  encode(value: unknown): number {
    if (this.busy) return 0;
    this.busy = true;
    this.pos = 0;
    this.end = this.maxBytes - TOP_RESERVE;
    this.depth = 0;
    this.nextIndex = 0;
    this.cut = false;
    try {
      if (!this.value(value)) this.topMarker(TruncReason.bytes);
    } catch {
      // Defensive: nothing above should throw, but a bug or a host object must not break the
      // traced program. Drop whatever was written.
      for (let i = 0; i < this.maxDepth; i++) this.open[i] = undefined;
      this.topMarker(TruncReason.error);
    } finally {
      this.busy = false;
    }
    return this.pos;
  }

  /** Replaces the whole output with a TRUNCATED marker (the top-level reserve guarantees room). */
  private topMarker(reason: number): void {
    this.pos = 0;
    this.depth = 0;
    this.end = this.maxBytes;
    this.cut = true;
    this.truncMarker(reason, '', -1);
  }

  // ---- Dispatch

  /** Writes one value; false (with nothing written) when it does not fit in the byte budget. */
  private value(v: unknown): boolean {
    switch (typeof v) {
      case 'number':
        return this.number(v);
      case 'string':
        return this.string(v);
      case 'boolean':
        return this.byte(v ? Tag.true : Tag.false);
      case 'undefined':
        return this.byte(Tag.undefined);
      case 'object':
        return v === null ? this.byte(Tag.null) : this.object(v);
      case 'function':
        return this.func(v);
      case 'bigint':
        return this.bigint(v);
      case 'symbol':
        return this.symbol(v);
    }
    return this.truncMarker(TruncReason.error, typeof v, -1);
  }

  private object(o: object): boolean {
    // First, before anything that could reach a trap.
    if (isProxy(o)) return this.byte(Tag.proxy);
    const open = this.open;
    for (let i = 0; i < this.depth; i++) if (open[i] === o) return this.ref(this.openIndex[i]);
    if (ArrayIsArray(o)) return this.array(o as unknown[]);
    const proto = ObjectGetPrototypeOf(o) as object | null;
    if (proto === ObjectPrototype) return this.plain(o, Tag.object);
    if (proto === null) {
      return isModuleNamespaceObject(o)
        ? this.named(Tag.opaque, 'Module')
        : this.plain(o, Tag.objectNullProto);
    }
    if (!mayBeBuiltin(proto)) return this.instance(o, proto);
    if (isArrayBufferView(o) || isAnyArrayBuffer(o)) return this.binary(o, proto);
    if (isDate(o)) return this.date(o as Date);
    if (isMap(o)) return this.map(o);
    if (isSet(o)) return this.set(o);
    if (isNativeError(o)) return this.error(o, proto);
    if (isRegExp(o)) return this.regexp(o as RegExp);
    if (isPromise(o)) return this.named(Tag.opaque, 'Promise');
    if (isWeakMap(o)) return this.named(Tag.opaque, 'WeakMap');
    if (isWeakSet(o)) return this.named(Tag.opaque, 'WeakSet');
    if (isBoxedPrimitive(o)) return this.boxed(o);
    if (isMapIterator(o)) return this.named(Tag.opaque, 'Map Iterator');
    if (isSetIterator(o)) return this.named(Tag.opaque, 'Set Iterator');
    if (isGeneratorObject(o)) return this.named(Tag.opaque, 'Generator');
    if (isExternal(o)) return this.named(Tag.opaque, 'External');
    return this.instance(o, proto);
  }

  // ---- Scalars

  private byte(tag: number): boolean {
    if (this.pos >= this.end) return false;
    this.bytes[this.pos++] = tag;
    return true;
  }

  /** Writes n as a varint at pos; the caller has checked the room. */
  private varint(n: number): void {
    const buf = this.bytes;
    let p = this.pos;
    if (n <= 0x7fffffff) {
      while (n > 0x7f) {
        buf[p++] = (n & 0x7f) | 0x80;
        n >>>= 7;
      }
    } else {
      while (n >= 0x80) {
        const low = n % 0x80;
        buf[p++] = low | 0x80;
        n = (n - low) / 0x80;
      }
    }
    buf[p++] = n;
    this.pos = p;
  }

  private number(v: number): boolean {
    const buf = this.bytes;
    if ((v | 0) === v && (v !== 0 || 1 / v > 0)) {
      if (v >= 0 && v <= FIXINT_MAX) {
        if (this.pos >= this.end) return false;
        buf[this.pos++] = Tag.fixInt | v;
        return true;
      }
      const z = ((v << 1) ^ (v >> 31)) >>> 0;
      if (this.pos + 1 + varintSize(z) > this.end) return false;
      buf[this.pos++] = Tag.int;
      this.varint(z);
      return true;
    }
    // Beyond int32 still zigzag, as long as 2|v| stays exact (|v| <= 2^52).
    if (v !== 0 && v >= -0x10000000000000 && v < 0x10000000000000 && NumberIsSafeInteger(v)) {
      const z = v >= 0 ? v * 2 : -v * 2 - 1;
      if (this.pos + 1 + varintSize(z) > this.end) return false;
      buf[this.pos++] = Tag.int;
      this.varint(z);
      return true;
    }
    if (this.pos + 9 > this.end) return false;
    buf[this.pos++] = Tag.float64;
    this.float64(v);
    return true;
  }

  /** Writes 8 little-endian bytes of a double; the caller has checked the room. */
  private float64(v: number): void {
    const buf = this.bytes;
    const p = this.pos;
    f64[0] = v === v ? v : NaN; // one canonical NaN, whatever payload the program's NaN had
    if (LITTLE_ENDIAN) for (let i = 0; i < 8; i++) buf[p + i] = f64Bytes[i];
    else for (let i = 0; i < 8; i++) buf[p + i] = f64Bytes[7 - i];
    this.pos = p + 8;
  }

  private bigint(v: bigint): boolean {
    const neg = v < 0n;
    const hex = v === 0n ? '' : BigIntToString(neg ? -v : v, 16);
    const hl = hex.length;
    const n = (hl + 1) >> 1;
    if (n > this.maxString && n > 8) {
      this.cut = true;
      return this.truncMarker(TruncReason.size, 'bigint', n);
    }
    if (this.pos + 1 + varintSize(n) + n > this.end) return false;
    const buf = this.bytes;
    buf[this.pos++] = neg ? Tag.bigintNeg : Tag.bigintPos;
    this.varint(n);
    // Least significant byte first: hex digits are read from the end of the string.
    for (let k = 0; k < n; k++) {
      const lo = hexDigit(StringCharCodeAt(hex, hl - 1 - 2 * k));
      const hi = hl - 2 - 2 * k >= 0 ? hexDigit(StringCharCodeAt(hex, hl - 2 - 2 * k)) : 0;
      buf[this.pos++] = (hi << 4) | lo;
    }
    return true;
  }

  private symbol(s: symbol): boolean {
    const key = SymbolKeyFor(s);
    if (key !== undefined) return this.named(Tag.symbolFor, key);
    const description = SymbolDescription(s);
    return description === undefined ? this.byte(Tag.symbolAnon) : this.named(Tag.symbol, description);
  }

  private func(f: object): boolean {
    if (isProxy(f)) return this.byte(Tag.proxy);
    let kind = 0;
    if (isAsyncFunction(f)) kind = isGeneratorFunction(f) ? 3 : 1;
    else if (isGeneratorFunction(f)) kind = 2;
    else if (isClass(f)) kind = 4;
    const start = this.pos;
    if (start + 2 > this.end) return false;
    this.bytes[this.pos++] = Tag.function;
    this.bytes[this.pos++] = kind;
    if (this.name(functionName(f))) return true;
    this.pos = start;
    return false;
  }

  private date(d: Date): boolean {
    if (this.pos + 9 > this.end) return false;
    this.bytes[this.pos++] = Tag.date;
    this.float64(DateGetTime(d));
    return true;
  }

  private regexp(r: RegExp): boolean {
    let flags = '';
    for (let i = 0; i < REGEXP_FLAGS.length; i++) if (REGEXP_FLAGS[i][1](r)) flags += REGEXP_FLAGS[i][0];
    const start = this.pos;
    if (this.named(Tag.regexp, RegExpSource(r), Infinity) && this.name(flags)) return true;
    this.pos = start;
    return false;
  }

  private boxed(o: object): boolean {
    let v: unknown;
    if (isNumberObject(o)) v = NumberValueOf(o as number);
    else if (isStringObject(o)) v = StringValueOf(o as string);
    else if (isBooleanObject(o)) v = BooleanValueOf(o as boolean);
    else if (isBigIntObject(o)) v = BigIntValueOf(o as bigint);
    else v = SymbolValueOf(o as unknown as symbol);
    const start = this.pos;
    if (this.byte(Tag.boxed) && this.value(v)) return true;
    this.pos = start;
    return false;
  }

  private binary(o: object, proto: object): boolean {
    let kind: number;
    let buffer: ArrayBufferLike;
    let offset = 0;
    let byteLength: number;
    try {
      if (isAnyArrayBuffer(o)) {
        const shared = isSharedArrayBuffer(o);
        kind = shared ? 1 : 0;
        buffer = o as ArrayBufferLike;
        byteLength = shared ? SharedArrayBufferByteLength(o) : ArrayBufferByteLength(o);
      } else if (isDataView(o)) {
        kind = 2;
        buffer = DataViewBuffer(o);
        offset = DataViewByteOffset(o);
        byteLength = DataViewByteLength(o);
      } else {
        kind = proto === BufferPrototype ? 3 : (BINARY_KIND_BY_TAG[TypedArrayToStringTag(o) ?? ''] ?? 5);
        buffer = TypedArrayBuffer(o);
        offset = TypedArrayByteOffset(o);
        byteLength = TypedArrayByteLength(o);
      }
    } catch {
      // A DataView over a detached buffer throws on byteLength: it has no bytes to show.
      return this.named(Tag.opaque, 'detached');
    }
    const elem = BINARY_ELEMENT_SIZES[kind];
    let captured = byteLength < this.maxString ? byteLength : this.maxString;
    const head = 2 + varintSize(byteLength) + varintSize(captured);
    const avail = this.end - this.pos - head;
    if (avail < 0) return false;
    if (captured > avail) captured = avail;
    captured -= captured % elem;
    if (captured < byteLength) this.cut = true;
    const buf = this.bytes;
    buf[this.pos++] = Tag.binary;
    buf[this.pos++] = kind;
    this.varint(byteLength);
    this.varint(captured);
    if (captured > 0) TypedArraySet(buf, new Uint8ArrayCtor(buffer, offset, captured), this.pos);
    this.pos += captured;
    return true;
  }

  private accessor(get: boolean, set: boolean): boolean {
    if (this.pos + 2 > this.end) return false;
    this.bytes[this.pos++] = Tag.accessor;
    this.bytes[this.pos++] = (get ? 1 : 0) | (set ? 2 : 0);
    return true;
  }

  private ref(index: number): boolean {
    if (this.pos + 1 + varintSize(index) > this.end) return false;
    this.bytes[this.pos++] = Tag.ref;
    this.varint(index);
    return true;
  }

  /** A TRUNCATED marker; `length` -1 when unknown. */
  private truncMarker(reason: number, type: string, length: number): boolean {
    const start = this.pos;
    if (start + 2 > this.end) return false;
    this.cut = true;
    this.bytes[this.pos++] = Tag.truncated;
    this.bytes[this.pos++] = reason;
    if (this.name(type) && this.pos + varintSize(length + 1) <= this.end) {
      this.varint(length + 1);
      return true;
    }
    this.pos = start;
    return false;
  }

  /** A tag followed by a name. */
  private named(tag: number, s: string, cap = NAME_CAP): boolean {
    const start = this.pos;
    if (start >= this.end) return false;
    this.bytes[this.pos++] = tag;
    if (this.name(s, cap)) return true;
    this.pos = start;
    return false;
  }

  // ---- Strings

  /** A string value, cut to maxString code units, or to what fits in the byte budget. */
  private string(s: string): boolean {
    const len = s.length;
    if (len <= this.maxString && this.text(s, len)) return true;
    return this.cutString(s, len, cutPoint(s, len < this.maxString ? len : this.maxString));
  }

  private cutString(s: string, len: number, n: number): boolean {
    const start = this.pos;
    if (start + 1 + varintSize(len) + 1 > this.end) return false; // room for at least ''
    this.bytes[this.pos++] = Tag.stringCut;
    this.varint(len);
    if (!this.text(s, n)) this.text(s, fitUnits(s, n, this.end - this.pos));
    this.cut = true;
    return true;
  }

  /** A name: exact text, silently cut to `cap` code units. */
  private name(s: string, cap = NAME_CAP): boolean {
    return this.text(s, s.length <= cap ? s.length : cutPoint(s, cap));
  }

  /** s[0, n) as FIXASCII/ASCII, else UTF8/UTF16; false (nothing written) when it does not fit. */
  private text(s: string, n: number): boolean {
    if (n >= NATIVE_TEXT_MIN && nativeText) return this.nativeText(s, n);
    const buf = this.bytes;
    const start = this.pos;
    let p: number;
    // ASCII fast path: one pass, length known up front. Bail out at the first wider char.
    if (n <= FIXASCII_MAX) {
      if (start + 1 + n > this.end) return false;
      buf[start] = Tag.fixAscii | n;
      p = start + 1;
    } else {
      if (start + 1 + varintSize(n) + n > this.end) return false;
      buf[start] = Tag.ascii;
      this.pos = start + 1;
      this.varint(n);
      p = this.pos;
      this.pos = start;
    }
    for (let i = 0; i < n; i++) {
      const c = StringCharCodeAt(s, i);
      if (c >= 0x80) return this.wideText(s, n, i);
      buf[p++] = c;
    }
    this.pos = p;
    return true;
  }

  /** Same bytes as `text`, written by Node's native string writers. */
  private nativeText(s: string, n: number): boolean {
    const sub = n === s.length ? s : StringSlice(s, 0, n);
    const bytes = BufferByteLength(sub, 'utf8');
    if (bytes === n) {
      // Only ASCII has one UTF-8 byte per code unit.
      if (this.pos + 1 + varintSize(n) + n > this.end) return false;
      this.bytes[this.pos++] = Tag.ascii;
      this.varint(n);
      this.pos += Latin1Write(this.bytes, sub, this.pos, n);
      return true;
    }
    if (!StringIsWellFormed(sub)) return this.utf16(s, n);
    if (this.pos + 1 + varintSize(bytes) + bytes > this.end) return false;
    this.bytes[this.pos++] = Tag.utf8;
    this.varint(bytes);
    this.pos += Utf8Write(this.bytes, sub, this.pos, bytes);
    return true;
  }

  /** UTF-8, or UTF-16 when s[0, n) holds a lone surrogate; s[0, from) is known to be ASCII. */
  private wideText(s: string, n: number, from: number): boolean {
    let bytes = from;
    for (let i = from; i < n; i++) {
      const c = StringCharCodeAt(s, i);
      if (c < 0x80) bytes += 1;
      else if (c < 0x800) bytes += 2;
      else if (!isHighSurrogate(c) && !isLowSurrogate(c)) bytes += 3;
      else if (isHighSurrogate(c) && i + 1 < n && isLowSurrogate(StringCharCodeAt(s, i + 1))) {
        bytes += 4;
        i++;
      } else return this.utf16(s, n);
    }
    if (this.pos + 1 + varintSize(bytes) + bytes > this.end) return false;
    const buf = this.bytes;
    buf[this.pos++] = Tag.utf8;
    this.varint(bytes);
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      let c = StringCharCodeAt(s, i);
      if (c < 0x80) buf[p++] = c;
      else if (c < 0x800) {
        buf[p++] = 0xc0 | (c >> 6);
        buf[p++] = 0x80 | (c & 0x3f);
      } else if (isHighSurrogate(c)) {
        c = 0x10000 + ((c - 0xd800) << 10) + (StringCharCodeAt(s, ++i) - 0xdc00);
        buf[p++] = 0xf0 | (c >> 18);
        buf[p++] = 0x80 | ((c >> 12) & 0x3f);
        buf[p++] = 0x80 | ((c >> 6) & 0x3f);
        buf[p++] = 0x80 | (c & 0x3f);
      } else {
        buf[p++] = 0xe0 | (c >> 12);
        buf[p++] = 0x80 | ((c >> 6) & 0x3f);
        buf[p++] = 0x80 | (c & 0x3f);
      }
    }
    this.pos = p;
    return true;
  }

  private utf16(s: string, n: number): boolean {
    if (this.pos + 1 + varintSize(n) + 2 * n > this.end) return false;
    const buf = this.bytes;
    buf[this.pos++] = Tag.utf16;
    this.varint(n);
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const c = StringCharCodeAt(s, i);
      buf[p++] = c & 0xff;
      buf[p++] = c >> 8;
    }
    this.pos = p;
    return true;
  }

  // ---- Containers

  /** Opens a container (tag, optional name); false, with nothing written, when it does not fit. */
  private openContainer(tag: number, o: object, name?: string): boolean {
    const start = this.pos;
    if (start + 1 + CLOSE_RESERVE > this.end) return false;
    this.bytes[this.pos++] = tag;
    this.end -= CLOSE_RESERVE;
    if (name !== undefined && !this.name(name)) {
      this.pos = start;
      this.end += CLOSE_RESERVE;
      return false;
    }
    const d = this.depth;
    this.open[d] = o;
    this.openIndex[d] = this.nextIndex++;
    this.depth = d + 1;
    return true;
  }

  /** Closes the innermost container, recording `more` items that were left out. Always fits. */
  private close(more: number): true {
    this.end += CLOSE_RESERVE;
    this.open[--this.depth] = undefined; // do not keep the program's objects alive
    const buf = this.bytes;
    if (more > 0) {
      this.cut = true;
      buf[this.pos++] = Tag.more;
      this.varint(more);
    }
    buf[this.pos++] = Tag.end;
    return true;
  }

  private array(a: unknown[]): boolean {
    const len = a.length;
    if (this.depth >= this.maxDepth) return this.truncMarker(TruncReason.depth, 'Array', len);
    if (!this.openContainer(Tag.array, a)) return false;
    const n = len < this.maxBreadth ? len : this.maxBreadth;
    let i = 0;
    let holeStart = -1;
    for (; i < n; i++) {
      if (!ObjectHasOwn(a, i)) {
        if (holeStart < 0) holeStart = i;
        continue;
      }
      if (holeStart >= 0) {
        if (!this.holes(i - holeStart)) {
          i = holeStart;
          break;
        }
        holeStart = -1;
      }
      if (!this.element(a, i)) break;
    }
    if (holeStart >= 0 && i === n && !this.holes(n - holeStart)) i = holeStart;
    return this.close(len - i);
  }

  private holes(count: number): boolean {
    if (this.pos + 1 + varintSize(count) > this.end) return false;
    this.bytes[this.pos++] = Tag.holes;
    this.varint(count);
    return true;
  }

  /** An own array element (the caller checked it exists). */
  private element(a: unknown[], i: number): boolean {
    if (LookupGetter(a, i) !== undefined) return this.accessor(true, LookupSetter(a, i) !== undefined);
    const v = a[i];
    if (v === undefined && LookupSetter(a, i) !== undefined) return this.accessor(false, true);
    return this.value(v);
  }

  private plain(o: object, tag: number): boolean {
    if (this.depth >= this.maxDepth)
      return this.truncMarker(TruncReason.depth, 'Object', ObjectKeys(o).length);
    if (!this.openContainer(tag, o)) return false;
    return this.close(this.props(o, ObjectKeys(o)));
  }

  private instance(o: object, proto: object): boolean {
    const name = className(proto, 'Object');
    // The Object.prototype of another realm (a vm context): a plain object after all.
    if (name === 'Object' && !isProxy(proto) && ObjectGetPrototypeOf(proto) === null)
      return this.plain(o, Tag.object);
    if (this.depth >= this.maxDepth) return this.truncMarker(TruncReason.depth, name, ObjectKeys(o).length);
    if (!this.openContainer(Tag.instance, o, name)) return false;
    return this.close(this.props(o, ObjectKeys(o)));
  }

  /** Writes own properties `keys` of o up to the breadth limit; returns how many were left out. */
  private props(o: object, keys: string[]): number {
    const n = keys.length;
    const max = n < this.maxBreadth ? n : this.maxBreadth;
    let i = 0;
    while (i < max && this.prop(o, keys[i])) i++;
    return n - i;
  }

  /** One own property: key, then its value or an accessor marker. */
  private prop(o: object, key: string): boolean {
    const start = this.pos;
    if (!this.text(key, key.length)) return false;
    const d = ObjectGetOwnPropertyDescriptor(o, key);
    let ok: boolean;
    if (d === undefined) ok = this.byte(Tag.undefined);
    else if (ObjectHasOwn(d, 'get')) ok = this.accessor(d.get !== undefined, d.set !== undefined);
    else ok = this.value(d.value);
    if (!ok) this.pos = start;
    return ok;
  }

  private error(e: object, proto: object): boolean {
    const name = className(proto, 'Error');
    if (this.depth >= this.maxDepth) return this.truncMarker(TruncReason.depth, name, -1);
    if (!this.openContainer(Tag.error, e, name)) return false;
    // The fields every error has come first, whether enumerable or inherited, then the other own
    // enumerable props. Keys are walked in place: building a key list would mean writing into a
    // fresh array, which an index setter on Array.prototype could intercept.
    const nameValue = dataPropInChain(e, 'name');
    const has = [
      nameValue !== ABSENT && nameValue !== BLOCKED,
      ObjectHasOwn(e, 'message'),
      ObjectHasOwn(e, 'stack') && stackIsSafe(nameValue, e),
      ObjectHasOwn(e, 'cause'),
      ObjectHasOwn(e, 'errors'),
    ];
    const own = ObjectKeys(e);
    let total = 0;
    for (let k = 0; k < ERROR_FIELDS.length; k++) if (has[k]) total++;
    for (let i = 0; i < own.length; i++) if (!isErrorField(own[i])) total++;
    let written = 0;
    let stopped = false;
    for (let k = 0; k < ERROR_FIELDS.length && !stopped; k++) {
      if (!has[k]) continue;
      if (written >= this.maxBreadth || !this.errorField(e, ERROR_FIELDS[k], nameValue)) stopped = true;
      else written++;
    }
    for (let i = 0; i < own.length && !stopped; i++) {
      if (isErrorField(own[i])) continue;
      if (written >= this.maxBreadth || !this.prop(e, own[i])) stopped = true;
      else written++;
    }
    return this.close(total - written);
  }

  /** One of the well-known error fields; `name` is usually inherited and was looked up already. */
  private errorField(e: object, key: string, nameValue: unknown): boolean {
    if (key === 'stack') return this.errorStack(e);
    if (key !== 'name' || ObjectHasOwn(e, 'name')) return this.prop(e, key);
    const start = this.pos;
    if (
      this.text(key, key.length) &&
      (nameValue === ACCESSOR ? this.accessor(true, false) : this.value(nameValue))
    ) {
      return true;
    }
    this.pos = start;
    return false;
  }

  /** The stack of an error; one that fails to format (a throwing prepareStackTrace) is left out. */
  private errorStack(e: object): boolean {
    const start = this.pos;
    try {
      return this.prop(e, 'stack');
    } catch {
      this.pos = start;
      return true;
    }
  }

  private map(m: object): boolean {
    const size = MapSize(m);
    if (this.depth >= this.maxDepth) return this.truncMarker(TruncReason.depth, 'Map', size);
    if (!this.openContainer(Tag.map, m)) return false;
    const max = size < this.maxBreadth ? size : this.maxBreadth;
    let i = 0;
    if (max > 0) {
      const it = MapEntries(m);
      for (; i < max; i++) {
        const r = MapIteratorNext(it);
        if (r.done) break;
        const start = this.pos;
        const index = this.nextIndex;
        if (!this.value(r.value[0]) || !this.value(r.value[1])) {
          // Containers inside the dropped key must not keep their indices.
          this.pos = start;
          this.nextIndex = index;
          break;
        }
      }
    }
    return this.close(size - i);
  }

  private set(s: object): boolean {
    const size = SetSize(s);
    if (this.depth >= this.maxDepth) return this.truncMarker(TruncReason.depth, 'Set', size);
    if (!this.openContainer(Tag.set, s)) return false;
    const max = size < this.maxBreadth ? size : this.maxBreadth;
    let i = 0;
    if (max > 0) {
      const it = SetValues(s);
      for (; i < max; i++) {
        const r = SetIteratorNext(it);
        if (r.done || !this.value(r.value)) break;
      }
    }
    return this.close(size - i);
  }
}

/** Value of a lowercase hex digit's char code. */
function hexDigit(c: number): number {
  return c <= 0x39 ? c - 0x30 : c - 0x57;
}

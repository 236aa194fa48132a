/**
 * Captures a JS value of the traced program into the compact tagged encoding of `valueTags.ts`.
 *
 * It runs on the traced program's own threads, inside its hooks, so it must be invisible:
 * - It never runs user code. Properties are read through own property descriptors (a getter is
 *   recorded as an accessor, never called), Proxies are recognised before anything could trap,
 *   and every built-in it calls was captured when the runtime loaded (`primordials.ts`), so a
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
 *
 * Here: the limits, the entry point, the dispatch on the kind of value and the scalars. Text is
 * written by `valueText.ts`, containers by `valueContainers.ts`; `safeReflection.ts` tells what
 * an object is without asking it.
 */
import {
  ArrayBufferByteLength,
  ArrayIsArray,
  BigIntToString,
  BigIntValueOf,
  BooleanValueOf,
  BufferPrototype,
  DataViewBuffer,
  DataViewByteLength,
  DataViewByteOffset,
  DateGetTime,
  NumberIsSafeInteger,
  NumberValueOf,
  ObjectFreeze,
  ObjectGetPrototypeOf,
  ObjectPrototype,
  REGEXP_FLAGS,
  RegExpSource,
  SharedArrayBufferByteLength,
  StringCharCodeAt,
  StringValueOf,
  SymbolDescription,
  SymbolKeyFor,
  SymbolValueOf,
  TypedArrayBuffer,
  TypedArrayByteLength,
  TypedArrayByteOffset,
  TypedArraySet,
  TypedArrayToStringTag,
  Uint8ArrayCtor,
  isAnyArrayBuffer,
  isArrayBufferView,
  isAsyncFunction,
  isBigIntObject,
  isBooleanObject,
  isBoxedPrimitive,
  isDataView,
  isDate,
  isExternal,
  isGeneratorFunction,
  isGeneratorObject,
  isMap,
  isMapIterator,
  isModuleNamespaceObject,
  isNativeError,
  isNumberObject,
  isPromise,
  isProxy,
  isRegExp,
  isSet,
  isSetIterator,
  isSharedArrayBuffer,
  isStringObject,
  isWeakMap,
  isWeakSet,
} from './primordials';
import { functionName, inheritsFromError, isClass, mayBeBuiltin } from './safeReflection';
import { ContainerWriter } from './valueContainers';
import { varintSize } from './valueText';
import { BINARY_ELEMENT_SIZES, BINARY_KINDS, FIXINT_MAX, Tag, TruncReason } from './valueTags';

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
/** Bytes kept free at the top level for a TRUNCATED(bytes) marker: tag, reason, '', length. */
const TOP_RESERVE = 4;

/** BINARY kind number by typed array [Symbol.toStringTag]. */
const BINARY_KIND_BY_TAG: Record<string, number> = Object.create(null) as Record<string, number>;
BINARY_KINDS.forEach((name, i) => (BINARY_KIND_BY_TAG[name] = i));

/** A non-negative whole limit, clamped to [min, max]; the default when not a usable number. */
function limit(v: number | undefined, fallback: number, min: number, max: number): number {
  if (typeof v !== 'number' || v !== v) return fallback;
  if (v >= max) return max;
  if (v <= min) return min;
  return v - (v % 1);
}

/** Encodes values into a reusable scratch buffer. One per thread; not reentrant. */
export class ValueEncoder extends ContainerWriter {
  /** The limits in effect, after clamping. */
  readonly limits: Readonly<EncodeLimits>;
  private readonly maxBytes: number;
  /** Set during encode: a nested call (from a user Error.prepareStackTrace) must not clobber it. */
  private busy = false;

  constructor(limits?: Partial<EncodeLimits>) {
    const maxDepth = limit(limits?.maxDepth, DEFAULT_LIMITS.maxDepth, 0, MAX_DEPTH_LIMIT);
    const maxBreadth = limit(limits?.maxBreadth, DEFAULT_LIMITS.maxBreadth, 0, 0x7fffffff);
    const maxString = limit(limits?.maxString, DEFAULT_LIMITS.maxString, 0, 0x3fffffff);
    const maxBytes = limit(limits?.maxBytes, DEFAULT_LIMITS.maxBytes, MIN_BYTES_LIMIT, 0x3fffffff);
    super(maxBytes, maxString, maxDepth, maxBreadth);
    this.maxBytes = maxBytes;
    this.limits = ObjectFreeze({ maxDepth, maxBreadth, maxString, maxBytes });
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
  protected override value(v: unknown): boolean {
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
    if (isNativeError(o) || inheritsFromError(proto)) return this.error(o, proto);
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
}

/** Value of a lowercase hex digit's char code. */
function hexDigit(c: number): number {
  return c <= 0x39 ? c - 0x30 : c - 0x57;
}

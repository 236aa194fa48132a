/**
 * Reads the tagged value encoding of `runtime/valueTags.ts` back into JS values (`decodeValue`)
 * and into the JSON form stored in the TraceDB (`toJson`, `decodeValueJson`). The JSON form is
 * described in docs/value-encoding.md.
 *
 * Input comes from files and sockets, so it is treated as hostile: every length is checked against
 * the bytes left, nesting is capped, references may only point at enclosing containers (so the JS
 * form is a tree plus back edges and converting it is linear), and every failure is a
 * TraceError('corrupt-value') naming the byte offset.
 */
import {
  BINARY_ELEMENT_SIZES,
  BINARY_KINDS,
  FIXASCII_MAX,
  FIXINT_MAX,
  FUNCTION_KINDS,
  MAX_VARINT_BYTES,
  Tag,
  TRUNC_REASON_NAMES,
} from '../runtime/valueTags';
import type { FunctionKindName } from '../runtime/valueTags';
import { TraceError } from './errors';

/** A JSON-safe value: what `toJson` returns and what the TraceDB stores. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

/** Deepest container nesting accepted; encoders produce at most 128. */
export const MAX_DECODE_DEPTH = 256;

/**
 * Key under which a decoded object, ClassInstance props, ErrorValue props, Map or Set records how
 * many of its entries were not captured. Non-enumerable; arrays use a final `More` element instead.
 */
export const MORE: unique symbol = Symbol('cinescope.more');

// ---- Marker classes: the JS form of what cannot be rebuilt as the original value.

/** An object of a class other than Object, captured as its own enumerable properties. */
export class ClassInstance {
  constructor(
    /** Constructor name ('Object' when it could not be read without running code). */
    readonly className: string,
    /** Own enumerable properties; MORE set when some were cut. */
    readonly props: Record<string, unknown>,
  ) {}
}

/** A symbol. */
export class SymbolValue {
  constructor(
    /** Its description; undefined for Symbol(). */
    readonly description: string | undefined,
    /** Whether it came from Symbol.for (the description is then the registry key). */
    readonly registered: boolean,
  ) {}
}

/** A function, by name and kind. */
export class FunctionValue {
  constructor(
    readonly name: string,
    readonly kind: FunctionKindName,
  ) {}
}

/** An Error. Fields absent from the capture are absent here (check with Object.hasOwn). */
export class ErrorValue {
  declare name?: unknown;
  declare message?: unknown;
  declare stack?: unknown;
  declare cause?: unknown;
  constructor(
    /** Constructor name, e.g. 'TypeError' or a subclass. */
    readonly className: string,
    /** Other own enumerable properties (and AggregateError `errors`); MORE set when some were cut. */
    readonly props: Record<string, unknown>,
  ) {}
}

/** A property that has a getter and/or setter; it was not read. */
export class AccessorValue {
  constructor(
    readonly get: boolean,
    readonly set: boolean,
  ) {}
}

/** An object whose contents were not captured: 'Proxy', 'Promise', 'WeakMap', 'WeakSet', 'Module'... */
export class OpaqueValue {
  constructor(readonly type: string) {}
}

/** Why a value is incomplete; see Truncated. */
export type TruncatedReason = 'depth' | 'bytes' | 'size' | 'error' | 'string' | 'binary';

/**
 * A value that was not captured, or only partly:
 * - 'string': a cut string; `value` is the captured prefix, `length` the original length.
 * - 'binary': capped binary data; `value` is a Uint8Array of the captured bytes, `length` the
 *   original byteLength, `type` the kind ('Uint8Array', 'Buffer', 'ArrayBuffer'...).
 * - 'depth' (nested too deep), 'bytes' (byte budget ran out), 'size' (too large, e.g. a huge
 *   BigInt), 'error' (encoder failure): nothing captured; `type` names what it was when known,
 *   `length` its length/size/count or -1.
 */
export class Truncated {
  constructor(
    readonly reason: TruncatedReason,
    readonly type: string,
    readonly length: number,
    readonly value?: unknown,
  ) {}
}

/** The last element of an array that was cut: `count` more items existed. */
export class More {
  constructor(readonly count: number) {}
}

// ---- Decoding

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const textDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
const MAX_ARRAY_LENGTH = 0xffffffff;

/** Typed array constructors by kind name; Float16Array only where the runtime has one. */
const TYPED_ARRAY_CTORS: Record<string, (new (buffer: ArrayBuffer) => ArrayBufferView) | undefined> = {
  Float16Array: (globalThis as { Float16Array?: new (buffer: ArrayBuffer) => ArrayBufferView }).Float16Array,
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
};

/** Node's Buffer when running under Node (a decoded Buffer is a Buffer there, else a Uint8Array). */
const NodeBuffer = (
  globalThis as { Buffer?: { from(bytes: Uint8Array): Uint8Array; prototype: Record<string, unknown> } }
).Buffer;
/** Node's native latin1 decoder, several times faster than a loop or TextDecoder for short strings. */
const latin1Slice = NodeBuffer?.prototype.latin1Slice as
  ((this: Uint8Array, start: number, end: number) => string) | undefined;

// Doubles are read through a shared Float64Array: cheaper than a DataView per decode.
const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reads one encoded value from bytes[start, end). */
class Reader {
  private pos: number;
  private depth = 0;
  /** Containers by index, and whether each is still open (only open ones may be referenced). */
  private readonly refs: object[] = [];
  private readonly isOpen: boolean[] = [];

  constructor(
    private readonly bytes: Uint8Array,
    private readonly start: number,
    private readonly end: number,
  ) {
    this.pos = start;
  }

  /** Decodes the whole range as exactly one value. */
  decodeAll(): unknown {
    if (this.pos >= this.end) this.fail(this.pos, 'the value is empty');
    const v = this.value();
    if (this.pos !== this.end)
      this.fail(this.pos, `${this.end - this.pos} unexpected bytes follow the value`);
    return v;
  }

  private fail(at: number, what: string): never {
    throw new TraceError(
      'corrupt-value',
      `Corrupt value at byte ${at - this.start} of ${this.end - this.start}: ${what}.`,
    );
  }

  private u8(): number {
    if (this.pos >= this.end) this.fail(this.pos, 'it ends in the middle');
    return this.bytes[this.pos++];
  }

  private varint(): number {
    const at = this.pos;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      const b = this.u8();
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 0x80;
    }
    return this.fail(at, `a varint is longer than ${MAX_VARINT_BYTES} bytes`);
  }

  /** A varint used as a byte or item count that must fit in what is left. */
  private length(perItem: number, what: string): number {
    const at = this.pos;
    const n = this.varint();
    if (n * perItem > this.end - this.pos) {
      this.fail(at, `${what} of ${n} runs past the end (${this.end - this.pos} bytes left)`);
    }
    return n;
  }

  private float64(): number {
    if (this.end - this.pos < 8) this.fail(this.pos, 'a float64 runs past the end');
    const bytes = this.bytes;
    const p = this.pos;
    if (LITTLE_ENDIAN) for (let i = 0; i < 8; i++) f64Bytes[i] = bytes[p + i];
    else for (let i = 0; i < 8; i++) f64Bytes[7 - i] = bytes[p + i];
    this.pos = p + 8;
    return f64[0];
  }

  private value(): unknown {
    const at = this.pos;
    const tag = this.u8();
    if (tag >= Tag.fixInt && tag <= Tag.fixInt + FIXINT_MAX) return tag - Tag.fixInt;
    if (tag >= Tag.fixAscii && tag <= Tag.fixAscii + FIXASCII_MAX) return this.ascii(tag - Tag.fixAscii);
    switch (tag) {
      case Tag.undefined:
        return undefined;
      case Tag.null:
        return null;
      case Tag.false:
        return false;
      case Tag.true:
        return true;
      case Tag.int:
        return this.int(at);
      case Tag.float64:
        return this.float64();
      case Tag.bigintPos:
      case Tag.bigintNeg:
        return this.bigint(tag === Tag.bigintNeg);
      case Tag.ascii:
      case Tag.utf8:
      case Tag.utf16:
        return this.textBody(tag);
      case Tag.stringCut: {
        const length = this.varint();
        const prefix = this.text();
        if (prefix.length > length)
          this.fail(at, `a cut string is longer (${prefix.length}) than its original`);
        return new Truncated('string', 'string', length, prefix);
      }
      case Tag.symbol:
        return new SymbolValue(this.text(), false);
      case Tag.symbolAnon:
        return new SymbolValue(undefined, false);
      case Tag.symbolFor:
        return new SymbolValue(this.text(), true);
      case Tag.date:
        return new Date(this.float64());
      case Tag.regexp:
        return this.regexp(at);
      case Tag.binary:
        return this.binary(at);
      case Tag.function: {
        const kind = FUNCTION_KINDS[this.u8()];
        if (kind === undefined) this.fail(at, `unknown function kind ${this.bytes[this.pos - 1]}`);
        return new FunctionValue(this.text(), kind);
      }
      case Tag.opaque:
        return new OpaqueValue(this.text());
      case Tag.proxy:
        return new OpaqueValue('Proxy');
      case Tag.accessor: {
        const flags = this.u8();
        if (flags > 3) this.fail(at, `accessor flags ${flags} are not 0-3`);
        return new AccessorValue((flags & 1) !== 0, (flags & 2) !== 0);
      }
      case Tag.ref: {
        const index = this.varint();
        if (!(index < this.refs.length) || !this.isOpen[index]) {
          this.fail(at, `reference to container ${index}, which is not an enclosing container`);
        }
        return this.refs[index];
      }
      case Tag.truncated: {
        const reason = TRUNC_REASON_NAMES[this.u8()];
        if (reason === undefined) {
          this.fail(at, `unknown truncation reason ${this.bytes[this.pos - 1]}`);
        }
        const type = this.text();
        return new Truncated(reason as TruncatedReason, type, this.varint() - 1);
      }
      case Tag.boxed:
        return this.boxed(at);
      case Tag.array:
        return this.array(at);
      case Tag.object:
        return this.object(at, {});
      case Tag.objectNullProto:
        return this.object(at, Object.create(null) as Record<string, unknown>);
      case Tag.instance: {
        const className = this.text();
        const instance = new ClassInstance(className, {});
        this.pairs(at, instance, instance.props, undefined);
        return instance;
      }
      case Tag.error: {
        const className = this.text();
        const error = new ErrorValue(className, {});
        this.pairs(at, error, error.props, error);
        return error;
      }
      case Tag.map:
        return this.map(at);
      case Tag.set:
        return this.set(at);
    }
    return this.fail(at, `unknown tag 0x${tag.toString(16).padStart(2, '0')}`);
  }

  private int(at: number): number {
    const z = this.varint();
    if (z > Number.MAX_SAFE_INTEGER) this.fail(at, 'an integer is beyond the safe range');
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  private bigint(negative: boolean): bigint {
    const n = this.length(1, 'a bigint');
    if (n === 0) return 0n;
    let hex = '';
    for (let i = this.pos + n - 1; i >= this.pos; i--) hex += HEX[this.bytes[i]];
    this.pos += n;
    const magnitude = BigInt('0x' + hex);
    return negative ? -magnitude : magnitude;
  }

  /** A name / text field: FIXASCII, ASCII, UTF8 or UTF16 only. */
  private text(): string {
    const at = this.pos;
    const tag = this.u8();
    if (tag >= Tag.fixAscii && tag <= Tag.fixAscii + FIXASCII_MAX) return this.ascii(tag - Tag.fixAscii);
    if (tag === Tag.ascii || tag === Tag.utf8 || tag === Tag.utf16) return this.textBody(tag);
    return this.fail(at, `expected a string, found tag 0x${tag.toString(16).padStart(2, '0')}`);
  }

  private textBody(tag: number): string {
    if (tag === Tag.ascii) return this.ascii(this.length(1, 'a string'));
    if (tag === Tag.utf8) {
      const n = this.length(1, 'a string');
      const at = this.pos;
      this.pos += n;
      try {
        return utf8Decoder.decode(this.bytes.subarray(at, at + n));
      } catch {
        return this.fail(at, 'a string is not valid UTF-8');
      }
    }
    const n = this.length(2, 'a string');
    const bytes = this.bytes;
    let s = '';
    const units: number[] = [];
    for (let i = 0; i < n; i++) {
      units.push(bytes[this.pos] | (bytes[this.pos + 1] << 8));
      this.pos += 2;
      if (units.length === 4096) {
        s += String.fromCharCode(...units);
        units.length = 0;
      }
    }
    return s + String.fromCharCode(...units);
  }

  private ascii(n: number): string {
    if (n > this.end - this.pos) this.fail(this.pos, `a string of ${n} bytes runs past the end`);
    const bytes = this.bytes;
    const at = this.pos;
    const stop = at + n;
    for (let i = at; i < stop; i++)
      if (bytes[i] >= 0x80) this.fail(i, 'an ASCII string has a byte above 0x7f');
    this.pos = stop;
    if (n > 8 && latin1Slice) return latin1Slice.call(bytes, at, stop);
    if (n > 64) return textDecoder.decode(bytes.subarray(at, stop));
    let s = '';
    for (let i = at; i < stop; i++) s += String.fromCharCode(bytes[i]);
    return s;
  }

  private regexp(at: number): RegExp {
    const source = this.text();
    const flags = this.text();
    try {
      return new RegExp(source, flags);
    } catch {
      return this.fail(at, `/${source.slice(0, 40)}/${flags.slice(0, 10)} is not a valid regular expression`);
    }
  }

  private boxed(at: number): unknown {
    if (this.pos >= this.end || !isBoxable(this.bytes[this.pos])) {
      this.fail(at, 'a boxed value does not hold a primitive');
    }
    const v = this.value();
    return typeof v === 'object' ? v : Object(v);
  }

  private binary(at: number): unknown {
    const kindByte = this.u8();
    const kind = BINARY_KINDS[kindByte];
    if (kind === undefined) this.fail(at, `unknown binary kind ${kindByte}`);
    const byteLength = this.varint();
    const captured = this.length(1, 'binary data');
    if (captured > byteLength) this.fail(at, `${captured} bytes captured out of ${byteLength}`);
    if (captured % BINARY_ELEMENT_SIZES[kindByte] !== 0) {
      this.fail(at, `${captured} bytes is not a whole number of ${kind} elements`);
    }
    // A copy with its own ArrayBuffer (Buffer#slice would share memory, even Node's buffer pool).
    const copy = new Uint8Array(captured);
    copy.set(this.bytes.subarray(this.pos, this.pos + captured));
    this.pos += captured;
    if (captured < byteLength) return new Truncated('binary', kind, byteLength, copy);
    switch (kind) {
      case 'ArrayBuffer':
        return copy.buffer;
      case 'SharedArrayBuffer': {
        const shared = new SharedArrayBuffer(captured);
        new Uint8Array(shared).set(copy);
        return shared;
      }
      case 'DataView':
        return new DataView(copy.buffer);
      case 'Buffer':
        return NodeBuffer ? NodeBuffer.from(copy) : copy;
      default: {
        // Without a Float16Array in this runtime, its bytes come back as a Uint8Array.
        const Ctor = TYPED_ARRAY_CTORS[kind];
        return Ctor ? new Ctor(copy.buffer) : copy;
      }
    }
  }

  /** Registers a container that is being filled; returns its index. */
  private enter(at: number, container: object): number {
    if (this.depth >= MAX_DECODE_DEPTH)
      this.fail(at, `containers are nested deeper than ${MAX_DECODE_DEPTH}`);
    this.depth++;
    const index = this.refs.length;
    this.refs.push(container);
    this.isOpen.push(true);
    return index;
  }

  private leave(index: number): void {
    this.isOpen[index] = false;
    this.depth--;
  }

  /** If the next byte is MORE or END, consumes the rest of the container; returns MORE's count, 0 for END, -1 otherwise. */
  private closing(): number {
    if (this.pos >= this.end) this.fail(this.pos, 'a container is not closed');
    const tag = this.bytes[this.pos];
    if (tag === Tag.end) {
      this.pos++;
      return 0;
    }
    if (tag !== Tag.more) return -1;
    const at = this.pos++;
    const count = this.varint();
    if (count < 1) this.fail(at, 'a MORE count is 0');
    if (this.u8() !== Tag.end) this.fail(this.pos - 1, 'MORE is not the last item of its container');
    return count;
  }

  private array(at: number): unknown[] {
    const arr: unknown[] = [];
    const index = this.enter(at, arr);
    for (;;) {
      const more = this.closing();
      if (more > 0) arr.push(new More(more));
      if (more >= 0) break;
      if (this.bytes[this.pos] === Tag.holes) {
        const holesAt = this.pos++;
        const n = this.varint();
        if (n < 1 || arr.length + n > MAX_ARRAY_LENGTH)
          this.fail(holesAt, `a run of ${n} holes is out of range`);
        arr.length += n;
        continue;
      }
      if (arr.length >= MAX_ARRAY_LENGTH) this.fail(this.pos, 'an array is too long');
      arr.push(this.value());
    }
    this.leave(index);
    return arr;
  }

  private object(at: number, obj: Record<string, unknown>): Record<string, unknown> {
    this.pairs(at, obj, obj, undefined);
    return obj;
  }

  /** (name, value)* pairs into `props`; for an error the well-known keys go to its fields. */
  private pairs(
    at: number,
    container: object,
    props: Record<string | symbol, unknown>,
    error?: ErrorValue,
  ): void {
    const index = this.enter(at, container);
    for (;;) {
      const more = this.closing();
      if (more > 0) defineHidden(props, MORE, more);
      if (more >= 0) break;
      const key = this.text();
      const value = this.value();
      if (
        error !== undefined &&
        (key === 'name' || key === 'message' || key === 'stack' || key === 'cause')
      ) {
        error[key] = value;
      } else {
        setKey(props, key, value);
      }
    }
    this.leave(index);
  }

  private map(at: number): Map<unknown, unknown> {
    const map = new Map<unknown, unknown>();
    const index = this.enter(at, map);
    for (;;) {
      const more = this.closing();
      if (more > 0) defineHidden(map, MORE, more);
      if (more >= 0) break;
      const key = this.value();
      map.set(key, this.value());
    }
    this.leave(index);
    return map;
  }

  private set(at: number): Set<unknown> {
    const set = new Set<unknown>();
    const index = this.enter(at, set);
    for (;;) {
      const more = this.closing();
      if (more > 0) defineHidden(set, MORE, more);
      if (more >= 0) break;
      set.add(this.value());
    }
    this.leave(index);
    return set;
  }
}

/** Whether a tag starts a primitive a BOXED value may hold (which keeps BOXED from nesting). */
function isBoxable(tag: number): boolean {
  return (
    (tag >= Tag.false && tag <= Tag.symbolFor) ||
    (tag >= Tag.fixInt && tag <= Tag.fixInt + FIXINT_MAX) ||
    (tag >= Tag.fixAscii && tag <= Tag.fixAscii + FIXASCII_MAX)
  );
}

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));

/** Sets an own enumerable property, even for keys such as "__proto__". */
function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

function defineHidden(obj: object, key: symbol, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: false, configurable: true });
}

/**
 * Decodes one value from bytes[start, end) into its JS form: real values where they round-trip
 * (primitives, bigint, arrays with holes, plain objects, Map, Set, Date, RegExp, typed arrays,
 * ArrayBuffer, DataView; Buffer under Node, else Uint8Array) and the marker classes above for the
 * rest. Cycles become real cycles. Throws TraceError('corrupt-value') on malformed input.
 */
export function decodeValue(bytes: Uint8Array, start = 0, end = bytes.length): unknown {
  if (!(start >= 0 && start <= end && end <= bytes.length)) {
    throw new RangeError(`decodeValue: range [${start}, ${end}) is outside the ${bytes.length} bytes given`);
  }
  return new Reader(bytes, start, end).decodeAll();
}

// ---- JSON form

/** Converts the JS form from `decodeValue` into the JSON form of docs/value-encoding.md. */
export function toJson(decoded: unknown): JsonValue {
  return new JsonConverter().convert(decoded);
}

/** `JSON.stringify(toJson(decodeValue(bytes, start, end)))`. */
export function decodeValueJson(bytes: Uint8Array, start = 0, end = bytes.length): string {
  return JSON.stringify(toJson(decodeValue(bytes, start, end)));
}

type JsonObject = { [k: string]: JsonValue };

/** Plain object keys starting with "$" get one more "$", so "$" keys always mean markers. */
function escapeKey(key: string): string {
  return key.charCodeAt(0) === 0x24 ? '$' + key : key;
}

function setJsonKey(obj: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]];
  return s;
}

function binaryKind(v: object): string {
  if (NodeBuffer && (NodeBuffer as unknown as { isBuffer(v: unknown): boolean }).isBuffer(v)) return 'Buffer';
  if (v instanceof DataView) return 'DataView';
  return Object.prototype.toString.call(v).slice(8, -1);
}

/** Walks a decoded value once, numbering containers in pre-order as the encoding does. */
class JsonConverter {
  private next = 0;
  /** Containers being converted, with their numbers: a repeat among them is a cycle. */
  private readonly open = new Map<object, number>();

  convert(v: unknown): JsonValue {
    switch (typeof v) {
      case 'number':
        if (Number.isFinite(v) && !(v === 0 && 1 / v < 0)) return v;
        return { $: 'number', v: v === 0 ? '-0' : String(v) };
      case 'string':
      case 'boolean':
        return v;
      case 'undefined':
        return { $: 'undefined' };
      case 'bigint':
        return { $: 'bigint', v: v.toString() };
      case 'symbol':
        return this.convert(new SymbolValue(v.description, Symbol.keyFor(v) !== undefined));
      case 'function':
        return { $: 'function', name: v.name, kind: 'function' };
    }
    if (v === null) return null;
    return this.object(v as object);
  }

  private object(v: object): JsonValue {
    const ref = this.open.get(v);
    if (ref !== undefined) return { $: 'cycle', ref };
    // Containers first, plain ones (the common case) before any instanceof.
    let out: JsonValue;
    const proto: unknown = Object.getPrototypeOf(v);
    if (Array.isArray(v)) {
      this.open.set(v, this.next++);
      out = this.array(v);
    } else if (proto === Object.prototype || proto === null) {
      this.open.set(v, this.next++);
      out = this.props(v as Record<string, unknown>);
    } else if (v instanceof ClassInstance) {
      this.open.set(v, this.next++);
      out = { $: 'instance', class: v.className, props: this.props(v.props) };
    } else if (v instanceof ErrorValue) {
      this.open.set(v, this.next++);
      out = this.error(v);
    } else if (v instanceof Map) {
      this.open.set(v, this.next++);
      out = this.map(v);
    } else if (v instanceof Set) {
      this.open.set(v, this.next++);
      out = this.set(v);
    } else {
      return this.leaf(v);
    }
    this.open.delete(v);
    return out;
  }

  /** Objects that hold no other values to convert (but for a boxed primitive). */
  private leaf(v: object): JsonValue {
    if (v instanceof More) return { $: 'more', count: v.count };
    if (v instanceof Truncated) return this.truncated(v);
    if (v instanceof SymbolValue) {
      const out: JsonObject = { $: 'symbol' };
      if (v.description !== undefined) out.description = v.description;
      if (v.registered) out.registered = true;
      return out;
    }
    if (v instanceof FunctionValue) return { $: 'function', name: v.name, kind: v.kind };
    if (v instanceof AccessorValue) return { $: 'accessor', get: v.get, set: v.set };
    if (v instanceof OpaqueValue) return { $: 'opaque', type: v.type };
    if (v instanceof Date) {
      const t = v.getTime();
      return { $: 'Date', v: t === t ? v.toISOString() : null };
    }
    if (v instanceof RegExp) return { $: 'RegExp', source: v.source, flags: v.flags };
    if (ArrayBuffer.isView(v)) {
      return this.bytes(binaryKind(v), new Uint8Array(v.buffer, v.byteOffset, v.byteLength), v.byteLength);
    }
    if (v instanceof ArrayBuffer || v instanceof SharedArrayBuffer) {
      return this.bytes(binaryKind(v), new Uint8Array(v), v.byteLength);
    }
    if (
      v instanceof Number ||
      v instanceof String ||
      v instanceof Boolean ||
      v instanceof BigInt ||
      v instanceof Symbol
    ) {
      return { $: 'boxed', v: this.convert(v.valueOf()) };
    }
    // Any other object (not from decodeValue): its own enumerable props.
    this.open.set(v, this.next++);
    const out = this.props(v as Record<string, unknown>);
    this.open.delete(v);
    return out;
  }

  private array(arr: unknown[]): JsonValue[] {
    const out: JsonValue[] = [];
    const len = arr.length;
    let present: number[] | undefined; // indices of present items, built only for long gaps
    let cursor = 0;
    for (let i = 0; i < len;) {
      if (Object.hasOwn(arr, i)) {
        out.push(this.convert(arr[i]));
        i++;
        continue;
      }
      // A run of holes: find the next present index without visiting every hole.
      let j = i + 1;
      while (j < len && j - i < 64 && !Object.hasOwn(arr, j)) j++;
      if (j - i >= 64) {
        present ??= Object.keys(arr)
          .map(Number)
          .filter((k) => Number.isInteger(k));
        while (cursor < present.length && present[cursor] < i) cursor++;
        j = cursor < present.length ? present[cursor] : len;
      }
      out.push(j - i === 1 ? { $: 'hole' } : { $: 'hole', count: j - i });
      i = j;
    }
    return out;
  }

  /** Own enumerable string-keyed properties, keys escaped; "$more" when some were cut. */
  private props(obj: Record<string | symbol, unknown>): JsonObject {
    const out: JsonObject = {};
    for (const key of Object.keys(obj)) setJsonKey(out, escapeKey(key), this.convert(obj[key]));
    const more = obj[MORE];
    if (typeof more === 'number') out.$more = more;
    return out;
  }

  private error(e: ErrorValue): JsonObject {
    const out: JsonObject = { $: 'Error', class: e.className };
    for (const key of ['name', 'message', 'stack', 'cause'] as const) {
      if (Object.hasOwn(e, key)) out[key] = this.convert(e[key]);
    }
    const props = this.props(e.props);
    if (Object.keys(props).length > 0) out.props = props;
    return out;
  }

  private map(m: Map<unknown, unknown>): JsonObject {
    const entries: JsonValue[] = [];
    for (const [k, v] of m) entries.push([this.convert(k), this.convert(v)]);
    return { $: 'Map', size: m.size + moreOf(m), entries };
  }

  private set(s: Set<unknown>): JsonObject {
    const values: JsonValue[] = [];
    for (const v of s) values.push(this.convert(v));
    return { $: 'Set', size: s.size + moreOf(s), values };
  }

  private bytes(kind: string, bytes: Uint8Array, byteLength: number): JsonObject {
    return { $: kind, byteLength, hex: toHex(bytes) };
  }

  private truncated(t: Truncated): JsonObject {
    if (t.reason === 'string') return { $: 'string', v: t.value as string, length: t.length };
    if (t.reason === 'binary') return this.bytes(t.type, t.value as Uint8Array, t.length);
    const out: JsonObject = { $: 'truncated', reason: t.reason };
    if (t.type !== '') out.type = t.type;
    if (t.length >= 0) out.length = t.length;
    return out;
  }
}

function moreOf(container: object): number {
  const more = (container as { [MORE]?: unknown })[MORE];
  return typeof more === 'number' ? more : 0;
}

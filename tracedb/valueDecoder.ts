/**
 * Reads the tagged value encoding of `runtime/valueTags.ts` back into JS values (`decodeValue`)
 * and into the JSON form stored in the TraceDB (`toJson`, `decodeValueJson`). The JSON form is
 * described in docs/value-encoding.md.
 *
 * Input comes from files and sockets, so it is treated as hostile: every length is checked against
 * the bytes left, nesting is capped, references may only point at enclosing containers (so the JS
 * form is a tree plus back edges and converting it is linear), and every failure is a
 * TraceError('corrupt-value') naming the byte offset.
 *
 * Here: the dispatch on tags and the containers. Scalars are read by `scalarReader.ts`, the
 * marker classes of the JS form are in `decodedValues.ts`, the JSON form in `valueJson.ts`; this
 * module re-exports them all, so importers need only this one.
 */
import { FIXASCII_MAX, FIXINT_MAX, FUNCTION_KINDS, Tag, TRUNC_REASON_NAMES } from '../runtime/valueTags';
import {
  AccessorValue,
  ClassInstance,
  ErrorValue,
  FunctionValue,
  MORE,
  More,
  OpaqueValue,
  SymbolValue,
  Truncated,
} from './decodedValues';
import type { TruncatedReason } from './decodedValues';
import {
  fail,
  readAscii,
  readBigInt,
  readBinary,
  readFloat64,
  readInt,
  readRegExp,
  readText,
  readTextBody,
  readU8,
  readVarint,
} from './scalarReader';
import type { Cursor } from './scalarReader';
import { toJson } from './valueJson';

export {
  AccessorValue,
  ClassInstance,
  ErrorValue,
  FunctionValue,
  MORE,
  More,
  OpaqueValue,
  SymbolValue,
  Truncated,
} from './decodedValues';
export type { TruncatedReason } from './decodedValues';
export { toJson } from './valueJson';
export type { JsonValue } from './valueJson';

/** Deepest container nesting accepted; encoders produce at most 128. */
export const MAX_DECODE_DEPTH = 256;
const MAX_ARRAY_LENGTH = 0xffffffff;

/** Reads one encoded value from bytes[start, end). */
class Reader implements Cursor {
  pos: number;
  private depth = 0;
  /** Containers by index, and whether each is still open (only open ones may be referenced). */
  private readonly refs: object[] = [];
  private readonly isOpen: boolean[] = [];

  constructor(
    readonly bytes: Uint8Array,
    readonly start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  /** Decodes the whole range as exactly one value. */
  decodeAll(): unknown {
    if (this.pos >= this.end) fail(this, this.pos, 'the value is empty');
    const v = this.value();
    if (this.pos !== this.end)
      fail(this, this.pos, `${this.end - this.pos} unexpected bytes follow the value`);
    return v;
  }

  private value(): unknown {
    const at = this.pos;
    const tag = readU8(this);
    if (tag >= Tag.fixInt && tag <= Tag.fixInt + FIXINT_MAX) return tag - Tag.fixInt;
    if (tag >= Tag.fixAscii && tag <= Tag.fixAscii + FIXASCII_MAX) return readAscii(this, tag - Tag.fixAscii);
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
        return readInt(this, at);
      case Tag.float64:
        return readFloat64(this);
      case Tag.bigintPos:
      case Tag.bigintNeg:
        return readBigInt(this, tag === Tag.bigintNeg);
      case Tag.ascii:
      case Tag.utf8:
      case Tag.utf16:
        return readTextBody(this, tag);
      case Tag.stringCut: {
        const length = readVarint(this);
        const prefix = readText(this);
        if (prefix.length > length)
          fail(this, at, `a cut string is longer (${prefix.length}) than its original`);
        return new Truncated('string', 'string', length, prefix);
      }
      case Tag.symbol:
        return new SymbolValue(readText(this), false);
      case Tag.symbolAnon:
        return new SymbolValue(undefined, false);
      case Tag.symbolFor:
        return new SymbolValue(readText(this), true);
      case Tag.date:
        return new Date(readFloat64(this));
      case Tag.regexp:
        return readRegExp(this, at);
      case Tag.binary:
        return readBinary(this, at);
      case Tag.function: {
        const kind = FUNCTION_KINDS[readU8(this)];
        if (kind === undefined) fail(this, at, `unknown function kind ${this.bytes[this.pos - 1]}`);
        return new FunctionValue(readText(this), kind);
      }
      case Tag.opaque:
        return new OpaqueValue(readText(this));
      case Tag.proxy:
        return new OpaqueValue('Proxy');
      case Tag.accessor: {
        const flags = readU8(this);
        if (flags > 3) fail(this, at, `accessor flags ${flags} are not 0-3`);
        return new AccessorValue((flags & 1) !== 0, (flags & 2) !== 0);
      }
      case Tag.ref: {
        const index = readVarint(this);
        if (!(index < this.refs.length) || !this.isOpen[index]) {
          fail(this, at, `reference to container ${index}, which is not an enclosing container`);
        }
        return this.refs[index];
      }
      case Tag.truncated: {
        const reason = TRUNC_REASON_NAMES[readU8(this)];
        if (reason === undefined) {
          fail(this, at, `unknown truncation reason ${this.bytes[this.pos - 1]}`);
        }
        const type = readText(this);
        return new Truncated(reason as TruncatedReason, type, readVarint(this) - 1);
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
        const className = readText(this);
        const instance = new ClassInstance(className, {});
        this.pairs(at, instance, instance.props, undefined);
        return instance;
      }
      case Tag.error: {
        const className = readText(this);
        const error = new ErrorValue(className, {});
        this.pairs(at, error, error.props, error);
        return error;
      }
      case Tag.map:
        return this.map(at);
      case Tag.set:
        return this.set(at);
    }
    return fail(this, at, `unknown tag 0x${tag.toString(16).padStart(2, '0')}`);
  }

  private boxed(at: number): unknown {
    if (this.pos >= this.end || !isBoxable(this.bytes[this.pos])) {
      fail(this, at, 'a boxed value does not hold a primitive');
    }
    const v = this.value();
    return typeof v === 'object' ? v : Object(v);
  }

  /** Registers a container that is being filled; returns its index. */
  private enter(at: number, container: object): number {
    if (this.depth >= MAX_DECODE_DEPTH)
      fail(this, at, `containers are nested deeper than ${MAX_DECODE_DEPTH}`);
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
    if (this.pos >= this.end) fail(this, this.pos, 'a container is not closed');
    const tag = this.bytes[this.pos];
    if (tag === Tag.end) {
      this.pos++;
      return 0;
    }
    if (tag !== Tag.more) return -1;
    const at = this.pos++;
    const count = readVarint(this);
    if (count < 1) fail(this, at, 'a MORE count is 0');
    if (readU8(this) !== Tag.end) fail(this, this.pos - 1, 'MORE is not the last item of its container');
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
        const n = readVarint(this);
        if (n < 1 || arr.length + n > MAX_ARRAY_LENGTH)
          fail(this, holesAt, `a run of ${n} holes is out of range`);
        arr.length += n;
        continue;
      }
      if (arr.length >= MAX_ARRAY_LENGTH) fail(this, this.pos, 'an array is too long');
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
      const key = readText(this);
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
 * ArrayBuffer, DataView; Buffer under Node, else Uint8Array) and the marker classes of
 * `decodedValues.ts` for the rest. Cycles become real cycles. Throws TraceError('corrupt-value')
 * on malformed input.
 */
export function decodeValue(bytes: Uint8Array, start = 0, end = bytes.length): unknown {
  if (!(start >= 0 && start <= end && end <= bytes.length)) {
    throw new RangeError(`decodeValue: range [${start}, ${end}) is outside the ${bytes.length} bytes given`);
  }
  return new Reader(bytes, start, end).decodeAll();
}

/** `JSON.stringify(toJson(decodeValue(bytes, start, end)))`. */
export function decodeValueJson(bytes: Uint8Array, start = 0, end = bytes.length): string {
  return JSON.stringify(toJson(decodeValue(bytes, start, end)));
}

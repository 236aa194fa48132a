/**
 * The JSON form of a decoded value, the one the TraceDB stores (docs/value-encoding.md): plain
 * JSON where the value is plain JSON, and objects with a "$" key for everything else (undefined,
 * -0, bigints, cycles, holes, Maps, binary data, the marker classes of `decodedValues.ts`...).
 */
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
import { HEX } from './scalarReader';

/** A JSON-safe value: what `toJson` returns and what the TraceDB stores. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

/** Node's Buffer when running under Node. */
const NodeBuffer = (globalThis as { Buffer?: { isBuffer(v: unknown): boolean } }).Buffer;

/** Converts the JS form from `decodeValue` into the JSON form of docs/value-encoding.md. */
export function toJson(decoded: unknown): JsonValue {
  return new JsonConverter().convert(decoded);
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
  if (NodeBuffer && NodeBuffer.isBuffer(v)) return 'Buffer';
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

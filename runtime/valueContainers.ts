/**
 * The middle of the encoder's class chain (see `valueText.ts`): containers. Arrays (with runs of
 * holes), plain and null-prototype objects, class instances, errors, Maps and Sets, each written
 * up to maxBreadth items then closed with a MORE count; nesting past maxDepth becomes a
 * TRUNCATED(depth) marker and a container already open becomes a REF to it (cycles).
 *
 * Properties are read through own property descriptors: a getter is recorded as an accessor,
 * never called. Every container reserves CLOSE_RESERVE bytes when it opens, so that however the
 * byte budget runs out, the containers still open can always be closed.
 */
import {
  LookupGetter,
  LookupSetter,
  MapEntries,
  MapIteratorNext,
  MapSize,
  ObjectDefineProperty,
  ObjectGetOwnPropertyDescriptor,
  ObjectGetPrototypeOf,
  ObjectHasOwn,
  ObjectKeys,
  SetIteratorNext,
  SetSize,
  SetValues,
  isProxy,
} from './primordials';
import { ABSENT, ACCESSOR, BLOCKED, className, dataPropInChain, stackIsSafe } from './safeReflection';
import { TextWriter, varintSize } from './valueText';
import { CLOSE_RESERVE, Tag, TruncReason } from './valueTags';

/** Descriptor of a writable array slot; null prototype so no inherited `get` can be seen in it. */
const SLOT = { __proto__: null, value: undefined, writable: true, enumerable: true, configurable: true };

/** Error fields written first, in this order. */
const ERROR_FIELDS = ['name', 'message', 'stack', 'cause', 'errors'];

function isErrorField(key: string): boolean {
  return key === 'name' || key === 'message' || key === 'stack' || key === 'cause' || key === 'errors';
}

/** Containers, property by property. Only ValueEncoder extends it; it supplies `value`. */
export abstract class ContainerWriter extends TextWriter {
  protected readonly maxDepth: number;
  protected readonly maxBreadth: number;
  /** Number of open containers. */
  protected depth = 0;
  /** Index the next container opened will get. */
  protected nextIndex = 0;
  /** The open containers (cycle detection) and their indices; cleared as they close. */
  protected readonly open: unknown[];
  protected readonly openIndex: Float64Array;

  constructor(maxBytes: number, maxString: number, maxDepth: number, maxBreadth: number) {
    super(maxBytes, maxString);
    this.maxDepth = maxDepth;
    this.maxBreadth = maxBreadth;
    // Own slots defined up front (not assigned): later writes then never reach the prototype,
    // where a program could have put an index setter.
    this.open = [];
    for (let i = 0; i < this.maxDepth; i++) ObjectDefineProperty(this.open, i, SLOT);
    this.openIndex = new Float64Array(this.maxDepth);
  }

  /** Writes one value; false (with nothing written) when it does not fit in the byte budget. */
  protected abstract value(v: unknown): boolean;

  // ---- Markers found inside containers

  /** A property with a getter and/or a setter, neither of which is called. */
  private accessor(get: boolean, set: boolean): boolean {
    if (this.pos + 2 > this.end) return false;
    this.bytes[this.pos++] = Tag.accessor;
    this.bytes[this.pos++] = (get ? 1 : 0) | (set ? 2 : 0);
    return true;
  }

  /** A reference to the open container numbered `index`: the value is a cycle. */
  protected ref(index: number): boolean {
    if (this.pos + 1 + varintSize(index) > this.end) return false;
    this.bytes[this.pos++] = Tag.ref;
    this.varint(index);
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

  protected array(a: unknown[]): boolean {
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

  protected plain(o: object, tag: number): boolean {
    if (this.depth >= this.maxDepth)
      return this.truncMarker(TruncReason.depth, 'Object', ObjectKeys(o).length);
    if (!this.openContainer(tag, o)) return false;
    return this.close(this.props(o, ObjectKeys(o)));
  }

  protected instance(o: object, proto: object): boolean {
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

  protected error(e: object, proto: object): boolean {
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

  protected map(m: object): boolean {
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

  protected set(s: object): boolean {
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

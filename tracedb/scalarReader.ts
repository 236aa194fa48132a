/**
 * Bounds-checked reads of everything in the value encoding that is not a container: tags, varints,
 * numbers, bigints, text, regular expressions and binary data, each advancing a Cursor. Input is
 * untrusted: every length is checked against the bytes left before anything is allocated for it,
 * and every failure is a TraceError('corrupt-value') naming the byte offset. The containers and the
 * dispatch on tags are in `valueDecoder.ts`.
 */
import {
  BINARY_ELEMENT_SIZES,
  BINARY_KINDS,
  FIXASCII_MAX,
  MAX_VARINT_BYTES,
  Tag,
} from '../runtime/valueTags';
import { Truncated } from './decodedValues';
import { TraceError } from './errors';

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const textDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

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

/** Two lowercase hex digits for each byte value. */
export const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));

/**
 * Where a decode is in its input, bytes[start, end): what the reads below check and advance. The
 * decoder's Reader is the one implementation. These are functions of the cursor rather than
 * methods of a base class because one Reader is made per decode, and on Node 20 constructing a
 * derived class made decoding a small value about 10% slower.
 */
export interface Cursor {
  readonly bytes: Uint8Array;
  readonly start: number;
  readonly end: number;
  pos: number;
}

/** Throws the corrupt-value error for the byte at `at`. */
export function fail(c: Cursor, at: number, what: string): never {
  throw new TraceError(
    'corrupt-value',
    `Corrupt value at byte ${at - c.start} of ${c.end - c.start}: ${what}.`,
  );
}

/** One byte. */
export function readU8(c: Cursor): number {
  if (c.pos >= c.end) fail(c, c.pos, 'it ends in the middle');
  return c.bytes[c.pos++];
}

/** An unsigned LEB128 varint of at most MAX_VARINT_BYTES bytes. */
export function readVarint(c: Cursor): number {
  const at = c.pos;
  let result = 0;
  let scale = 1;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    const b = readU8(c);
    result += (b & 0x7f) * scale;
    if (b < 0x80) return result;
    scale *= 0x80;
  }
  return fail(c, at, `a varint is longer than ${MAX_VARINT_BYTES} bytes`);
}

/** A varint used as a byte or item count that must fit in what is left. */
function readLength(c: Cursor, perItem: number, what: string): number {
  const at = c.pos;
  const n = readVarint(c);
  if (n * perItem > c.end - c.pos) {
    fail(c, at, `${what} of ${n} runs past the end (${c.end - c.pos} bytes left)`);
  }
  return n;
}

/** A double: 8 bytes, little-endian. */
export function readFloat64(c: Cursor): number {
  if (c.end - c.pos < 8) fail(c, c.pos, 'a float64 runs past the end');
  const bytes = c.bytes;
  const p = c.pos;
  if (LITTLE_ENDIAN) for (let i = 0; i < 8; i++) f64Bytes[i] = bytes[p + i];
  else for (let i = 0; i < 8; i++) f64Bytes[7 - i] = bytes[p + i];
  c.pos = p + 8;
  return f64[0];
}

/** The body of an INT (a zigzag varint in the safe range); `at` is where its tag was. */
export function readInt(c: Cursor, at: number): number {
  const z = readVarint(c);
  if (z > Number.MAX_SAFE_INTEGER) fail(c, at, 'an integer is beyond the safe range');
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
}

/** The body of a BIGINT: a byte count, then the magnitude, least significant byte first. */
export function readBigInt(c: Cursor, negative: boolean): bigint {
  const n = readLength(c, 1, 'a bigint');
  if (n === 0) return 0n;
  let hex = '';
  for (let i = c.pos + n - 1; i >= c.pos; i--) hex += HEX[c.bytes[i]];
  c.pos += n;
  const magnitude = BigInt('0x' + hex);
  return negative ? -magnitude : magnitude;
}

/** A name / text field: FIXASCII, ASCII, UTF8 or UTF16 only. */
export function readText(c: Cursor): string {
  const at = c.pos;
  const tag = readU8(c);
  if (tag >= Tag.fixAscii && tag <= Tag.fixAscii + FIXASCII_MAX) return readAscii(c, tag - Tag.fixAscii);
  if (tag === Tag.ascii || tag === Tag.utf8 || tag === Tag.utf16) return readTextBody(c, tag);
  return fail(c, at, `expected a string, found tag 0x${tag.toString(16).padStart(2, '0')}`);
}

/** The body of an ASCII, UTF8 or UTF16 string whose tag was `tag`. */
export function readTextBody(c: Cursor, tag: number): string {
  if (tag === Tag.ascii) return readAscii(c, readLength(c, 1, 'a string'));
  if (tag === Tag.utf8) {
    const n = readLength(c, 1, 'a string');
    const at = c.pos;
    c.pos += n;
    try {
      return utf8Decoder.decode(c.bytes.subarray(at, at + n));
    } catch {
      return fail(c, at, 'a string is not valid UTF-8');
    }
  }
  const n = readLength(c, 2, 'a string');
  const bytes = c.bytes;
  let s = '';
  const units: number[] = [];
  for (let i = 0; i < n; i++) {
    units.push(bytes[c.pos] | (bytes[c.pos + 1] << 8));
    c.pos += 2;
    if (units.length === 4096) {
      s += String.fromCharCode(...units);
      units.length = 0;
    }
  }
  return s + String.fromCharCode(...units);
}

/** n bytes of ASCII. */
export function readAscii(c: Cursor, n: number): string {
  if (n > c.end - c.pos) fail(c, c.pos, `a string of ${n} bytes runs past the end`);
  const bytes = c.bytes;
  const at = c.pos;
  const stop = at + n;
  for (let i = at; i < stop; i++) if (bytes[i] >= 0x80) fail(c, i, 'an ASCII string has a byte above 0x7f');
  c.pos = stop;
  if (n > 8 && latin1Slice) return latin1Slice.call(bytes, at, stop);
  if (n > 64) return textDecoder.decode(bytes.subarray(at, stop));
  let s = '';
  for (let i = at; i < stop; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/** The body of a REGEXP: source, then flags. */
export function readRegExp(c: Cursor, at: number): RegExp {
  const source = readText(c);
  const flags = readText(c);
  try {
    return new RegExp(source, flags);
  } catch {
    return fail(c, at, `/${source.slice(0, 40)}/${flags.slice(0, 10)} is not a valid regular expression`);
  }
}

/** The body of a BINARY: the value rebuilt, or a Truncated holding the bytes captured. */
export function readBinary(c: Cursor, at: number): unknown {
  const kindByte = readU8(c);
  const kind = BINARY_KINDS[kindByte];
  if (kind === undefined) fail(c, at, `unknown binary kind ${kindByte}`);
  const byteLength = readVarint(c);
  const captured = readLength(c, 1, 'binary data');
  if (captured > byteLength) fail(c, at, `${captured} bytes captured out of ${byteLength}`);
  if (captured % BINARY_ELEMENT_SIZES[kindByte] !== 0) {
    fail(c, at, `${captured} bytes is not a whole number of ${kind} elements`);
  }
  // A copy with its own ArrayBuffer (Buffer#slice would share memory, even Node's buffer pool).
  const copy = new Uint8Array(captured);
  copy.set(c.bytes.subarray(c.pos, c.pos + captured));
  c.pos += captured;
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

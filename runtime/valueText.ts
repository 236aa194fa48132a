/**
 * The bottom of the encoder's class chain (TextWriter <- ContainerWriter <- ValueEncoder): the
 * scratch buffer with its byte budget, tags, varints, doubles, and text. Text covers string values
 * (cut to maxString code units, or to what still fits, never inside a surrogate pair) and names
 * (class, function, symbol names, property keys), each written as FIXASCII, ASCII, UTF8 or UTF16.
 *
 * The encoder is one object split over a short chain of classes so that each concept has its own
 * file while every write stays a plain method call on that one object.
 */
import {
  BufferByteLength,
  Latin1Write,
  StringCharCodeAt,
  StringIsWellFormed,
  StringSlice,
  Utf8Write,
  nativeText,
} from './primordials';
import { FIXASCII_MAX, Tag } from './valueTags';

/** Class, function and symbol names are cut to this many code units (without a marker). */
const NAME_CAP = 256;
/** Strings at least this long are written natively. */
const NATIVE_TEXT_MIN = 40;

// Doubles go to bytes through a shared Float64Array: element stores run no user code, unlike a
// (patchable) DataView method.
const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Bytes of the unsigned LEB128 form of n (0 <= n < 2^56). */
export function varintSize(n: number): number {
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

/** UTF-8 bytes of s[from, n), or -1 when it holds a lone surrogate (then it is written as UTF-16). */
function utf8Length(s: string, from: number, n: number): number {
  let bytes = 0;
  for (let i = from; i < n; i++) {
    const c = StringCharCodeAt(s, i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (!isHighSurrogate(c) && !isLowSurrogate(c)) bytes += 3;
    else if (isHighSurrogate(c) && i + 1 < n && isLowSurrogate(StringCharCodeAt(s, i + 1))) {
      bytes += 4;
      i++;
    } else return -1;
  }
  return bytes;
}

/** Exact encoded size of s[0, n) as text (tag, length, payload). */
function textSize(s: string, n: number): number {
  const bytes = utf8Length(s, 0, n);
  if (bytes < 0) return 1 + varintSize(n) + 2 * n; // a lone surrogate: UTF-16
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

/** The output buffer and the writers of tags, numbers, text and markers. Only the encoder extends it. */
export abstract class TextWriter {
  /** Scratch output: the last encoding is bytes[0, length), valid until the next encode. */
  readonly bytes: Uint8Array;
  /** UTF-16 code units captured per string (the encoder also caps binary values and BigInts by it). */
  protected readonly maxString: number;
  /** Write position. */
  protected pos = 0;
  /** Writes must stay below this; [end, maxBytes) is reserved for closing open containers. */
  protected end = 0;
  /** Whether any limit was hit during the current encode. */
  protected cut = false;

  constructor(maxBytes: number, maxString: number) {
    this.maxString = maxString;
    this.bytes = new Uint8Array(maxBytes);
  }

  // ---- Tags, numbers and markers

  protected byte(tag: number): boolean {
    if (this.pos >= this.end) return false;
    this.bytes[this.pos++] = tag;
    return true;
  }

  /** Writes n as a varint at pos; the caller has checked the room. */
  protected varint(n: number): void {
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

  /** Writes 8 little-endian bytes of a double; the caller has checked the room. */
  protected float64(v: number): void {
    const buf = this.bytes;
    const p = this.pos;
    f64[0] = v === v ? v : NaN; // one canonical NaN, whatever payload the program's NaN had
    if (LITTLE_ENDIAN) for (let i = 0; i < 8; i++) buf[p + i] = f64Bytes[i];
    else for (let i = 0; i < 8; i++) buf[p + i] = f64Bytes[7 - i];
    this.pos = p + 8;
  }

  /** A TRUNCATED marker; `length` -1 when unknown. */
  protected truncMarker(reason: number, type: string, length: number): boolean {
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
  protected named(tag: number, s: string, cap = NAME_CAP): boolean {
    const start = this.pos;
    if (start >= this.end) return false;
    this.bytes[this.pos++] = tag;
    if (this.name(s, cap)) return true;
    this.pos = start;
    return false;
  }

  // ---- Strings

  /** A string value, cut to maxString code units, or to what fits in the byte budget. */
  protected string(s: string): boolean {
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
  protected name(s: string, cap = NAME_CAP): boolean {
    return this.text(s, s.length <= cap ? s.length : cutPoint(s, cap));
  }

  /** s[0, n) as FIXASCII/ASCII, else UTF8/UTF16; false (nothing written) when it does not fit. */
  protected text(s: string, n: number): boolean {
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
    const wide = utf8Length(s, from, n);
    if (wide < 0) return this.utf16(s, n);
    const bytes = from + wide;
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
}

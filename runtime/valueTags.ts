/**
 * Tagged value encoding, version 1: the one contract between `runtime/valueEncoder.ts` (writes)
 * and `tracedb/valueDecoder.ts` (reads). docs/value-encoding.md is the prose version. Tag numbers
 * are part of the trace file format: never renumber or reuse one, only add.
 *
 * A value is one tag byte followed by that tag's fields. All multi-byte numbers are
 * little-endian. Notation used below:
 *
 *   varint  unsigned LEB128, at most 8 bytes (values up to 2^56-1; readers reject longer ones)
 *   name    a string written with FIXASCII / ASCII / UTF8 / UTF16 only (never STRING_CUT):
 *           keys, class and function names, symbol descriptions, type names, regexp parts
 *   value   any tagged value
 *   text    FIXASCII / ASCII / UTF8 / UTF16
 *
 * Scalars
 *   UNDEFINED NULL FALSE TRUE          no fields
 *   FIXINT 0x80+n                      the integer n, 0 <= n <= 63
 *   INT        varint                  zigzag integer, -2^52 <= v < 2^52, never -0: z = v >= 0 ? 2v : -2v-1
 *   FLOAT64    8 bytes                 IEEE double (any other number, incl. -0, NaN, ±Infinity)
 *   BIGINT_POS / BIGINT_NEG  varint n, n bytes   magnitude, least significant byte first (0n: n = 0)
 *   FIXASCII 0xC0+n, n bytes           ASCII string of 0..31 chars
 *   ASCII      varint n, n bytes       ASCII string (every byte < 0x80)
 *   UTF8       varint n, n bytes       well-formed UTF-8 (the string has no lone surrogate)
 *   UTF16      varint n, 2n bytes      UTF-16LE code units (used when there is a lone surrogate)
 *   STRING_CUT varint length, text     a string cut to a prefix; `length` is the original length
 *                                      in UTF-16 code units. Never cuts a surrogate pair in two.
 *   SYMBOL name | SYMBOL_ANON | SYMBOL_FOR name     Symbol(desc) | Symbol() | Symbol.for(key)
 *   DATE       8 bytes                 time value as a double, NaN for an invalid date
 *   REGEXP     name source, name flags
 *   BINARY     u8 BinaryKind, varint byteLength, varint captured, `captured` bytes
 *              raw memory (platform byte order, little-endian everywhere Node runs); captured <
 *              byteLength means the bytes were capped. Typed arrays capture whole elements.
 *   FUNCTION   u8 FunctionKind, name
 *   OPAQUE     name                    an object whose contents are not captured (Promise, WeakMap...)
 *   PROXY                              a Proxy (never looked into: that would run its traps)
 *   ACCESSOR   u8 bit 1 = has getter, bit 2 = has setter. A property that was not read.
 *   BOXED      value                   new Number/String/Boolean/BigInt/Symbol: the primitive inside
 *   TRUNCATED  u8 TruncReason, name type, varint length+1 (0 = unknown)
 *              a value that was not captured: too deep, over the byte budget, too large, or an
 *              encoder failure. `type` is the constructor/type name when known.
 *
 * Containers: the tag, header fields, children, then END. Every container gets an index, counting
 * from 0 in the order containers are opened (depth-first pre-order). REF varint points back at an
 * enclosing container (a cycle); encoders never point at a container that has already ended.
 *   ARRAY                  items; a run of n holes is HOLES varint n
 *   OBJECT                 (name key, value)*       prototype Object.prototype
 *   OBJECT_NULL_PROTO      (name key, value)*       prototype null
 *   INSTANCE   name class, (name key, value)*       any other object: own enumerable props
 *   MAP                    (value key, value)*
 *   SET                    value*
 *   ERROR      name class, (name key, value)*       keys name/message/stack/cause first, then
 *                                                  own enumerable props (and AggregateError errors)
 * The last child may be MORE varint n (n >= 1): n more items/entries/props existed but were not
 * captured (breadth limit or byte budget). Truncation keeps every container closed because the
 * encoder reserves CLOSE_RESERVE bytes per open container for MORE + END.
 */

/** Every tag byte. */
export const Tag = {
  undefined: 0x01,
  null: 0x02,
  false: 0x03,
  true: 0x04,
  int: 0x05,
  float64: 0x06,
  bigintPos: 0x07,
  bigintNeg: 0x08,
  ascii: 0x09,
  utf8: 0x0a,
  utf16: 0x0b,
  stringCut: 0x0c,
  symbol: 0x0d,
  symbolAnon: 0x0e,
  symbolFor: 0x0f,
  array: 0x10,
  object: 0x11,
  objectNullProto: 0x12,
  instance: 0x13,
  map: 0x14,
  set: 0x15,
  error: 0x16,
  date: 0x17,
  regexp: 0x18,
  binary: 0x19,
  function: 0x1a,
  opaque: 0x1b,
  proxy: 0x1c,
  accessor: 0x1d,
  ref: 0x1e,
  holes: 0x1f,
  more: 0x20,
  truncated: 0x21,
  boxed: 0x22,
  /** FIXINT: 0x80 + n encodes the integer n, 0 <= n <= FIXINT_MAX. */
  fixInt: 0x80,
  /** FIXASCII: 0xc0 + n then n ASCII bytes, 0 <= n <= FIXASCII_MAX. */
  fixAscii: 0xc0,
  end: 0xff,
} as const;

/** Largest integer with a one-byte FIXINT encoding. */
export const FIXINT_MAX = 0x3f;
/** Longest ASCII string with a FIXASCII header. */
export const FIXASCII_MAX = 0x1f;
/** Bytes the encoder keeps free per open container so MORE varint + END always fit. */
export const CLOSE_RESERVE = 7;
/** Longest varint readers accept, in bytes. */
export const MAX_VARINT_BYTES = 8;

/** Why a TRUNCATED value was not captured. */
export const TruncReason = {
  /** The container was nested deeper than maxDepth. */
  depth: 1,
  /** The byte budget (maxBytes) ran out before this value. */
  bytes: 2,
  /** The value alone is too large to capture (e.g. a BigInt longer than maxString bytes). */
  size: 3,
  /** The encoder failed internally; nothing was captured. */
  error: 4,
} as const;

/** Names of TruncReason values, indexed by number. */
export const TRUNC_REASON_NAMES: readonly (string | undefined)[] = [
  undefined,
  'depth',
  'bytes',
  'size',
  'error',
];

/**
 * Kinds of BINARY values. The name is the JS constructor name, also used as the `$` discriminator
 * of the JSON form.
 */
export const BINARY_KINDS = [
  'ArrayBuffer',
  'SharedArrayBuffer',
  'DataView',
  'Buffer',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
  'Float16Array',
] as const;

/** Name of a binary kind. */
export type BinaryKindName = (typeof BINARY_KINDS)[number];

/** Bytes per element of each BINARY kind, same order as BINARY_KINDS. */
export const BINARY_ELEMENT_SIZES: readonly number[] = [1, 1, 1, 1, 1, 1, 1, 2, 2, 4, 4, 4, 8, 8, 8, 2];

/** Kinds of FUNCTION values, by byte value. */
export const FUNCTION_KINDS = ['function', 'async', 'generator', 'asyncGenerator', 'class'] as const;

/** Name of a function kind. */
export type FunctionKindName = (typeof FUNCTION_KINDS)[number];

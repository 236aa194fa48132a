/**
 * Primordials: every built-in the value encoder calls, captured when the runtime loads, before
 * user code can patch it. A program that replaces Map.prototype.entries, Object.keys or
 * String.prototype.charCodeAt therefore cannot get its code called from inside the encoder.
 *
 * Methods are "uncurried" (`StringSlice(s, 0, n)` rather than `s.slice(0, n)`) so that a call
 * looks nothing up on the value, and accessors are taken as their getters from the built-in
 * prototypes (`MapSize(m)`, not `m.size`).
 */
import { Buffer } from 'node:buffer';
import { types } from 'node:util';

const { bind, call } = Function.prototype;
/** `uncurryThis(fn)(self, ...args)` is `fn.call(self, ...args)` without looking anything up. */
const uncurryThis = bind.bind(call) as <T, A extends unknown[], R>(
  fn: (this: T, ...args: A) => R,
) => (self: T, ...args: A) => R;
export const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
export const BufferPrototype = Buffer.prototype;
export const ObjectGetPrototypeOf = Object.getPrototypeOf;
export const ObjectKeys = Object.keys;
export const ObjectFreeze = Object.freeze;
export const ObjectDefineProperty = Object.defineProperty;
export const ObjectHasOwn = Object.hasOwn;
export const ArrayIsArray = Array.isArray;
export const NumberIsSafeInteger = Number.isSafeInteger;
export const SymbolKeyFor = Symbol.keyFor;
export const Uint8ArrayCtor = Uint8Array;

/** The getter of a built-in accessor property, uncurried. */
function getterOf<T>(proto: object, key: PropertyKey): (self: T) => unknown {
  return uncurryThis(ObjectGetOwnPropertyDescriptor(proto, key)!.get as (this: T) => unknown);
}

export const ObjectPrototype = Object.prototype;
export const TypedArrayPrototype = ObjectGetPrototypeOf(Uint8Array.prototype) as object;

const legacyLookups = ObjectPrototype as unknown as {
  __lookupGetter__(this: object, key: PropertyKey): unknown;
  __lookupSetter__(this: object, key: PropertyKey): unknown;
};
// Return the own accessor's function, or undefined for a data property; for an own property
// they never walk the prototype chain, unlike a descriptor they allocate nothing.
export const LookupGetter = uncurryThis(legacyLookups.__lookupGetter__);
export const LookupSetter = uncurryThis(legacyLookups.__lookupSetter__);
export const StringCharCodeAt = uncurryThis(String.prototype.charCodeAt);
export const StringSlice = uncurryThis(String.prototype.slice);
// Native string writers for long strings (several times faster than a JS loop past ~40 chars).
// latin1Write/utf8Write are Buffer's internal methods; without them the JS loops do the work.
export const BufferByteLength = Buffer.byteLength;
const bufferMethods = BufferPrototype as unknown as Record<string, unknown>;
const stringMethods = String.prototype as unknown as Record<string, unknown>;
export const nativeText =
  typeof bufferMethods.latin1Write === 'function' &&
  typeof bufferMethods.utf8Write === 'function' &&
  typeof stringMethods.isWellFormed === 'function';
type NativeWrite = (buf: Uint8Array, s: string, offset: number, length: number) => number;
export const Latin1Write = (
  nativeText ? uncurryThis(bufferMethods.latin1Write as () => number) : undefined
) as NativeWrite;
export const Utf8Write = (
  nativeText ? uncurryThis(bufferMethods.utf8Write as () => number) : undefined
) as NativeWrite;
export const StringIsWellFormed = (
  nativeText ? uncurryThis(stringMethods.isWellFormed as () => boolean) : undefined
) as (s: string) => boolean;
export const StringStartsWith = uncurryThis(String.prototype.startsWith);
export const FunctionToString = uncurryThis(Function.prototype.toString as (this: unknown) => string);
export const BigIntToString = uncurryThis(BigInt.prototype.toString);
export const NumberValueOf = uncurryThis(Number.prototype.valueOf);
export const StringValueOf = uncurryThis(String.prototype.valueOf);
export const BooleanValueOf = uncurryThis(Boolean.prototype.valueOf);
export const BigIntValueOf = uncurryThis(BigInt.prototype.valueOf);
export const SymbolValueOf = uncurryThis(Symbol.prototype.valueOf);
export const SymbolDescription = getterOf<symbol>(Symbol.prototype, 'description') as (
  s: symbol,
) => string | undefined;
export const DateGetTime = uncurryThis(Date.prototype.getTime);
export const RegExpSource = getterOf<RegExp>(RegExp.prototype, 'source') as (r: RegExp) => string;
/** Flag getters in `RegExp.prototype.flags` order. Each reads an internal slot; `flags` itself
 * would read the (overridable) boolean properties. */
export const REGEXP_FLAGS: [string, (r: RegExp) => unknown][] = [];
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
export const MapSize = getterOf<Map<unknown, unknown>>(Map.prototype, 'size') as (m: object) => number;
export const SetSize = getterOf<Set<unknown>>(Set.prototype, 'size') as (s: object) => number;
export const MapEntries = uncurryThis(Map.prototype.entries) as (m: object) => Iterator<[unknown, unknown]>;
export const MapIteratorNext = uncurryThis(
  (ObjectGetPrototypeOf(new Map().entries()) as Iterator<unknown>).next,
) as (it: Iterator<[unknown, unknown]>) => IteratorResult<[unknown, unknown]>;
export const SetValues = uncurryThis(Set.prototype.values) as (s: object) => Iterator<unknown>;
export const SetIteratorNext = uncurryThis(
  (ObjectGetPrototypeOf(new Set().values()) as Iterator<unknown>).next,
) as (it: Iterator<unknown>) => IteratorResult<unknown>;
export const TypedArrayToStringTag = getterOf<object>(TypedArrayPrototype, Symbol.toStringTag) as (
  t: object,
) => string | undefined;
export const TypedArrayBuffer = getterOf<object>(TypedArrayPrototype, 'buffer') as (
  t: object,
) => ArrayBufferLike;
export const TypedArrayByteOffset = getterOf<object>(TypedArrayPrototype, 'byteOffset') as (
  t: object,
) => number;
export const TypedArrayByteLength = getterOf<object>(TypedArrayPrototype, 'byteLength') as (
  t: object,
) => number;
export const TypedArraySet = uncurryThis(
  (TypedArrayPrototype as { set: (this: Uint8Array, src: ArrayLike<number>, offset: number) => void }).set,
);
export const DataViewBuffer = getterOf<object>(DataView.prototype, 'buffer') as (
  v: object,
) => ArrayBufferLike;
export const DataViewByteOffset = getterOf<object>(DataView.prototype, 'byteOffset') as (v: object) => number;
export const DataViewByteLength = getterOf<object>(DataView.prototype, 'byteLength') as (v: object) => number;
export const ArrayBufferByteLength = getterOf<object>(ArrayBuffer.prototype, 'byteLength') as (
  b: object,
) => number;
export const SharedArrayBufferByteLength = getterOf<object>(SharedArrayBuffer.prototype, 'byteLength') as (
  b: object,
) => number;
export const {
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

export const SetHas = uncurryThis(Set.prototype.has) as (s: Set<unknown>, v: unknown) => boolean;

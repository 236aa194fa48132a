/**
 * Looks at objects of the traced program without running any of its code: whether a prototype
 * chain may hold a built-in, data properties found along a chain (a getter or a Proxy stops the
 * search instead of being called), class and function names, and whether an error's stack can be
 * formatted safely. Everything here goes through the captured built-ins of `primordials.ts`.
 */
import {
  FunctionToString,
  ObjectGetOwnPropertyDescriptor,
  ObjectGetPrototypeOf,
  ObjectHasOwn,
  ObjectPrototype,
  SetHas,
  StringStartsWith,
  TypedArrayPrototype,
  isProxy,
} from './primordials';

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
export function mayBeBuiltin(proto: object): boolean {
  let p: object | null = proto;
  for (let hops = 0; p !== ObjectPrototype; hops++) {
    if (p === null || hops === 32 || isProxy(p) || SetHas(BUILTIN_PROTOTYPES, p)) return true;
    p = ObjectGetPrototypeOf(p) as object | null;
  }
  return false;
}

/** Captured at load: the program may replace the global `Error` later. */
const ERROR_PROTOTYPE: object = Error.prototype;

/**
 * True when Error.prototype is on the chain above `proto`: errors that are not native, such as the
 * ones Node rebuilds from a worker's serialized error, or objects made with Object.create.
 */
export function inheritsFromError(proto: object): boolean {
  let p: object | null = proto;
  for (let hops = 0; p !== null && hops < 32; hops++) {
    if (p === ERROR_PROTOTYPE) return true;
    if (isProxy(p)) return false;
    p = ObjectGetPrototypeOf(p) as object | null;
  }
  return false;
}

/** Marks "no such property" in prototype-chain lookups. */
export const ABSENT: unique symbol = Symbol('absent');
/** Marks "an accessor was found" in prototype-chain lookups. */
export const ACCESSOR: unique symbol = Symbol('accessor');
/** Marks "a Proxy is in the way" in prototype-chain lookups. */
export const BLOCKED: unique symbol = Symbol('blocked');

/**
 * The value of a data property found on `o` or its prototype chain, without calling anything:
 * ACCESSOR when the first property found is an accessor, BLOCKED when a Proxy is reached first,
 * ABSENT when there is none.
 */
export function dataPropInChain(o: object | null, key: string): unknown {
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
export function stackIsSafe(name: unknown, e: object): boolean {
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

/** The own data `name` of a function, '' when it has none or it is an accessor. */
export function functionName(f: object): string {
  const d = ObjectGetOwnPropertyDescriptor(f, 'name');
  return d !== undefined && !ObjectHasOwn(d, 'get') && typeof d.value === 'string' ? d.value : '';
}

/** The constructor name seen through data properties of a prototype chain, or `fallback`. */
export function className(proto: object | null, fallback: string): string {
  const ctor = dataPropInChain(proto, 'constructor');
  if (typeof ctor !== 'function' || isProxy(ctor)) return fallback;
  const name = functionName(ctor);
  return name === '' ? fallback : name;
}

/** Whether a function is a class constructor, judged from its source text (no call made). */
export function isClass(f: object): boolean {
  // Only classes and built-in constructors have a read-only `prototype`: skip toString otherwise.
  const d = ObjectGetOwnPropertyDescriptor(f, 'prototype');
  if (d === undefined || ObjectHasOwn(d, 'get') || d.writable) return false;
  return StringStartsWith(FunctionToString(f), 'class');
}

/**
 * The JS form of a decoded value, where it cannot be the original value (see `decodeValue`): the
 * marker classes for class instances, errors, symbols, functions, accessors, opaque objects and
 * truncations, and MORE, the hidden count of the entries a container left out.
 */
import type { FunctionKindName } from '../runtime/valueTags';

/**
 * Key under which a decoded object, ClassInstance props, ErrorValue props, Map or Set records how
 * many of its entries were not captured. Non-enumerable; arrays use a final `More` element instead.
 */
export const MORE: unique symbol = Symbol('cinescope.more');

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

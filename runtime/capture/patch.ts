/**
 * Helpers for observing Node's APIs without changing them: a wrapper keeps `this`, the arguments
 * and the return value, runs the original exactly once, and keeps our own failures to itself.
 */

/** Runs `fn`, swallowing any error of ours: a probe never throws into user code. */
export function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // A capture bug must not change the program; the event is lost, the program is not.
  }
}

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Replaces `target[key]` with a wrapper that calls `before` then the original. Keeps the
 * original's name and length so that code inspecting them sees no difference.
 */
export function wrapMethod<T extends object>(
  target: T,
  key: PropertyKey,
  before: (self: unknown, args: unknown[]) => void,
): void {
  const original = (target as Record<PropertyKey, unknown>)[key];
  if (typeof original !== 'function') return;
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    try {
      before(this, args);
    } catch {
      // A capture bug must not change the program (see `safely`).
    }
    return (original as AnyFunction).apply(this, args);
  };
  replace(target, key, wrapped, original as AnyFunction);
}

/** Like `wrapMethod`, but `after` sees the result (and runs only if the original returned). */
export function wrapMethodAfter<T extends object>(
  target: T,
  key: PropertyKey,
  after: (self: unknown, args: unknown[], result: unknown) => void,
): void {
  const original = (target as Record<PropertyKey, unknown>)[key];
  if (typeof original !== 'function') return;
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    const result = (original as AnyFunction).apply(this, args);
    try {
      after(this, args, result);
    } catch {
      // A capture bug must not change the program (see `safely`).
    }
    return result;
  };
  replace(target, key, wrapped, original as AnyFunction);
}

/** Installs `wrapped` in place of `original`, keeping the property's attributes. */
function replace(target: object, key: PropertyKey, wrapped: AnyFunction, original: AnyFunction): void {
  copyIdentity(wrapped, original);
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  // Some of Node's internal methods are read-only but configurable: redefine rather than assign.
  Object.defineProperty(
    target,
    key,
    descriptor ? { ...descriptor, value: wrapped } : { value: wrapped, writable: true, configurable: true },
  );
}

function copyIdentity(wrapped: AnyFunction, original: AnyFunction): void {
  Object.defineProperty(wrapped, 'name', { value: original.name, configurable: true });
  Object.defineProperty(wrapped, 'length', { value: original.length, configurable: true });
}

/** Finds a symbol-keyed own property of `target` by the symbol's description. */
export function findSymbol(target: object, description: string): symbol | undefined {
  return Object.getOwnPropertySymbols(target).find((s) => s.description === description);
}

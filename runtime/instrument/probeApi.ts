/**
 * THE contract between instrumented code and the runtime.
 *
 * Every instrumented module finds one object at load time and talks to nothing else:
 *
 *   /*cinescope:instrumented v2*\/var __cs=__csm();        // first statement (after directives)
 *   …                                                     // the module, on its own lines
 *   var __csr;function __csm(){                           // added after the last line, hoisted
 *     return __csr || (__csr = globalThis[Symbol.for('cinescope.probes')].module(file, sites));
 *   }                                                     // (or a no-op fallback, see below)
 *
 * `__cs` is the default name; a file whose text contains it gets `__cs1`, `__cs2`… `__csm()` is a
 * hoisted function so that a function of this module called before the module body ran (an ESM
 * import cycle) still finds its probes; `__cs` itself is assigned only once, which lets V8 read it
 * faster. When no registry is installed (code instrumented offline and run untraced), or `module()`
 * throws, a no-op fallback is used: `on` all zeros, every method a no-op returning its value argument.
 *
 * Each instrumented function becomes (all on the original lines):
 *
 *   function f(a, { b }) {
 *     const __csp = __cs || __csm(), __csc = __csp.on[N] ? __csp.enter(N, this, [a, b]) : 0;
 *     try { … return __csp.ret(__csc, x); … }
 *     catch (__cse) { if (__csc) __csp.throw(__csc, __cse); throw __cse; }
 *     finally { if (__csc) __csp.exit(__csc); }
 *   }
 *
 * Arrows with an expression body get a block that returns it; a bare `return;` reports `undefined`.
 * With `captureThrows: false` (see `InstrumentOptions`) there is no catch: a body that falls off its
 * end reports `ret(c, undefined)`, so an exit without `ret` means the call threw.
 *
 * In async functions and generators every `await x` / `yield x` / `yield* x` becomes
 * `__csp.resume(__csc, await __csp.suspend(__csc, x))`: `x` is evaluated first, then `suspend`, then
 * the await (of exactly the value of `x`, so microtask timing is unchanged), then `resume` with the
 * value received. An await that rejects (or a `generator.throw()`) skips `resume`, so the first
 * statement of every `catch` and `finally` block of such a function calls `resume(c, undefined)`, and
 * `throw`/`exit` also end a suspension. Hidden awaits: a `for await` loop suspends before its
 * iterable is iterated (so the iterator's first `next()` runs with no parent) and at the end of each
 * iteration, and resumes at the start of each iteration and after the loop; `return x` in an async
 * generator suspends before the implicit await of `x` (what runs next is `finally` code or the exit).
 */
/** `globalThis[Symbol.for(PROBES_KEY)]` is the runtime's {@link ProbeRegistry}. */
export const PROBES_KEY = 'cinescope.probes';

/**
 * The first text of every instrumented file (after a hashbang line and a BOM): code that starts with
 * `/*cinescope:instrumented` is never instrumented again. Bump the version when the generated code's
 * shape or its site table changes: the transform cache is keyed by it.
 */
export const INSTRUMENTED_MARKER = '/*cinescope:instrumented v2*/';

/** What a site is: one per function-like (by form) and one per class. */
export type SiteKind =
  'function' | 'arrow' | 'method' | 'getter' | 'setter' | 'constructor' | 'staticBlock' | 'class';

/** One entry of a module's site table; `sites[i].index === i` and flags `on[i]` belong to it. */
export interface Site {
  /** Local index in the module: the `N` the generated code passes to `enter`. */
  index: number;
  kind: SiteKind;
  /**
   * Declared or inferred name: declaration name, variable/property/assignment target of an
   * anonymous function (`a.b` for `a.b = function () {}`), method key (`#x`, `[Symbol.iterator]`),
   * `get x` / `set x`, `constructor`, `static` for static blocks, class name; '' when none.
   */
  name: string;
  /** 1-based line of the function's (or class's) first character in the instrumented source. */
  line: number;
  /** 0-based column (UTF-16 units) of that character. */
  column: number;
  /** Like `Function.length`: parameters before the first default or rest parameter. */
  arity: number;
  /** Names of the values passed as `args` to `enter`: every identifier the parameter list binds. */
  params: string[];
  async: boolean;
  generator: boolean;
  static: boolean;
  /** The enclosing class's name, for class members ('' for an anonymous class). */
  className?: string;
  /**
   * The class carries the `@cinescope-state` marker (a comment just before it): its instances'
   * state is recorded around each of its methods, whatever the rules. Set on the class and its members.
   */
  stateMarked?: true;
}

/** Installed by the runtime at `globalThis[Symbol.for(PROBES_KEY)]`. */
export interface ProbeRegistry {
  /**
   * Called once per module instance when it starts loading (or at its first call, whichever comes
   * first), with the module's file name as given to `instrument()` and its site table. Must not throw.
   */
  module(file: string, sites: Site[]): ModuleProbes;
}

/**
 * The probes of one module. No method may throw into user code, call user code (getters,
 * `toString`…), or keep user values alive longer than recording needs.
 */
export interface ModuleProbes {
  /** Per-site enabled flags (index = local site index); flipping one takes effect at the next call. */
  readonly on: Uint8Array;
  /**
   * A call of site `site` starts. `thisValue` is `undefined` where `this` may be uninitialised (derived
   * constructors and arrows inside them); `args` are the parameter values named by `Site.params`
   * (a fresh array the runtime may keep). Returns a call id, 0 for "not recorded": every other probe of
   * this call receives it, and the generated code skips `throw` and `exit` when it is 0.
   * For generators, `enter` runs at the first `next()`, when the body starts.
   */
  enter(site: number, thisValue: unknown, args: unknown[]): number;
  /**
   * A `return` with its value (`undefined` for a bare `return;`); returns `value` unchanged. It may come
   * more than once in one call (a `finally` that returns again): the last `ret` or `throw` before `exit`
   * is the outcome. A call that ends by falling off its end has `exit` without `ret`.
   * Called with callId 0 when the call is not recorded.
   */
  ret<T>(callId: number, value: T): T;
  /** The call is left by an exception (`error` is rethrown unchanged after this returns). */
  throw(callId: number, error: unknown): void;
  /** The call's frame is left (after `ret`/`throw`, from a `finally`): pop it. */
  exit(callId: number): void;
  /**
   * The call is about to suspend at an `await`, `yield` or `yield*` whose operand is `value` (already
   * evaluated); returns `value` unchanged. Called with callId 0 when the call is not recorded.
   */
  suspend<T>(callId: number, value: T): T;
  /**
   * The call runs again after a suspension, having received `value`; returns it unchanged. Also called
   * with `undefined` at the start of `catch`/`finally` blocks of async functions and generators, where it
   * must be harmless when the call was not suspended. Called with callId 0 when the call is not recorded.
   */
  resume<T>(callId: number, value: T): T;
}

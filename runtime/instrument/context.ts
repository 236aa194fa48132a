/** What the code being walked belongs to: its function (or the top level) and its class. */

/** The function (or top level) the code being walked belongs to. */
export interface FunctionContext {
  /** The body is wrapped: `return`, `await`, `yield` get probes. */
  readonly wrapped: boolean;
  /** Wrapped and async or a generator: suspensions get probes. */
  readonly suspends: boolean;
  /** Wrapped async generator: `return x` awaits `x` before the call ends. */
  readonly asyncGenerator: boolean;
  /** `this` may be in its temporal dead zone (derived constructors, arrows inside them). */
  readonly thisUnsafe: boolean;
  /**
   * Depth of `with (…)` statements around the code, where names like `__cs` could resolve to the
   * object's properties: no probes there, nor in functions written inside them.
   */
  withDepth: number;
}

export interface ClassContext {
  readonly name: string;
  readonly derived: boolean;
  /** The class carries the `@cinescope-state` marker (`stateMarker.ts`). */
  readonly stateMarked: boolean;
}

/** The context of code that is not wrapped: the top level, field initializers, skipped functions. */
export const notWrapped = (thisUnsafe: boolean, withDepth: number): FunctionContext => ({
  wrapped: false,
  suspends: false,
  asyncGenerator: false,
  thisUnsafe,
  withDepth,
});

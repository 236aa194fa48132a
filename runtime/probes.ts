/**
 * The runtime side of the probe contract (`runtime/instrument/probeApi.ts`): what instrumented code
 * calls. Every probe records through `recordEvent`, keeps a per-thread stack of open calls for
 * nesting (`parent`), and never throws into user code.
 */
import { EventType } from './eventSchema';
import type { CallPayload, ReturnPayload, SiteTablePayload, StatePayload, ThrowPayload } from './eventSchema';
import type { ModuleProbes, ProbeRegistry, Site } from './instrument/probeApi';
import { PROBES_KEY } from './instrument/probeApi';
import { AncestrySelector } from './classAncestry';
import type { recordEvent } from './recorder';
import type { StateSelector } from './traceRules';

/** How probes record: the runtime's `recordEvent` (passed in: this file is bundled separately). */
export type RecordEvent = typeof recordEvent;

/** One thread's registry: site ids, and the calls now running on this thread. */
/** Site kinds whose `this` is the object whose state is tracked. */
const STATEFUL_KINDS = new Set(['method', 'getter', 'setter', 'constructor']);

export class ThreadProbes implements ProbeRegistry {
  /**
   * `state` selects the classes whose instances' state is snapshotted before and after each of their
   * methods (classes marked `@cinescope-state` in their source always are); `isReducer(name)` the
   * functions `(state, action) => newState` whose first argument and result are snapshotted as one
   * evolving state.
   */
  constructor(
    private readonly record: RecordEvent,
    private readonly state: StateSelector = NO_STATE,
    private readonly isReducer: (name: string) => boolean = () => false,
  ) {
    this.ancestry = state.byAncestor ? new AncestrySelector(state.byAncestor) : null;
  }

  /** `extends:` rules, decided per object at call time; null when there are none. */
  private readonly ancestry: AncestrySelector | null;
  /** Class members that `extends:` rules may select (global id → the member's class name). */
  private readonly ancestrySites = new Map<number, string>();

  /** Reducer sites (global id → state id, name); reducer calls in progress. */
  private readonly reducerSites = new Map<number, { objectId: number; name: string }>();
  private readonly reducerCalls = new Map<number, { objectId: number; name: string; site: number }>();

  /** Stateful sites (global id → class name); objects' ids, per thread. */
  private readonly statefulSites = new Map<number, string>();
  private readonly objectIds = new WeakMap<object, number>();
  private nextObjectId = 1;
  /** The object of each open call with state, by call id. */
  private readonly stateOf = new Map<number, { object: object; objectId: number; className: string }>();

  private nextSite = 1;
  /** Every module whose probes are installed on this thread, for switching sites while running. */
  readonly modules: { file: string; sites: readonly Site[]; on: Uint8Array }[] = [];
  /**
   * The flag a site of a module registered from now on starts with, as the debugger's function
   * tracing switches left it (runtime/control.ts); undefined means on.
   */
  siteFlag: ((site: Site) => number | undefined) | undefined;
  /** Open calls, innermost last, with the site of each. */
  private readonly calls: number[] = [];
  private readonly callSites: number[] = [];
  /** Sites of calls suspended at an await or yield, until they resume (bounded: some never do). */
  private readonly suspendedSites = new Map<number, number>();

  module(file: string, sites: Site[]): ModuleProbes {
    const base = this.nextSite;
    this.nextSite += sites.length;
    try {
      const table: SiteTablePayload = { file, base, sites: sites.map(({ index: _index, ...site }) => site) };
      this.record(EventType.siteTable, table);
    } catch {
      // The table is lost; calls still record their site ids.
    }
    for (const site of sites) {
      const className = site.className ?? '';
      if (className && STATEFUL_KINDS.has(site.kind) && (site.stateMarked || this.state.byName(className))) {
        this.statefulSites.set(base + site.index, className);
      } else if (this.ancestry && STATEFUL_KINDS.has(site.kind) && site.className !== undefined) {
        this.ancestrySites.set(base + site.index, className);
      } else if (
        site.name &&
        site.kind !== 'class' &&
        site.kind !== 'constructor' &&
        this.isReducer(site.name)
      ) {
        this.reducerSites.set(base + site.index, { objectId: this.nextObjectId++, name: site.name });
      }
    }
    // Files are instrumented only when a rule selected them, so every site starts enabled, unless
    // the debugger switched function tracing off before this module loaded.
    const on = new Uint8Array(sites.length).fill(1);
    if (this.siteFlag) {
      try {
        for (const site of sites) on[site.index] = this.siteFlag(site) ?? 1;
      } catch {
        // A broken switch leaves the module traced, as without a debugger.
      }
    }
    this.modules.push({ file, sites, on });
    return {
      on,
      enter: (site, self, args) => this.enter(base + site, self, args),
      ret: (callId, value) => this.ret(callId, value),
      throw: (callId, error) => this.throw(callId, error),
      exit: (callId) => this.exit(callId),
      suspend: (callId, value) => this.suspend(callId, value),
      resume: (callId, value) => this.resume(callId, value),
    };
  }

  /** The innermost call now running on this thread, 0 when none is recorded. */
  currentCall(): number {
    return this.calls.length ? this.calls[this.calls.length - 1] : 0;
  }

  private enter(site: number, self: unknown, args: unknown[]): number {
    const parent = this.calls.length ? this.calls[this.calls.length - 1] : 0;
    const payload: CallPayload = { args };
    const callId = this.record(EventType.call, payload, { parent, site });
    if (callId !== 0) {
      this.calls.push(callId);
      this.callSites.push(site);
      let className = this.statefulSites.get(site);
      if (className === undefined && this.ancestry !== null) {
        // Inherited methods count too: the object's class decides, not the method's.
        const member = this.ancestrySites.get(site);
        const selected = member === undefined ? null : this.ancestry.select(self);
        if (selected !== null) className = selected || member;
      }
      if (className !== undefined && typeof self === 'object' && self !== null) {
        let objectId = this.objectIds.get(self);
        if (objectId === undefined) this.objectIds.set(self, (objectId = this.nextObjectId++));
        // Bounded: a generator method that is never finished never exits.
        if (this.stateOf.size >= MAX_SUSPENDED) this.stateOf.delete(this.stateOf.keys().next().value!);
        this.stateOf.set(callId, { object: self, objectId, className });
        this.snapshot('before', callId, site, self, objectId, className);
      }
      const reducer = this.reducerSites.get(site);
      if (reducer !== undefined && args.length > 0) {
        if (this.reducerCalls.size >= MAX_SUSPENDED)
          this.reducerCalls.delete(this.reducerCalls.keys().next().value!);
        this.reducerCalls.set(callId, { ...reducer, site });
        this.snapshot('before', callId, site, args[0], reducer.objectId, `reducer ${reducer.name}`);
      }
    }
    return callId;
  }

  private snapshot(
    phase: StatePayload['phase'],
    callId: number,
    site: number,
    value: unknown,
    objectId: number,
    className: string,
  ): void {
    const payload: StatePayload = { phase, objectId, className, value };
    this.record(EventType.state, payload, { parent: callId, site });
  }

  private ret<T>(callId: number, value: T): T {
    if (callId !== 0) {
      const payload: ReturnPayload = { value };
      this.record(EventType.return, payload, { parent: callId, site: this.siteOf(callId) });
      const reducer = this.reducerCalls.get(callId);
      if (reducer) {
        this.reducerCalls.delete(callId);
        this.snapshot('after', callId, reducer.site, value, reducer.objectId, `reducer ${reducer.name}`);
      }
    }
    return value;
  }

  private throw(callId: number, error: unknown): void {
    const payload: ThrowPayload = { error };
    this.record(EventType.throw, payload, { parent: callId, site: this.siteOf(callId) });
  }

  private exit(callId: number): void {
    this.reducerCalls.delete(callId);
    const state = this.stateOf.get(callId);
    if (state) {
      this.stateOf.delete(callId);
      this.snapshot('after', callId, this.siteOf(callId), state.object, state.objectId, state.className);
    }
    const at = this.calls.lastIndexOf(callId);
    if (at >= 0) {
      this.calls.length = at;
      this.callSites.length = at;
    }
    this.suspendedSites.delete(callId);
  }

  private suspend<T>(callId: number, value: T): T {
    if (callId !== 0 && this.calls[this.calls.length - 1] === callId) {
      const site = this.callSites.pop()!;
      this.calls.pop();
      this.record(EventType.suspend, undefined, { parent: callId, site });
      if (this.suspendedSites.size >= MAX_SUSPENDED) {
        this.suspendedSites.delete(this.suspendedSites.keys().next().value!);
      }
      this.suspendedSites.set(callId, site);
    }
    return value;
  }

  private resume<T>(callId: number, value: T): T {
    // Also called at the start of catch/finally blocks, where the call may never have suspended.
    if (callId !== 0 && this.calls[this.calls.length - 1] !== callId && !this.calls.includes(callId)) {
      const site = this.suspendedSites.get(callId) ?? 0;
      this.suspendedSites.delete(callId);
      this.calls.push(callId);
      this.callSites.push(site);
      this.record(EventType.resume, undefined, { parent: callId, site });
    }
    return value;
  }

  private siteOf(callId: number): number {
    const at = this.calls.lastIndexOf(callId);
    return at >= 0 ? this.callSites[at] : (this.suspendedSites.get(callId) ?? 0);
  }
}

const MAX_SUSPENDED = 65536;

const NO_STATE: StateSelector = { byName: () => false, byAncestor: null };

/** Installs this thread's probe registry where instrumented code looks for it. */
export function installProbes(
  record: RecordEvent,
  state?: StateSelector,
  isReducer?: (name: string) => boolean,
): ThreadProbes {
  const probes = new ThreadProbes(record, state, isReducer);
  (globalThis as Record<symbol, unknown>)[Symbol.for(PROBES_KEY)] = probes;
  return probes;
}

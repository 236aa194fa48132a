/**
 * The runtime's control surface for a debugger: `globalThis[Symbol.for('cinescope.control')]` on
 * every traced thread. The debug adapter reaches it with CDP `Runtime.evaluate` (a JSON argument
 * in, a JSON result out), so a switch takes effect without pausing or editing the program.
 *
 * Every method takes plain JSON, never throws, and returns plain JSON.
 */
import workerThreads from 'node:worker_threads';
import type { Site } from './instrument/probeApi';
import type { ThreadProbes } from './probes';
import { TRACE_POINTS_KEY, TracePointRuntime } from './tracePoints';
import type { TracePointDefinition } from './tracePoints';
import { classMatcher } from './traceRules';
import type { recordEvent } from './recorder';

/** `globalThis[Symbol.for(CONTROL_KEY)]` is this thread's {@link RuntimeControl}. */
export const CONTROL_KEY = 'cinescope.control';

/**
 * The environment data under which a thread leaves its function tracing switches to the workers
 * it starts from then on: a worker started after the switch starts switched too.
 */
const FUNCTION_TRACING_KEY = 'cinescope.functionTracing';

/** The switches kept at most; the oldest selective ones go first (a switch of all resets them). */
const MAX_SWITCHES = 64;

/** One `setFunctionTracing` call, kept to apply to modules that load later. */
export interface FunctionTracingSwitch {
  enabled: boolean;
  /** Globs of function names; every function when absent. */
  functions?: string[];
}

/** Bump when a method's meaning changes: the adapter checks it before using the surface. */
export const CONTROL_VERSION = 1;

/** What `info()` reports. */
export interface ControlInfo {
  version: number;
  pid: number;
  /** Trace point hits recorded on this thread so far. */
  hits: number;
  /** Modules with function-tracing probes on this thread. */
  modules: number;
}

/** The adapter-facing methods; the probe-facing ones are on {@link TracePointRuntime}. */
export class RuntimeControl {
  readonly version = CONTROL_VERSION;

  /** The switches so far, in order (the last that matches a site decides). */
  private switches: { change: FunctionTracingSwitch; matches: (name: string) => boolean }[] = [];

  constructor(
    private readonly tracePoints: TracePointRuntime,
    private readonly probes: ThreadProbes | undefined,
    inherited: FunctionTracingSwitch[] = [],
  ) {
    for (const change of inherited) this.remember(change);
    if (probes) probes.siteFlag = (site) => this.flagFor(site);
  }

  /** The switches a module or worker starting now inherits. */
  get functionTracing(): FunctionTracingSwitch[] {
    return this.switches.map((s) => s.change);
  }

  info(): ControlInfo {
    return {
      version: CONTROL_VERSION,
      pid: process.pid,
      hits: this.tracePoints.hits,
      modules: this.probes?.modules.length ?? 0,
    };
  }

  /** Registers trace points and switches them on (or off). */
  defineTracePoints(points: TracePointDefinition[], on = true): boolean {
    return guard(() => (this.tracePoints.define(points, on), true), false);
  }

  /** Switches already defined trace points on or off. */
  enableTracePoints(ids: number[], on: boolean): boolean {
    return guard(() => (this.tracePoints.enable(ids, on), true), false);
  }

  /** Ids among `ids` whose inserted probe has recorded: proof that the live edit took effect. */
  armedTracePoints(ids: number[]): number[] {
    return guard(() => this.tracePoints.armed(ids), []);
  }

  /**
   * Switches function-tracing probe sites on or off: those whose name matches one of `functions`
   * (globs), every site when absent. Returns how many sites changed state.
   */
  setFunctionTracing(enabled: boolean, functions?: string[]): number {
    return guard(() => {
      const change: FunctionTracingSwitch = { enabled: Boolean(enabled) };
      if (Array.isArray(functions) && functions.length > 0) change.functions = functions.map(String);
      const matches = this.remember(change);
      shareWithLaterWorkers(this.functionTracing);
      const flag = change.enabled ? 1 : 0;
      let changed = 0;
      for (const module of this.probes?.modules ?? []) {
        for (const site of module.sites) {
          if (site.kind === 'class' || !matches(site.name)) continue;
          if (module.on[site.index] !== flag) {
            module.on[site.index] = flag;
            changed++;
          }
        }
      }
      return changed;
    }, 0);
  }

  /** Keeps a switch for later modules; returns its matcher. */
  private remember(change: FunctionTracingSwitch): (name: string) => boolean {
    const matches = change.functions ? classMatcher(change.functions) : () => true;
    // A switch of every function decides every site alone: the earlier ones no longer matter.
    if (!change.functions) this.switches = [];
    this.switches.push({ change, matches });
    if (this.switches.length > MAX_SWITCHES) this.switches.splice(0, this.switches.length - MAX_SWITCHES);
    return matches;
  }

  /** A new site's flag under the switches: the last that matches it decides; none, on. */
  private flagFor(site: Site): number | undefined {
    if (site.kind === 'class') return undefined;
    for (let i = this.switches.length - 1; i >= 0; i--) {
      if (this.switches[i].matches(site.name)) return this.switches[i].change.enabled ? 1 : 0;
    }
    return undefined;
  }
}

/** Workers this thread starts from now on find the switches (environment data is copied at start). */
function shareWithLaterWorkers(switches: FunctionTracingSwitch[]): void {
  try {
    workerThreads.setEnvironmentData(FUNCTION_TRACING_KEY, JSON.stringify(switches));
  } catch {
    // Later workers then start with every site on, as without a debugger.
  }
}

/** The switches this thread's creator had made when it started this thread. */
function inheritedSwitches(): FunctionTracingSwitch[] {
  try {
    const text = workerThreads.getEnvironmentData(FUNCTION_TRACING_KEY);
    if (typeof text !== 'string') return [];
    const parsed = JSON.parse(text) as unknown;
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (s): s is FunctionTracingSwitch =>
        typeof s === 'object' &&
        s !== null &&
        typeof (s as FunctionTracingSwitch).enabled === 'boolean' &&
        ((s as FunctionTracingSwitch).functions === undefined ||
          (Array.isArray((s as FunctionTracingSwitch).functions) &&
            (s as FunctionTracingSwitch).functions!.every((f) => typeof f === 'string'))),
    );
  } catch {
    return [];
  }
}

function guard<T>(body: () => T, fallback: T): T {
  try {
    return body();
  } catch {
    return fallback;
  }
}

/** Installs this thread's trace point runtime and control surface where probes and the adapter look. */
export function installControl(record: typeof recordEvent, probes: ThreadProbes | undefined): RuntimeControl {
  const tracePoints = new TracePointRuntime(record, probes ? () => probes.currentCall() : undefined);
  const control = new RuntimeControl(tracePoints, probes, inheritedSwitches());
  const g = globalThis as Record<symbol, unknown>;
  g[Symbol.for(TRACE_POINTS_KEY)] = tracePoints;
  g[Symbol.for(CONTROL_KEY)] = control;
  return control;
}

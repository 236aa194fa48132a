/**
 * The runtime's control surface for a debugger: `globalThis[Symbol.for('cinescope.control')]` on
 * every traced thread. The debug adapter reaches it with CDP `Runtime.evaluate` (a JSON argument
 * in, a JSON result out), so a switch takes effect without pausing or editing the program.
 *
 * Every method takes plain JSON, never throws, and returns plain JSON.
 */
import type { ThreadProbes } from './probes';
import { TRACE_POINTS_KEY, TracePointRuntime } from './tracePoints';
import type { TracePointDefinition } from './tracePoints';
import { classMatcher } from './traceRules';
import type { recordEvent } from './recorder';

/** `globalThis[Symbol.for(CONTROL_KEY)]` is this thread's {@link RuntimeControl}. */
export const CONTROL_KEY = 'cinescope.control';

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

  constructor(
    private readonly tracePoints: TracePointRuntime,
    private readonly probes: ThreadProbes | undefined,
  ) {}

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
      const matches = functions && functions.length > 0 ? classMatcher(functions) : () => true;
      const flag = enabled ? 1 : 0;
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
  const control = new RuntimeControl(tracePoints, probes);
  const g = globalThis as Record<symbol, unknown>;
  g[Symbol.for(TRACE_POINTS_KEY)] = tracePoints;
  g[Symbol.for(CONTROL_KEY)] = control;
  return control;
}

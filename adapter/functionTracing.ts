/**
 * `cinescope/setFunctionTracing`: switches the function-boundary probes that load-time
 * instrumentation put into the program (the `--trace` rules) on or off while it runs, by flipping
 * their per-site flags through each thread's runtime control surface. No code is edited, nothing
 * pauses; the change takes effect at each function's next call.
 */
import type { SetFunctionTracingArguments, SetFunctionTracingResponseBody } from './customRequests';
import { callControl, NO_RUNTIME } from './runtimeControl';
import type { RuntimeTarget } from './runtimeControl';
import type { ProtocolProxyApi } from 'devtools-protocol/types/protocol-proxy-api';

/** The response body, plus a sentence when some thread could not be reached. */
export interface FunctionTracingOutcome extends SetFunctionTracingResponseBody {
  message?: string;
}

/**
 * Applies `args` to every thread in `targets` (the main thread's connection and the workers'
 * sessions); the count of changed sites is summed over them.
 */
export async function setFunctionTracing(
  targets: RuntimeTarget | readonly RuntimeTarget[],
  args: SetFunctionTracingArguments,
): Promise<FunctionTracingOutcome> {
  const list = Array.isArray(targets) ? (targets as readonly RuntimeTarget[]) : [targets as RuntimeTarget];
  const functions = args.functions?.filter((f) => typeof f === 'string' && f.length > 0);
  const results = await Promise.all(
    list.map((t) => callControl<number>(t, 'setFunctionTracing', [Boolean(args.enabled), functions])),
  );
  let sites = 0;
  const reasons = new Set<string>();
  for (const r of results) {
    if (r.type === 'ok') sites += Number(r.value) || 0;
    else reasons.add(r.reason);
  }
  return reasons.size ? { sites, message: [...reasons].join(' ') } : { sites };
}

/** How many loaded files may prompt another try at switches the runtime was not loaded for. */
const MAX_RESENDS = 50;
/** Switches kept for a resend; a switch of every function replaces those before it. */
const MAX_KEPT = 64;

/** Where a launched program's own code starts: the gate of switches sent before its runtime ran. */
export interface FunctionTracingGate {
  cdp: { Debugger: Pick<ProtocolProxyApi.DebuggerApi, 'setBreakpointByUrl' | 'removeBreakpoint'> };
  /** The program's file URL. */
  url: string;
}

/**
 * The session's function tracing switches. A switch sent before the program's runtime has loaded
 * (a launch stops before `--require` runs the preload, and VS Code sends it at `initialized`)
 * finds no control surface; it is kept and sent again as soon as the runtime is there: at a gate,
 * a pausing breakpoint of ours on the program's first line (the preload has run, none of the
 * program's modules has), or else when the main thread loads a file (bounded, for programs that
 * run without the runtime). The runtime itself applies the switches to modules and workers that
 * load afterwards.
 */
export class FunctionTracingSwitches {
  private readonly kept: SetFunctionTracingArguments[] = [];
  private waiting = false;
  private resends = 0;
  private gate: { cdp: FunctionTracingGate['cdp']; breakpointId: string } | undefined;
  /**
   * Every gate ever set: a pause at one may arrive after it was removed (the switches reached
   * the runtime another way meanwhile), and is still ours to resume.
   */
  private readonly gateIds = new Set<string>();

  constructor(
    /** Says so in the Debug Console when the runtime never answered. */
    private readonly log: (text: string) => void,
    /** A launched program's gate site; undefined for an attached one (its runtime is injected). */
    private readonly gateSite: () => FunctionTracingGate | undefined = () => undefined,
  ) {}

  /** Whether some switch still waits for the main thread's runtime. */
  get pending(): boolean {
    return this.waiting;
  }

  /** Applies a switch to `targets` (main thread first); keeps it for a resend when needed. */
  async set(
    targets: readonly RuntimeTarget[],
    args: SetFunctionTracingArguments,
  ): Promise<FunctionTracingOutcome> {
    const change = normalize(args);
    if (!change.functions) this.kept.length = 0;
    this.kept.push(change);
    if (this.kept.length > MAX_KEPT) this.kept.splice(0, this.kept.length - MAX_KEPT);
    const outcome = await setFunctionTracing(targets, change);
    if (targets.length && outcome.message?.includes(NO_RUNTIME) && this.resends < MAX_RESENDS) {
      // Most likely the program has not run its preload yet: send again once it has.
      this.waiting = true;
      await this.setGate();
      return { sites: outcome.sites };
    }
    return outcome;
  }

  /**
   * The main thread paused at breakpoints `breakpointIds`: at our gate, or at another gate of the
   * session (`atOtherGate`, trace points'), the runtime is there and the kept switches are sent.
   * True when the gate was ours (the caller resumes).
   */
  async passGate(
    breakpointIds: readonly string[],
    main: RuntimeTarget,
    atOtherGate = false,
  ): Promise<boolean> {
    const ours = breakpointIds.some((id) => this.gateIds.has(id));
    if (ours) await this.removeGate();
    if (ours || atOtherGate) await this.resend(main);
    return ours;
  }

  /**
   * The main thread loaded a file: if a switch waits for the runtime, every kept switch is sent
   * again, in order. True when they reached it.
   */
  async scriptParsed(url: string, main: RuntimeTarget): Promise<boolean> {
    if (!this.waiting || !url.startsWith('file:')) return false;
    if (this.resends >= MAX_RESENDS) {
      this.waiting = false;
      await this.removeGate();
      this.log(NO_RUNTIME);
      return false;
    }
    this.resends++;
    return this.resend(main);
  }

  private async resend(main: RuntimeTarget): Promise<boolean> {
    if (!this.waiting) return false;
    for (const change of [...this.kept]) {
      const result = await callControl<number>(main, 'setFunctionTracing', [
        change.enabled,
        change.functions,
      ]);
      if (result.type !== 'ok') return false;
    }
    this.waiting = false;
    await this.removeGate();
    return true;
  }

  private async setGate(): Promise<void> {
    const site = this.gate ? undefined : this.gateSite();
    if (!site) return;
    try {
      const { breakpointId } = await site.cdp.Debugger.setBreakpointByUrl({
        url: site.url,
        lineNumber: 0,
        // A condition of its own, so that it never collides with a trace point's gate there.
        condition: '/* cinescope: function tracing */ true',
      });
      this.gate = { cdp: site.cdp, breakpointId };
      this.gateIds.add(breakpointId);
    } catch {
      // Without a gate the switches are sent when the program's files load, a little late.
    }
  }

  private async removeGate(): Promise<void> {
    const gate = this.gate;
    this.gate = undefined;
    if (gate) await gate.cdp.Debugger.removeBreakpoint({ breakpointId: gate.breakpointId }).catch(() => {});
  }
}

function normalize(args: SetFunctionTracingArguments): SetFunctionTracingArguments {
  const functions = Array.isArray(args?.functions)
    ? args.functions.filter((f) => typeof f === 'string' && f.length > 0)
    : [];
  return functions.length
    ? { enabled: Boolean(args?.enabled), functions }
    : { enabled: Boolean(args?.enabled) };
}

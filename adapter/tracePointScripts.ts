/**
 * What trace points do to V8 in one script (`tracePoints.ts` decides when): the live edit that
 * swaps in the probes, and the conditional breakpoints that record where no probe does, per script
 * or, for a file not loaded yet, by URL.
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { CdpClient } from './cdp';
import type { TracePointState } from './customRequests';
import { planTracePoints } from './tracePointEdit';
import type { PlannedTracePoint } from './tracePointEdit';

/** One trace point of a file. */
export interface Point {
  path: string;
  state: TracePointState;
}

/** One loaded script that has (or had) trace points. */
export interface Script {
  scriptId: string;
  url: string;
  path: string;
  /** The source before any edit of ours: every edit is planned from it. */
  original?: string;
  /** Trace point ids that have a probe in the code V8 runs now. */
  probed: Set<number>;
  /** Our breakpoints in this script, by trace point id. */
  breakpoints: Map<number, string>;
  /** Operations on one script run one after the other. */
  queue: Promise<void>;
  retry?: NodeJS.Timeout;
  retries: number;
}

/** Swaps the script's source; the CDP status, or a sentence when the call failed. */
export async function swapSource(cdp: CdpClient, script: Script, source: string): Promise<string> {
  try {
    const result = await cdp.Debugger.setScriptSource({ scriptId: script.scriptId, scriptSource: source });
    if (result.exceptionDetails) return `CompileError: ${result.exceptionDetails.text}`;
    return result.status ?? 'Ok';
  } catch (error) {
    return `Error: ${(error as Error).message}`;
  }
}

/** Sets the breakpoint that records a planned point in a script, unless it has one. */
export async function ensureBreakpoint(
  cdp: CdpClient,
  script: Script,
  planned: PlannedTracePoint,
  log: (message: string) => void,
): Promise<void> {
  if (script.breakpoints.has(planned.id)) return;
  try {
    const { breakpointId } = await cdp.Debugger.setBreakpoint({
      location: {
        scriptId: script.scriptId,
        lineNumber: planned.statementLine - 1,
        columnNumber: planned.column,
      },
      condition: planned.condition,
    });
    script.breakpoints.set(planned.id, breakpointId);
  } catch (error) {
    log(`Trace point at ${script.path}:${planned.line}: no breakpoint: ${(error as Error).message}`);
  }
}

/** Removes the breakpoints of `points` in a script (best effort). */
export async function removeBreakpoints(
  cdp: CdpClient,
  script: Script,
  points: readonly Point[],
): Promise<void> {
  for (const p of points) {
    const breakpointId = script.breakpoints.get(p.state.id);
    if (breakpointId === undefined) continue;
    script.breakpoints.delete(p.state.id);
    await cdp.Debugger.removeBreakpoint({ breakpointId }).catch(() => {});
  }
}

/**
 * Breakpoints by URL for the points of files no script of which is loaded yet, by trace point id.
 * Planned from the file on disk, they record hits from the moment V8 compiles the file (code that
 * runs while it loads, before any edit can land); the first edit then takes over.
 */
export class UnloadedBreakpoints {
  private readonly byId = new Map<number, string>();

  constructor(
    private readonly cdp: CdpClient,
    private readonly log: (message: string) => void,
  ) {}

  /** Sets the breakpoints of a file's points and gives each point its pending state. */
  async watch(path: string, points: readonly Point[]): Promise<void> {
    const waiting = 'Waiting for the file to be loaded; until the live edit, a breakpoint records its hits.';
    let source: string;
    try {
      source = await readFile(path, 'utf8');
    } catch (error) {
      const reason = `Cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`;
      for (const p of points) p.state = { ...p.state, mode: 'pending', message: reason };
      return;
    }
    const requests = points.map((p) => ({ id: p.state.id, line: p.state.line }));
    const isModule = /\.mjs$|\.mts$/.test(path);
    let plan = planTracePoints(source, requests, { isModule });
    if (plan.type === 'unparsable' && !isModule) plan = planTracePoints(source, requests, { isModule: true });
    const planned = new Map(plan.type === 'ok' ? plan.points.map((p) => [p.id, p]) : []);
    for (const p of points) {
      const point = planned.get(p.state.id);
      if (!point) {
        const reason =
          plan.type === 'ok' ? plan.missing.find((m) => m.id === p.state.id)?.reason : plan.reason;
        p.state = { ...p.state, mode: 'pending', message: reason ?? waiting };
        continue;
      }
      if (!this.byId.has(point.id)) {
        try {
          const { breakpointId } = await this.cdp.Debugger.setBreakpointByUrl({
            url: pathToFileURL(path).href,
            // No column: code instrumented at load time has the same lines but other columns.
            lineNumber: point.statementLine - 1,
            condition: point.condition,
          });
          this.byId.set(point.id, breakpointId);
        } catch (error) {
          this.log(`Trace point at ${path}:${point.line}: no breakpoint: ${(error as Error).message}`);
        }
      }
      p.state = { ...p.state, mode: 'pending', message: waiting };
    }
  }

  /** The file loaded: its breakpoints by URL now stand in for `script`'s points. */
  handOver(script: Script, points: readonly Point[]): void {
    for (const p of points) {
      const breakpointId = this.byId.get(p.state.id);
      if (breakpointId === undefined || script.breakpoints.has(p.state.id)) continue;
      this.byId.delete(p.state.id);
      script.breakpoints.set(p.state.id, breakpointId);
    }
  }

  /** Removes the breakpoints of points that are gone (best effort). */
  async remove(ids: readonly number[]): Promise<void> {
    for (const id of ids) {
      const breakpointId = this.byId.get(id);
      if (breakpointId === undefined) continue;
      this.byId.delete(id);
      await this.cdp.Debugger.removeBreakpoint({ breakpointId }).catch(() => {});
    }
  }
}

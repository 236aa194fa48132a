/**
 * Cinescope's custom DAP requests (contract: customRequests.ts), answered from what the session
 * holds. Each returns the response body, or a sentence for the user when it cannot be answered.
 */
import * as path from 'node:path';
import { CustomRequest } from './customRequests';
import type {
  SetFunctionTracingArguments,
  SetFunctionTracingResponseBody,
  SetTracePointsArguments,
  SetTracePointsResponseBody,
  TracePointState,
  TraceStatusResponseBody,
} from './customRequests';
import { setFunctionTracing } from './functionTracing';
import type { FunctionTracingSwitches } from './functionTracing';
import type { DebugThread } from './thread';
import { TracePointManager } from './tracePoints';
import type { BreakpointBook } from './breakpoints';
import type { CdpClient } from './cdp';
import type { Threads } from './threads';
import type { TraceSink } from './traceSink';

export interface CustomRequestContext {
  tracePoints: TracePointManager | undefined;
  threads: DebugThread[];
  sink: TraceSink | undefined;
  /** The session's switches, kept for a runtime that has not loaded yet. */
  functionTracing?: FunctionTracingSwitches;
  log(text: string): void;
}

export type CustomAnswer =
  | {
      type: 'ok';
      body: SetTracePointsResponseBody | SetFunctionTracingResponseBody | TraceStatusResponseBody;
    }
  | { type: 'error'; message: string };

export async function answerCustomRequest(
  command: string,
  args: unknown,
  context: CustomRequestContext,
): Promise<CustomAnswer> {
  const error = (message: string): CustomAnswer => ({ type: 'error', message });
  switch (command) {
    case CustomRequest.setTracePoints: {
      const { source, lines } = (args ?? {}) as Partial<SetTracePointsArguments>;
      if (!source?.path || !Array.isArray(lines)) {
        return error(`${command} needs { source: { path }, lines: number[] }.`);
      }
      if (!context.tracePoints) return error('Trace points need a running program: launch or attach first.');
      return {
        type: 'ok',
        body: { tracePoints: await context.tracePoints.set(path.resolve(source.path), lines) },
      };
    }
    case CustomRequest.setFunctionTracing: {
      const targets = context.threads.map((t) => t.cdp);
      if (targets.length === 0)
        return error('Function tracing needs a running program: launch or attach first.');
      const change = (args ?? {}) as SetFunctionTracingArguments;
      const outcome = context.functionTracing
        ? await context.functionTracing.set(targets, change)
        : await setFunctionTracing(targets, change);
      if (outcome.message) context.log(outcome.message);
      return { type: 'ok', body: outcome };
    }
    case CustomRequest.traceStatus:
      if (!context.sink) return error('No trace is being recorded: launch or attach first.');
      return { type: 'ok', body: { destination: context.sink.destination, ...context.sink.stats() } };
    default:
      return error(`Unknown request '${command}'.`);
  }
}

/** The trace points of the main thread, wired to the session's scripts and breakpoints. */
export function createTracePointManager(
  cdp: CdpClient,
  threads: Threads,
  breakpoints: BreakpointBook,
  host: {
    log(text: string): void;
    changed(path: string, states: TracePointState[]): void;
    launched: boolean;
  },
): TracePointManager {
  return new TracePointManager({
    cdp,
    scriptsForPath: (file) => threads.get(1)?.scripts.forPath(file) ?? [],
    // A live edit drops every breakpoint of the script in V8: ours are set again.
    reapplyBreakpoints: async (scriptId) => {
      const main = threads.get(1);
      const script = main?.scripts.get(scriptId);
      if (main && script) await breakpoints.reapply(main, script);
    },
    log: (message) => host.log(message),
    launched: host.launched,
    loadedElsewhere: (file) => threads.all().some((t) => t.id !== 1 && t.scripts.forPath(file).length > 0),
    changed: (file, states) => host.changed(file, states),
  });
}

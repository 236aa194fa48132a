/**
 * `cinescope/setFunctionTracing`: switches the function-boundary probes that load-time
 * instrumentation put into the program (the `--trace` rules) on or off while it runs, by flipping
 * their per-site flags through each thread's runtime control surface. No code is edited, nothing
 * pauses; the change takes effect at each function's next call.
 */
import type { SetFunctionTracingArguments, SetFunctionTracingResponseBody } from './customRequests';
import { callControl } from './runtimeControl';
import type { RuntimeTarget } from './runtimeControl';

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

/**
 * Calls the runtime's control surface (`runtime/control.ts`) in a debuggee thread through CDP
 * `Runtime.evaluate`: JSON arguments in, a JSON result out. The adapter never imports runtime/
 * (it is bundled apart and runs in another process), so the key is repeated here.
 */
import type { ProtocolProxyApi } from 'devtools-protocol/types/protocol-proxy-api';

/** Must match `CONTROL_KEY` and `CONTROL_VERSION` of runtime/control.ts. */
const CONTROL_KEY = 'cinescope.control';
const CONTROL_VERSION = 1;

/** The part of a CDP target the control calls need (a `CdpClient` or a worker's session). */
export interface RuntimeTarget {
  Runtime: ProtocolProxyApi.RuntimeApi;
}

/** What a control call gives back: its value, or why it could not run, in a sentence. */
export type ControlResult<T> = { type: 'ok'; value: T } | { type: 'unavailable'; reason: string };

/** Sentence for a program that runs without Cinescope's runtime. */
export const NO_RUNTIME =
  "Cinescope's runtime is not loaded in this program (it was started without Cinescope's preload), " +
  'so trace points and function tracing record nothing. Launch it through Cinescope to record.';

/** Calls `method(...args)` on the control surface of `target`'s thread. Never throws. */
export async function callControl<T>(
  target: RuntimeTarget,
  method: string,
  args: unknown[],
): Promise<ControlResult<T>> {
  const control = `globalThis[Symbol.for(${JSON.stringify(CONTROL_KEY)})]`;
  const expression =
    `(() => { const c = ${control}; ` +
    `if (!c || c.version !== ${CONTROL_VERSION}) return { missing: true }; ` +
    `return { value: c[${JSON.stringify(method)}](...${JSON.stringify(args)}) }; })()`;
  try {
    const { result, exceptionDetails } = await target.Runtime.evaluate({
      expression,
      returnByValue: true,
      silent: true,
      // Never pause in our own call, whatever the user's exception breakpoints are.
      throwOnSideEffect: false,
    });
    if (exceptionDetails) {
      return { type: 'unavailable', reason: `The runtime did not answer: ${exceptionDetails.text}.` };
    }
    const answer = result.value as { missing?: true; value?: T } | undefined;
    if (!answer || answer.missing) return { type: 'unavailable', reason: NO_RUNTIME };
    return { type: 'ok', value: answer.value as T };
  } catch (error) {
    return { type: 'unavailable', reason: `The program cannot be reached: ${(error as Error).message}` };
  }
}

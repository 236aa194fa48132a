/**
 * What a CDP pause means for the client: a stop to show, or something the adapter handles and
 * resumes from at once (a source-mapped script about to run, a logpoint, a hit count not reached,
 * the inspector's start-up pause when the user did not ask to stop on entry).
 */
import type Protocol from 'devtools-protocol';
import { StoppedEvent } from '@vscode/debugadapter';
import type { BreakpointBook, ClientBreakpoint } from './breakpoints';
import type { DebugThread } from './thread';
import { describe } from './variables';

export interface PauseHost {
  stopped(event: StoppedEvent): void;
  log(text: string, category: 'console' | 'stdout'): void;
  stopOnEntry(): boolean;
  /**
   * Whether a hit breakpoint is one the session set for itself (trace points waiting for the
   * program to start, tracePoints.ts): it has handled the pause when this resolves.
   */
  passGate(thread: DebugThread, breakpointIds: string[]): Promise<boolean>;
  /** Whether a script URL is Cinescope's own (its runtime, its child-process bootloader). */
  isOwnScript(url: string): boolean;
}

type Resume = 'continue' | 'stepOver' | 'stepInto' | 'stepOut';

export class PauseHandler {
  /** Why each thread will pause next, when we asked for it. */
  private readonly expecting = new Map<DebugThread, 'step' | 'pause'>();

  constructor(
    private readonly breakpoints: BreakpointBook,
    private readonly host: PauseHost,
  ) {}

  async paused(thread: DebugThread, event: Protocol.Debugger.PausedEvent): Promise<void> {
    const cdp = thread.cdp;
    if (event.reason === 'instrumentation') {
      const scriptId = (event.data as { scriptId?: string } | undefined)?.scriptId;
      const script = scriptId ? thread.scripts.get(scriptId) : undefined;
      if (script?.map) await this.breakpoints.scriptParsed(thread, script);
      await cdp.Debugger.resume({}).catch(() => {});
      return;
    }
    // Trace points' gates come first: the program's entry may be at the same statement.
    if (event.hitBreakpoints?.length && (await this.host.passGate(thread, event.hitBreakpoints))) {
      const others = event.hitBreakpoints.filter((id) => this.breakpoints.lookup(id));
      const entry = (event.reason as string) === 'Break on start';
      if (others.length === 0 && !entry && !this.expecting.has(thread)) {
        await cdp.Debugger.resume({}).catch(() => {});
        return;
      }
    }
    // Only the program's own entry stops; workers and child processes also start paused (so that
    // breakpoints in their first lines hold) and go on at once, as in VS Code's JavaScript debugger.
    if ((event.reason as string) === 'Break on start' && !(thread.id === 1 && this.host.stopOnEntry())) {
      await cdp.Debugger.resume({}).catch(() => {});
      return;
    }
    if (
      (event.reason === 'exception' || event.reason === 'promiseRejection') &&
      event.callFrames.some((frame) => this.host.isOwnScript(frame.url))
    ) {
      // Cinescope's code catches its own exceptions (a missing optional module…): not the user's.
      await cdp.Debugger.resume({}).catch(() => {});
      return;
    }
    const expected = this.expecting.get(thread);
    this.expecting.delete(thread);
    const hit = (event.hitBreakpoints ?? []).map((id) => this.breakpoints.lookup(id));
    const ours = hit.filter((bp): bp is ClientBreakpoint => bp !== undefined);
    if (ours.length > 0 && !expected && event.reason !== 'exception' && event.reason !== 'promiseRejection') {
      let stop = false;
      for (const bp of ours) {
        if (bp.logMessage !== undefined) {
          this.host.log(await this.logMessage(thread, event.callFrames[0], bp.logMessage), 'stdout');
          continue;
        }
        bp.hits++;
        if (!bp.hitCondition || bp.hitCondition(bp.hits)) stop = true;
      }
      if (!stop) {
        await cdp.Debugger.resume({}).catch(() => {});
        return;
      }
    }
    thread.paused = event;
    this.host.stopped(
      new StoppedEvent(this.reason(event, expected, ours.length > 0), thread.id, this.text(event)),
    );
  }

  async resume(thread: DebugThread, how: Resume): Promise<void> {
    if (how !== 'continue') this.expecting.set(thread, 'step');
    else this.expecting.delete(thread);
    thread.paused = undefined;
    const debuggerApi = thread.cdp.Debugger;
    if (how === 'continue') await debuggerApi.resume({});
    else if (how === 'stepOver') await debuggerApi.stepOver({});
    else if (how === 'stepInto') await debuggerApi.stepInto({});
    else await debuggerApi.stepOut();
  }

  async pause(thread: DebugThread): Promise<void> {
    this.expecting.set(thread, 'pause');
    await thread.cdp.Debugger.pause();
  }

  private reason(
    event: Protocol.Debugger.PausedEvent,
    expected: 'step' | 'pause' | undefined,
    atBreakpoint: boolean,
  ) {
    if (event.reason === 'exception' || event.reason === 'promiseRejection') return 'exception';
    if ((event.reason as string) === 'Break on start') return 'entry';
    if (atBreakpoint) return 'breakpoint';
    if (expected) return expected;
    return event.reason === 'other' ? 'debugger statement' : event.reason;
  }

  private text(event: Protocol.Debugger.PausedEvent): string | undefined {
    if (event.reason !== 'exception' && event.reason !== 'promiseRejection') return undefined;
    const data = event.data as { description?: string; value?: unknown } | undefined;
    return (data?.description ?? String(data?.value ?? '')).split('\n')[0];
  }

  /** `value is {x}`: each `{expression}` evaluated in the paused frame. */
  private async logMessage(
    thread: DebugThread,
    frame: Protocol.Debugger.CallFrame,
    template: string,
  ): Promise<string> {
    const parts = template.split(/(\{[^{}]+\})/);
    let text = '';
    for (const part of parts) {
      if (!/^\{[^{}]+\}$/.test(part)) {
        text += part;
        continue;
      }
      try {
        const { result, exceptionDetails } = await thread.cdp.Debugger.evaluateOnCallFrame({
          callFrameId: frame.callFrameId,
          expression: part.slice(1, -1),
          silent: true,
        });
        text += exceptionDetails
          ? `<${exceptionDetails.exception?.description?.split('\n')[0] ?? 'error'}>`
          : plain(result);
      } catch (error) {
        text += `<${(error as Error).message}>`;
      }
    }
    return text;
  }
}

/** Strings print without quotes in a log line, like console.log. */
function plain(value: Protocol.Runtime.RemoteObject): string {
  return value.type === 'string' ? String(value.value) : describe(value);
}

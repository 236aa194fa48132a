/**
 * The process and thread lifecycle: errors nobody caught, signals, and the exit, after which the
 * runtime flushes its last events. Nothing here adds an 'unhandledRejection' or 'error' listener:
 * those would change what Node does with the error.
 */
import { EventType } from '../eventSchema';
import { recordEvent } from '../recorder';
import { onOwnIpcMessage } from './childProcesses';
import { safely } from './patch';

/** How the runtime finishes; called once, synchronously, as the thread exits. */
export type ExitHandler = (code: number, reason: 'exit' | 'uncaught' | 'signal', signal?: string) => void;

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Installs lifecycle capture. `isMain` adds the signal handling only the main thread can do. */
export function captureLifecycle(isMain: boolean, onExit: ExitHandler): void {
  let uncaught = false;
  let exited = false;
  const finish = (code: number, reason: 'exit' | 'uncaught' | 'signal', signal?: string) => {
    if (exited) return;
    exited = true;
    safely(() => onExit(code, reason, signal));
  };

  process.on('uncaughtExceptionMonitor', (error, origin) => {
    uncaught = true;
    // Unhandled rejections were recorded when Node emitted them (below).
    if (origin !== 'unhandledRejection') {
      safely(() => recordEvent(EventType.uncaughtException, { error, origin }));
    }
  });

  // Reading an Error's `stack` before Node reports it as fatal changes the report: Node then points
  // at its own internals instead of the line that threw. So an unhandled rejection nobody handled
  // is encoded only after that report (at exit) or on the next turn of the loop, with the time
  // it happened.
  const pending: Array<{ ts: number; error: unknown }> = [];
  const recordPending = () => {
    for (const { ts, error } of pending.splice(0)) {
      safely(() => recordEvent(EventType.unhandledRejection, { error }, { ts }));
    }
  };

  const originalEmit = process.emit;
  // Observe emits instead of listening: Node decides how to treat an unhandled rejection by
  // whether anyone listens, so a listener of ours would change the program.
  process.emit = function emit(this: NodeJS.Process, event: string | symbol, ...args: unknown[]) {
    const ts = event === 'unhandledRejection' ? performance.timeOrigin + performance.now() : 0;
    if (event === 'message') onOwnIpcMessage(args[0]);
    if (event === 'exit') recordPending();
    const result = (originalEmit as (...a: unknown[]) => boolean).apply(this, [event, ...args]);
    if (event === 'unhandledRejection') {
      pending.push({ ts, error: args[0] });
      if (result) recordPending();
      else setTimeout(recordPending, 0).unref();
    }
    // After the program's own 'exit' listeners ran, so that what they record is kept too.
    if (event === 'exit') finish(Number(args[0] ?? 0), uncaught ? 'uncaught' : 'exit');
    return result;
  } as typeof process.emit;

  if (!isMain) return;
  for (const signal of SIGNALS) {
    const onSignal = () => {
      safely(() => recordEvent(EventType.signal, { signal }));
      // Someone else handles it: the program decides what happens, as it would untraced.
      if (process.listenerCount(signal) > 1) return;
      // Nobody else does: Node's default is to die by the signal. Flush, then let it.
      finish(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1), 'signal', signal);
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

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

  const originalEmit = process.emit;
  // Observe emits instead of listening: Node decides how to treat an unhandled rejection by
  // whether anyone listens, so a listener of ours would change the program.
  process.emit = function emit(this: NodeJS.Process, event: string | symbol, ...args: unknown[]) {
    if (event === 'unhandledRejection') {
      safely(() => recordEvent(EventType.unhandledRejection, { error: args[0] }));
    } else if (event === 'message') {
      onOwnIpcMessage(args[0]);
    }
    const result = (originalEmit as (...a: unknown[]) => boolean).apply(this, [event, ...args]);
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

/**
 * Child processes seen from both sides: spawn and exit from the parent's ChildProcess object,
 * IPC messages from `child.send`/'message' in the parent and `process.send`/'message' in the
 * child. A child started with the inherited environment runs this runtime too and reports its own
 * events, linked to the parent by its ppid.
 */
import * as childProcess from 'node:child_process';
import { EventType } from '../eventSchema';
import { recordEvent } from '../recorder';
import { safely, wrapMethod, wrapMethodAfter } from './patch';
import { OrderedChannel, ipcKey } from './messages';

/** The parent's end of each child's IPC channel (made at spawn, used once the pid is known). */
const children = new WeakMap<object, OrderedChannel | null>();
/** This process's end of the channel to its parent, when it has one. */
let toParent: OrderedChannel | undefined;

interface ChildLike {
  pid?: number;
  spawnfile?: string;
  spawnargs?: string[];
  send?: (...args: unknown[]) => unknown;
}

/** Installs child-process capture on the main thread. */
export function captureChildProcesses(): void {
  const proto = childProcess.ChildProcess.prototype as unknown as Record<string, unknown>;
  // `send` is created per instance while spawning, so wrap it right after spawn() returns:
  // programs often call `fork(...).send(...)` before the 'spawn' event.
  wrapMethodAfter(proto, 'spawn', (self) => {
    const child = self as ChildLike;
    const pid = child.pid;
    children.set(child, pid ? new OrderedChannel('ipc', ipcKey(pid, 'down'), ipcKey(pid, 'up'), pid) : null);
    if (typeof child.send === 'function') wrapChildSend(child);
  });
  wrapMethod(proto, 'emit', (self, args) => {
    const child = self as ChildLike;
    if (!children.has(child)) return;
    const event = args[0];
    if (event === 'spawn') {
      recordEvent(EventType.childSpawn, {
        pid: child.pid ?? 0,
        command: child.spawnfile ?? '',
        args: child.spawnargs?.slice(1) ?? [],
        ipc: typeof child.send === 'function',
      });
    } else if (event === 'message') {
      children.get(child)?.receive(args[1]);
    } else if (event === 'exit') {
      recordEvent(EventType.childExit, {
        pid: child.pid ?? 0,
        code: (args[1] as number | null) ?? null,
        signal: (args[2] as string | null) ?? null,
      });
    }
  });
  if (typeof process.send === 'function') captureOwnIpc();
}

function wrapChildSend(child: ChildLike): void {
  wrapMethod(child as Record<string, unknown>, 'send', (self, args) => {
    children.get(self as object)?.send(args[0]);
  });
}

/** This process is a child with an IPC channel: record what it sends to and gets from its parent. */
function captureOwnIpc(): void {
  toParent = new OrderedChannel('ipc', ipcKey(process.pid, 'up'), ipcKey(process.pid, 'down'), process.ppid);
  wrapMethod(process as unknown as Record<string, unknown>, 'send', (_self, args) => toParent?.send(args[0]));
}

/** Called by the process lifecycle capture for every `process.emit('message', …)`. */
export function onOwnIpcMessage(data: unknown): void {
  safely(() => toParent?.receive(data));
}

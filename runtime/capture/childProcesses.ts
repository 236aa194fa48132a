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
import { ipcKey, newCounters, recordOrderedReceive, recordOrderedSend } from './messages';
import type { ChannelCounters } from './messages';

const children = new WeakMap<object, ChannelCounters>();
const ownCounters = newCounters();

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
    children.set(child, newCounters());
    if (typeof child.send === 'function') wrapChildSend(child);
  });
  wrapMethod(proto, 'emit', (self, args) => {
    const child = self as ChildLike;
    const counters = children.get(child);
    if (!counters) return;
    const event = args[0];
    if (event === 'spawn') {
      recordEvent(EventType.childSpawn, {
        pid: child.pid ?? 0,
        command: child.spawnfile ?? '',
        args: child.spawnargs?.slice(1) ?? [],
        ipc: typeof child.send === 'function',
      });
    } else if (event === 'message' && child.pid) {
      const seq = ++counters.received;
      recordOrderedReceive('ipc', ipcKey(child.pid, 'up'), seq, child.pid, args[1]);
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
    const c = self as ChildLike;
    const counters = children.get(c);
    if (!counters || !c.pid) return;
    const seq = ++counters.sent;
    recordOrderedSend('ipc', ipcKey(c.pid, 'down'), seq, c.pid, args[0]);
  });
}

/** This process is a child with an IPC channel: record what it sends to and gets from its parent. */
function captureOwnIpc(): void {
  wrapMethod(process as unknown as Record<string, unknown>, 'send', (_self, args) => {
    const seq = ++ownCounters.sent;
    recordOrderedSend('ipc', ipcKey(process.pid, 'up'), seq, process.ppid, args[0]);
  });
}

/** Called by the process lifecycle capture for every `process.emit('message', …)`. */
export function onOwnIpcMessage(data: unknown): void {
  safely(() => {
    const seq = ++ownCounters.received;
    recordOrderedReceive('ipc', ipcKey(process.pid, 'down'), seq, process.ppid, data);
  });
}

/**
 * Worker threads seen from both sides: spawn, exit, errors and messages on the Worker object (the
 * parent's side) and on `parentPort` (the worker's side); MessagePort and BroadcastChannel traffic.
 */
// The default import is Node's exports object itself, which capture must be able to patch.
import workerThreads from 'node:worker_threads';
import * as path from 'node:path';
import { types } from 'node:util';
import { EventType } from '../eventSchema';
import { recordEvent } from '../recorder';
import { findSymbol, safely, wrapMethod } from './patch';
import { OrderedChannel, recordUnordered, workerKey } from './messages';

interface WorkerState {
  threadId: number;
  channel: OrderedChannel;
}

const workers = new WeakMap<object, WorkerState>();
/** The runtime's own channels, never recorded. */
const internalPorts = new WeakSet<object>();
/**
 * MessagePorts the program holds: made by its `new MessageChannel()`, or received in a message or
 * in workerData. Node's own ports (a Worker's internals, stdio plumbing) are never recorded.
 */
const userPorts = new WeakSet<object>();
/** This worker's end of the channel to its parent, made on first use. */
let parentChannel: OrderedChannel | undefined;
/** The property Node sets on a port to the ports a message is bringing, while it dispatches. */
let receivingPorts: symbol | undefined;

let workerExitListener: ((threadId: number) => void) | undefined;

/** Tells the runtime when one of this thread's workers is gone, so its ring can be released. */
export function onWorkerExit(listener: (threadId: number) => void): void {
  workerExitListener = listener;
}

/** Excludes one of the runtime's own ports or channels from capture. */
export function ignoreChannel(channel: object): void {
  internalPorts.add(channel);
}

/** Installs the worker-thread capture on this thread. Call once per thread. */
export function captureWorkers(): void {
  const wt = workerThreads as typeof workerThreads & Record<string, unknown>;
  wrapWorkerConstructor(wt);
  wrapMessageChannel(wt);
  wrapWorkerPrototype();
  if (!workerThreads.isMainThread) markUserPorts(workerThreads.workerData, 0);
  const probe = new workerThreads.MessageChannel();
  receivingPorts = findSymbol(probe.port1, 'nodejs.internal.kCurrentlyReceivingPorts');
  probe.port1.close();
  wrapPorts(wt);
  wrapBroadcastChannel();
}

function wrapWorkerConstructor(wt: Record<string, unknown>): void {
  const Original = workerThreads.Worker;
  // A Proxy with a construct trap sees every `new Worker` (and subclasses of it) while keeping
  // `instanceof`, statics and the prototype exactly as they were.
  wt.Worker = withConstructor(Original, {
    construct(target, args, newTarget) {
      const worker = Reflect.construct(target, args, newTarget) as workerThreads.Worker;
      safely(() => onWorkerCreated(worker, args));
      return worker;
    },
  });
}

function onWorkerCreated(worker: workerThreads.Worker, args: unknown[]): void {
  const threadId = worker.threadId;
  const channel = new OrderedChannel(
    'worker',
    workerKey(threadId, 'down'),
    workerKey(threadId, 'up'),
    threadId,
  );
  workers.set(worker, { threadId, channel });
  const [file, options] = args as [unknown, { name?: unknown; eval?: boolean } | undefined];
  const filename = options?.eval ? '[eval]' : file instanceof URL ? file.href : String(file);
  const name =
    typeof options?.name === 'string' && options.name
      ? options.name
      : options?.eval
        ? `worker ${threadId}`
        : path.basename(filename);
  recordEvent(EventType.workerSpawn, { threadId, name, filename });
}

function wrapMessageChannel(wt: Record<string, unknown>): void {
  wt.MessageChannel = withConstructor(workerThreads.MessageChannel, {
    construct(target, args, newTarget) {
      const channel = Reflect.construct(target, args, newTarget) as workerThreads.MessageChannel;
      userPorts.add(channel.port1);
      userPorts.add(channel.port2);
      return channel;
    },
  });
}

/** A Proxy of a class that is also what its instances' `constructor` is, as before. */
function withConstructor<T extends abstract new (...args: never[]) => unknown>(
  Class: T,
  handler: ProxyHandler<T>,
): T {
  const proxy = new Proxy(Class, handler);
  const descriptor = Object.getOwnPropertyDescriptor(Class.prototype, 'constructor');
  if (descriptor?.writable || descriptor?.configurable) {
    Object.defineProperty(Class.prototype, 'constructor', { ...descriptor, value: proxy });
  }
  return proxy;
}

/**
 * Marks the MessagePorts found in a value (shallowly, data properties only) as the program's: for
 * workerData and receiveMessageOnPort, which do not say which ports they bring.
 */
function markUserPorts(value: unknown, depth: number): void {
  if (typeof value !== 'object' || value === null || depth > 2 || types.isProxy(value)) return;
  if (value instanceof workerThreads.MessagePort) {
    userPorts.add(value);
  } else if (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype) {
    for (const descriptor of Object.values(Object.getOwnPropertyDescriptors(value))) {
      if ('value' in descriptor) markUserPorts(descriptor.value, depth + 1);
    }
  }
}

function wrapWorkerPrototype(): void {
  const proto = workerThreads.Worker.prototype as unknown as Record<string, unknown>;
  wrapMethod(proto, 'postMessage', (self, args) => {
    workers.get(self as object)?.channel.send(args[0]);
  });
  // Observe what the Worker emits without adding listeners: a listener for 'error' would change
  // whether a worker's uncaught exception crashes the parent.
  wrapMethod(proto, 'emit', (self, args) => {
    const state = workers.get(self as object);
    if (!state) return;
    const event = args[0];
    if (event === 'message') {
      state.channel.receive(args[1]);
    } else if (event === 'error') {
      recordEvent(EventType.workerError, { error: args[1], threadId: state.threadId });
    } else if (event === 'exit') {
      recordEvent(EventType.threadExit, { threadId: state.threadId, code: args[1] });
      workerExitListener?.(state.threadId);
    }
  });
}

function wrapPorts(wt: Record<string, unknown>): void {
  const { MessagePort, parentPort } = workerThreads;
  const proto = MessagePort.prototype as unknown as Record<string | symbol, unknown>;
  wrapMethod(proto, 'postMessage', (self, args) => {
    if (self === parentPort && parentPort) {
      toParent().send(args[0]);
    } else if (userPorts.has(self as object)) {
      recordUnordered(true, 'port', 'port', args[0]);
    }
  });
  // Node delivers every message to a port through this internal EventTarget method, once per
  // message, whether the program listens with on('message'), onmessage or addEventListener.
  // Shadowing it on MessagePort.prototype observes each delivery without adding a listener.
  const dispatch = findSymbol(EventTarget.prototype, 'nodejs.internal.kHybridDispatch');
  if (dispatch) {
    wrapMethod(proto, dispatch, (self, args) => {
      if (args[1] !== 'message') return;
      // Ports a message brings become the program's, whichever port (or Worker) it came on.
      const ports = receivingPorts && (self as Record<symbol, unknown>)[receivingPorts];
      if (Array.isArray(ports)) for (const port of ports) userPorts.add(port);
      onPortMessage(self, args[0], parentPort);
    });
  }
  const receive = wt.receiveMessageOnPort;
  if (typeof receive === 'function') {
    wt.receiveMessageOnPort = function receiveMessageOnPort(port: unknown) {
      const result = (receive as (p: unknown) => { message: unknown } | undefined)(port);
      if (result) {
        safely(() => {
          markUserPorts(result.message, 0);
          onPortMessage(port, result.message, parentPort);
        });
      }
      return result;
    };
  }
}

function onPortMessage(port: unknown, data: unknown, parentPort: unknown): void {
  if (port === parentPort && parentPort) toParent().receive(data);
  else if (userPorts.has(port as object)) recordUnordered(false, 'port', 'port', data);
}

function toParent(): OrderedChannel {
  const tid = workerThreads.threadId;
  // The parent's thread id is not known inside a worker: -1.
  return (parentChannel ??= new OrderedChannel(
    'parentPort',
    workerKey(tid, 'up'),
    workerKey(tid, 'down'),
    -1,
  ));
}

function wrapBroadcastChannel(): void {
  const proto = workerThreads.BroadcastChannel.prototype as unknown as Record<string, unknown>;
  wrapMethod(proto, 'postMessage', (self, args) => {
    if (internalPorts.has(self as object)) return;
    recordUnordered(true, 'broadcast', (self as { name: string }).name, args[0]);
  });
  wrapMethod(proto, 'dispatchEvent', (self, args) => {
    const event = args[0] as { type?: string; data?: unknown };
    if (event?.type !== 'message' || internalPorts.has(self as object)) return;
    recordUnordered(false, 'broadcast', (self as { name: string }).name, event.data);
  });
}

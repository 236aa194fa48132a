/**
 * The runtime's entry point, loaded into every thread of a traced program with
 * `NODE_OPTIONS=--require …/preload.js` (so child processes are traced too). It runs once per
 * thread: it creates the thread's ring and recorder, installs capture, and on the main thread
 * starts the drain worker that streams events to the collector.
 */
import * as path from 'node:path';
import * as workerThreads from 'node:worker_threads';
import Module, { createRequire, register, syncBuiltinESMExports } from 'node:module';
import { pathToFileURL } from 'node:url';
import { CONFIG_ENV, parseRuntimeConfig } from './config';
import type { RuntimeConfig } from './config';
import { EventType } from './eventSchema';
import type { ProcessStartPayload } from './eventSchema';
import { installProbes } from './probes';
import { installControl } from './control';
import { classMatcher, stateSelector } from './traceRules';
import { Recorder, recordEvent, setRecorder } from './recorder';
import { RingWriter, createRingBuffer } from './ring';
import { Control, CONTROL_BYTES } from './drainProtocol';
import type { DrainData, DrainMessage } from './drainProtocol';
import { postToRegistry, registryName } from './registry';
import { captureWorkers, ignoreChannel, onWorkerExit } from './capture/workers';
import { captureChildProcesses } from './capture/childProcesses';
import { captureLifecycle } from './capture/lifecycle';
import { MetricsSampler } from './capture/metrics';
import {
  DRAIN_THREAD_ID,
  claimRuntimeThread,
  createRuntimeThreadTable,
  hideRuntimeThreads,
  keepProgramLoaderThreadIds,
  settleRuntimeThread,
} from './capture/threadIds';
import type { RuntimeThreadSlot } from './capture/threadIds';
import type { EsmHookData } from './esmHooks';

const GUARD = Symbol.for('cinescope.runtime');
/**
 * Environment data set only while an ES module loader thread starts: the runtime does not run in
 * that thread. Environment data is per thread (copied into each new thread), so unlike a variable
 * in `process.env` (shared with `SHARE_ENV`) no other thread can see it.
 */
const LOADER_KEY = 'cinescope.loaderThread';
/** Where user code and the public `mark` module find the recorder. */
const PUBLIC_API = Symbol.for('cinescope.recordEvent');

function start(): void {
  const g = globalThis as Record<symbol, unknown>;
  if (g[GUARD] || (workerThreads.workerData as Partial<DrainData> | null)?.cinescopeDrain) return;
  if (!workerThreads.isMainThread && workerThreads.getEnvironmentData(LOADER_KEY)) {
    skipLaterPreloads();
    return;
  }
  g[GUARD] = true;
  const config = parseRuntimeConfig(process.env[CONFIG_ENV]);
  if (typeof config === 'string') {
    if (workerThreads.isMainThread) process.stderr.write(`cinescope: tracing is off: ${config}.\n`);
    return;
  }
  if (workerThreads.isMainThread) startMainThread(config);
  else startWorkerThread(config);
  g[PUBLIC_API] = recordEvent;
  // Always: code instrumented offline (`cinescope instrument`) finds its probes here too.
  const probes = installProbes(recordEvent, stateSelector(config.state), classMatcher(config.reducers));
  // Trace points and switches a debugger flips while the program runs (adapter/tracePoints.ts).
  installControl(recordEvent, probes);
  syncBuiltinESMExports();
  if (config.trace.length > 0)
    loadHookBundle().installLoadHook(config.trace, config.cwd, config.cacheDir, recordEvent);
}

/**
 * In a loader thread the runtime started, the program's `--require` modules listed after this
 * preload do not run: untraced, that thread does not exist, and a preload that prints or starts
 * something would do it once more. Node loads each preload with `Module._load` and a parent
 * module named 'internal/preload', used for nothing else.
 */
function skipLaterPreloads(): void {
  type Load = (request: string, parent: { id?: string } | null | undefined, isMain: boolean) => unknown;
  const loader = Module as unknown as { _load: Load };
  const load = loader._load;
  loader._load = function _load(this: unknown, request, parent, isMain) {
    if (parent?.id === 'internal/preload') return {};
    return Reflect.apply(load, this, [request, parent, isMain]);
  };
}

/** The instrumenter is its own bundle: a run without tracing rules never loads the parser. */
function loadHookBundle(): typeof import('./loadHook') {
  return createRequire(__filename)(path.join(__dirname, 'loadHook.js')) as typeof import('./loadHook');
}

function startMainThread(config: RuntimeConfig): void {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const mainRing = createRingBuffer(config.ringBytes, 0, config.overflow);
  // The registry listens before any other thread exists, so no ring announcement is missed.
  const registry = new workerThreads.BroadcastChannel(registryName(config.session));
  registry.unref();
  const data: DrainData = {
    cinescopeDrain: true,
    config,
    pid: process.pid,
    ppid: process.ppid,
    control,
    mainRing,
  };
  const drain = new workerThreads.Worker(path.join(__dirname, 'drain.js'), {
    workerData: data,
    // No preload in the drain itself: a worker reads NODE_OPTIONS from its own env.
    execArgv: [],
    env: {},
  });
  drain.unref();
  // The drain is ours: its failure ends tracing, never the program (no listener = crash), and
  // the exit does not wait for a drain that is gone.
  let drainAlive = true;
  drain.on('error', () => {});
  drain.on('exit', () => (drainAlive = false));
  const forward = workerThreads.Worker.prototype.postMessage;
  registry.onmessage = (event) => {
    forward.call(drain, (event as { data: DrainMessage }).data);
  };
  // The ES module hooks run on a loader thread that takes the next thread id. Workers register
  // their own, whose ids go into a table every thread inherits.
  if (config.trace.length > 0) {
    registerEsmHooks(config);
    createRuntimeThreadTable();
  }
  if (drain.threadId === DRAIN_THREAD_ID) hideRuntimeThreads(runtimeThreads(config));

  const recorder = new Recorder(new RingWriter(mainRing), 0, config.limits);
  setRecorder(recorder);
  const startPayload: ProcessStartPayload = {
    pid: process.pid,
    ppid: process.ppid,
    argv: process.argv,
    execArgv: process.execArgv,
    cwd: process.cwd(),
    title: process.title,
    nodeVersion: process.version,
    platform: process.platform,
    timeOrigin: performance.timeOrigin,
  };
  recordEvent(EventType.processStart, startPayload);
  recordEvent(EventType.threadStart, { threadId: 0, name: 'main', isMainThread: true });

  captureWorkers();
  ignoreChannel(registry);
  onWorkerExit((tid) => forward.call(drain, { type: 'threadExited', tid } satisfies DrainMessage));
  captureChildProcesses();
  const metrics = config.metricsIntervalMs > 0 ? new MetricsSampler(config.metricsIntervalMs) : undefined;

  captureLifecycle(true, (code, reason, signal) => {
    metrics?.sample();
    metrics?.stop();
    recordEvent(EventType.processExit, { code, reason, signal });
    if (!drainAlive) return;
    // Block the exiting main thread (bounded) until the drain worker sent the last events.
    const flags = new Int32Array(control);
    Atomics.store(flags, Control.flushRequest, 1);
    Atomics.notify(flags, Control.flushRequest);
    Atomics.wait(flags, Control.flushDone, 0, config.flushTimeoutMs + 500);
  });
}

/** How many threads the main thread's runtime starts before the program: the same in every thread. */
function runtimeThreads(config: RuntimeConfig): number {
  return config.trace.length > 0 ? 2 : 1;
}

/** Registers the ES module hooks for this thread; a worker passes its claim in the id table. */
function registerEsmHooks(config: RuntimeConfig, thread?: RuntimeThreadSlot): void {
  // Made before capture is installed: the runtime's own channel is never recorded as a message.
  const { port1, port2 } = new workerThreads.MessageChannel();
  port1.on('message', (message: string) => recordEvent(EventType.warning, { message: String(message) }));
  port1.unref();
  const data: EsmHookData = {
    thread,
    trace: config.trace,
    cwd: config.cwd,
    cacheDir: config.cacheDir,
    warnings: port2,
  };
  // The loader thread gets NODE_OPTIONS too, so this preload runs there: environment data it
  // starts with (removed at once, the program's threads never get it) tells it to stay out.
  workerThreads.setEnvironmentData(LOADER_KEY, true);
  try {
    register(pathToFileURL(path.join(__dirname, 'esmHooks.mjs')), { data, transferList: [port2] });
    keepProgramLoaderThreadIds();
  } finally {
    workerThreads.setEnvironmentData(LOADER_KEY, undefined);
  }
}

/**
 * A worker's ES module hooks: `register` returns once the loader thread has started and written
 * its id into the table; if it could not, the slot is closed so no thread waits for it.
 */
function registerWorkerEsmHooks(config: RuntimeConfig): void {
  const claim = claimRuntimeThread();
  if (typeof claim === 'string') {
    recordEvent(EventType.warning, {
      message: `ES modules are not traced in thread ${workerThreads.threadId}: ${claim}`,
    });
    return;
  }
  try {
    registerEsmHooks(config, claim);
  } catch (error) {
    const reason = (error as Error)?.message ?? String(error);
    recordEvent(EventType.warning, {
      message: `ES modules are not traced in thread ${workerThreads.threadId}: ${reason}`,
    });
  } finally {
    settleRuntimeThread(claim);
  }
}

function startWorkerThread(config: RuntimeConfig): void {
  hideRuntimeThreads(runtimeThreads(config));
  const tid = workerThreads.threadId;
  const sab = createRingBuffer(config.workerRingBytes, tid, config.overflow);
  const ring = new RingWriter(sab);
  postToRegistry(config.session, { type: 'ring', sab });
  setRecorder(new Recorder(ring, tid, config.limits));
  recordEvent(EventType.threadStart, { threadId: tid, name: '', isMainThread: false });
  // Before capture: the hooks' warning channel is the runtime's, never the program's.
  if (config.trace.length > 0) registerWorkerEsmHooks(config);

  captureWorkers();
  // A worker's own workers: tell the drain (through the main thread) when they are gone.
  onWorkerExit((exited) => postToRegistry(config.session, { type: 'threadExited', tid: exited }));
  captureChildProcesses();
  const metrics = config.metricsIntervalMs > 0 ? new MetricsSampler(config.metricsIntervalMs) : undefined;
  captureLifecycle(false, () => {
    metrics?.sample();
    metrics?.stop();
    ring.close();
  });
}

try {
  start();
} catch (error) {
  // The runtime failing must not stop the program from running.
  process.stderr.write(`cinescope: tracing is off: ${(error as Error)?.message ?? error}.\n`);
}

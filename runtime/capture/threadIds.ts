/**
 * The runtime starts threads of its own before the program's code runs — the drain worker, and
 * with tracing rules the ES module loader's hooks thread — and Node numbers threads in creation
 * order, so every thread of the program would get a higher id than untraced. Programs print and
 * compare thread ids, so the runtime shows them the ids they would have had: its own threads are
 * hidden and later ids shifted down, in every thread. Events use the ids the program sees.
 *
 * The main thread's runtime threads are ids 1..hidden. With tracing rules every worker also
 * starts a hooks thread of its own (Node 20 gives each thread that registers module hooks its own
 * loader thread; the main thread's hooks do not load a worker's modules). Those take whatever id
 * is next when the worker starts, racing with the program's other threads, so their ids are kept
 * in a process-wide table: a `SharedArrayBuffer` every thread inherits as environment data.
 */
// The default imports are Node's exports objects themselves, which capture must be able to patch.
import workerThreads from 'node:worker_threads';
import nodeModule from 'node:module';

/** The drain worker's real thread id: it is the first Worker the process creates. */
export const DRAIN_THREAD_ID = 1;

/** The environment data key under which every thread finds the table. */
const TABLE_KEY = 'cinescope.runtimeThreads';
/**
 * Slots of the table (64 KiB). A worker started after they are used up runs its ES modules
 * untraced (its CommonJS still is), and says so.
 */
const CAPACITY = 16_384;
/** Slot 0 counts claimed slots; a slot holds 0 while its thread starts, then its id, or -1. */
const PENDING = 0;
const NONE = -1;
/**
 * How long one read of an id waits, in total, for pending slots. The read is the program's
 * `worker.threadId` getter (on whatever thread the program calls it) or a worker's own start, so
 * this is a stall of the program's thread. A pending slot is normally either filled within a few
 * statements (its loader thread's id is taken and read in the Worker constructor) or not yet
 * created — then its id is higher than the one being read and does not count anyway. Only a
 * worker terminated in between, or a thread descheduled longer than this in that window, leaves a
 * slot pending past the wait; the read then counts it as not below (see docs/runtime.md).
 */
const SETTLE_TIMEOUT_MS = 50;
/** `Date.now` as the runtime loaded, so a program's fake clock cannot stretch the wait. */
const dateNow = Date.now;

let hidden = 0;
let table: Int32Array | undefined;
/**
 * Slots this thread once waited for in vain: it does not wait for them again (a slot left pending
 * by a terminated worker would otherwise cost every later read the whole wait). Once filled, they
 * count like any other.
 */
const givenUp = new Set<number>();
/**
 * The slot this thread claimed while its hooks thread starts. The one Worker made meanwhile is
 * the hooks thread, and Node reads its `threadId` in the constructor, through the getter below,
 * just after the id is taken and before the thread runs. That read fills the slot at once (the
 * hooks thread's own announcement is the fallback), so a worker terminated while its hooks thread
 * starts leaves a slot pending only if stopped in the few statements in between. The read never
 * waits: a thread holding a pending slot waits for
 * nobody, and readers wait only for such threads, so there is no cycle.
 */
let starting: RuntimeThreadSlot | undefined;
/** Visible ids already computed for a Worker: they never change while it runs. */
const visibleIds = new WeakMap<object, number>();

/** A claimed slot: the hooks thread writes its id there (see `announceRuntimeThread`). */
export interface RuntimeThreadSlot {
  table: SharedArrayBuffer;
  slot: number;
}

/** Main thread, with tracing rules, before the program can start a worker: creates the table. */
export function createRuntimeThreadTable(): void {
  const sab = new SharedArrayBuffer((CAPACITY + 1) * Int32Array.BYTES_PER_ELEMENT);
  table = new Int32Array(sab);
  workerThreads.setEnvironmentData(TABLE_KEY, sab);
}

/**
 * Claims a slot for a runtime thread this thread is about to start, before it starts: any thread
 * created after that thread then finds the claim (ids and the claim count are both ordered).
 * Returns a sentence when the thread must not be started.
 */
export function claimRuntimeThread(): RuntimeThreadSlot | string {
  const found = table ?? inheritedTable();
  if (!found) return `the main thread is not traced, so this worker's loader thread could not be hidden`;
  const slot = Atomics.add(found, 0, 1) + 1;
  if (slot > CAPACITY)
    return `more than ${CAPACITY} workers have started, so this worker's ES modules are not traced`;
  starting = { table: found.buffer as SharedArrayBuffer, slot };
  return starting;
}

/** The claimer, once its hooks thread is started or failed to: a slot left empty means none. */
export function settleRuntimeThread(claim: RuntimeThreadSlot): void {
  starting = undefined;
  announceRuntimeThread(claim, NONE);
}

/**
 * Written by the started thread itself, first thing (esmHooks.ts `initialize`), so the id is
 * known before `register` returns.
 */
export function announceRuntimeThread(claim: RuntimeThreadSlot, id: number): void {
  const slots = new Int32Array(claim.table);
  Atomics.compareExchange(slots, claim.slot, PENDING, id);
  Atomics.notify(slots, claim.slot);
}

/** The id the program sees for a real thread id. */
export function visibleThreadId(realId: number): number {
  if (realId <= hidden) return realId;
  return realId - hidden - runtimeThreadsBelow(realId);
}

/** How many workers' hooks threads have a lower id than `realId`. */
function runtimeThreadsBelow(realId: number): number {
  if (!table) return 0;
  const claimed = Math.min(Atomics.load(table, 0), CAPACITY);
  let below = 0;
  let deadline = 0;
  for (let slot = 1; slot <= claimed; slot++) {
    let id = Atomics.load(table, slot);
    if (id === PENDING && !starting && !givenUp.has(slot)) {
      // Its id may be lower than realId: wait until its thread says, within one short budget
      // for the whole read. Left pending, it is not marked empty: its id may still come, and
      // later reads (of other threads too) then count it.
      if (deadline === 0) deadline = dateNow() + SETTLE_TIMEOUT_MS;
      const left = deadline - dateNow();
      if (left > 0 && Atomics.wait(table, slot, PENDING, left) === 'timed-out') givenUp.add(slot);
      id = Atomics.load(table, slot);
    }
    if (id > 0 && id < realId) below++;
  }
  return below;
}

function inheritedTable(): Int32Array | undefined {
  const sab = workerThreads.getEnvironmentData(TABLE_KEY);
  if (sab instanceof SharedArrayBuffer) table = new Int32Array(sab);
  return table;
}

/**
 * Hides the runtime's first `count` threads and the workers' hooks threads: shifts
 * `worker.threadId` and, in a worker, `require('worker_threads').threadId`.
 */
export function hideRuntimeThreads(count: number): void {
  hidden = count;
  inheritedTable();
  const proto = workerThreads.Worker.prototype;
  const descriptor = Object.getOwnPropertyDescriptor(proto, 'threadId');
  const getter = descriptor?.get;
  if (getter) {
    Object.defineProperty(proto, 'threadId', {
      ...descriptor,
      get(this: workerThreads.Worker) {
        const id = getter.call(this) as number;
        if (id < 0) return id;
        if (starting) {
          announceRuntimeThread(starting, id);
          return id;
        }
        let visible = visibleIds.get(this);
        if (visible === undefined) visibleIds.set(this, (visible = visibleThreadId(id)));
        return visible;
      },
    });
  }
  if (!workerThreads.isMainThread) {
    (workerThreads as { threadId: number }).threadId = visibleThreadId(workerThreads.threadId);
  }
}

/**
 * Once the runtime's hooks are registered in this thread, the program's own first
 * `module.register` (its code, or a module it loads with `--import`) reuses the runtime's loader
 * thread, where untraced it would start one and take the next thread id: every later thread
 * would get an id one lower than untraced. So that first call takes an id itself, with a thread
 * that starts nothing (no preload, no `NODE_OPTIONS`) and is terminated at once. Call after the
 * runtime's own `register`, before the program runs.
 */
export function keepProgramLoaderThreadIds(): void {
  const original = nodeModule.register;
  // Node's own class, before capture replaces it: the placeholder is not the program's worker.
  const NodeWorker = workerThreads.Worker;
  let first = true;
  const register = function register(this: unknown, ...args: Parameters<typeof nodeModule.register>) {
    if (first) {
      first = false;
      startPlaceholder(NodeWorker);
    }
    return Reflect.apply(original, this, args) as ReturnType<typeof nodeModule.register>;
  };
  Object.defineProperty(register, 'length', { value: original.length });
  (nodeModule as { register: typeof nodeModule.register }).register = register as typeof nodeModule.register;
}

/** Takes the next thread id, as a loader thread starting here would. */
function startPlaceholder(Worker: typeof workerThreads.Worker): void {
  try {
    const placeholder = new Worker('', { eval: true, env: {}, execArgv: [], stdin: false });
    placeholder.unref();
    void placeholder.terminate().catch(() => {});
  } catch {
    // Thread ids may then differ from untraced; the program goes on regardless.
  }
}

/**
 * The runtime starts threads of its own before the program's code runs — the drain worker, and
 * with tracing rules the ES module loader's hooks thread — and Node numbers threads in creation
 * order, so every thread of the program would get a higher id than untraced. Programs print and
 * compare thread ids, so the runtime shows them the ids they would have had: its own threads
 * (ids 1..hidden) are hidden and later ids shifted down, in every thread. Events use the ids the
 * program sees.
 */
// The default import is Node's exports object itself, which capture must be able to patch.
import workerThreads from 'node:worker_threads';

/** The drain worker's real thread id: it is the first Worker the process creates. */
export const DRAIN_THREAD_ID = 1;

let hidden = 0;

/** The id the program sees for a real thread id. */
export function visibleThreadId(realId: number): number {
  return realId > hidden ? realId - hidden : realId;
}

/**
 * Hides the runtime's first `count` threads: shifts `worker.threadId` and, in a worker,
 * `require('worker_threads').threadId`.
 */
export function hideRuntimeThreads(count: number): void {
  hidden = count;
  const proto = workerThreads.Worker.prototype;
  const descriptor = Object.getOwnPropertyDescriptor(proto, 'threadId');
  const getter = descriptor?.get;
  if (getter) {
    Object.defineProperty(proto, 'threadId', {
      ...descriptor,
      get(this: workerThreads.Worker) {
        const id = getter.call(this) as number;
        return id < 0 ? id : visibleThreadId(id);
      },
    });
  }
  if (!workerThreads.isMainThread) {
    (workerThreads as { threadId: number }).threadId = visibleThreadId(workerThreads.threadId);
  }
}

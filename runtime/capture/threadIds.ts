/**
 * The drain worker is the first thread the runtime starts, so it takes thread id 1 and every
 * thread of the program would get an id one higher than untraced. Programs print and compare
 * thread ids, so the runtime shows them the ids they would have had: the drain's id is hidden and
 * later ids are shifted down by one, in every thread. Events use the same ids the program sees.
 */
// The default import is Node's exports object itself, which capture must be able to patch.
import workerThreads from 'node:worker_threads';

/** The drain worker's real thread id: it is the first Worker the process creates. */
export const DRAIN_THREAD_ID = 1;

/** The id the program sees for a real thread id. */
export function visibleThreadId(realId: number): number {
  return realId > DRAIN_THREAD_ID ? realId - 1 : realId;
}

/** Shifts `worker.threadId` and, in a worker, `require('worker_threads').threadId`. */
export function hideDrainThread(): void {
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

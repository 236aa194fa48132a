/** The contract between the main thread's runtime and the drain worker. */
import type { RuntimeConfig } from './config';

/** What the main thread hands the drain worker. */
export interface DrainData {
  /** Marks the drain worker, so that the runtime never starts inside it. */
  cinescopeDrain: true;
  config: RuntimeConfig;
  pid: number;
  ppid: number;
  control: SharedArrayBuffer;
  mainRing: SharedArrayBuffer;
}

/** Messages to the drain worker: a thread's new ring, or a thread that is gone. */
export type DrainMessage = { type: 'ring'; sab: SharedArrayBuffer } | { type: 'threadExited'; tid: number };

/** Int32 slots of the control block shared with the main thread. */
export const Control = { flushRequest: 0, flushDone: 1 } as const;
export const CONTROL_BYTES = 16;

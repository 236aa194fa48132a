/**
 * How threads of one process tell the drain worker about their rings. Every thread posts on a
 * process-wide BroadcastChannel; the main thread, which listens from before any other thread
 * exists, forwards to the drain worker.
 */
import { BroadcastChannel } from 'node:worker_threads';
import type { DrainMessage } from './drainProtocol';

/** Messages on the registry channel: the main thread forwards them to the drain as they are. */
export type RegistryMessage = DrainMessage;

// Taken before capture wraps it, so the runtime's own messages are never recorded.
const post = BroadcastChannel.prototype.postMessage;

/** The channel name, private to this process's runtime. */
export function registryName(session: string): string {
  return `cinescope-runtime:${session}:${process.pid}`;
}

/** Posts one message to the main thread's registry listener. */
export function postToRegistry(session: string, message: RegistryMessage): void {
  const channel = new BroadcastChannel(registryName(session));
  post.call(channel, message);
  channel.close();
}

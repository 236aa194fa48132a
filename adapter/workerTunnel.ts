/**
 * Worker threads through Node's `NodeWorker` domain: each worker's inspector session travels inside
 * the main thread's connection (`NodeWorker.sendMessageToWorker` out,
 * `NodeWorker.receivedMessageFromWorker` in). Node 20 has no flattened `Target` sessions for
 * workers, so this tunnel gives each worker the same typed API as the main thread. The domain is
 * Node's own, absent from `devtools-protocol`: its few shapes are declared here.
 */
import { EventEmitter } from 'node:events';
import type { CdpApi, CdpClient, CdpTarget, Disposable } from './cdp';
import { CdpClosedError, typedTarget } from './cdp';

/** `NodeWorker.attachedToWorker`. */
export interface AttachedToWorker {
  sessionId: string;
  workerInfo: { workerId: string; type: string; title: string; url: string };
  waitingForDebugger: boolean;
}

interface Pending {
  method: string;
  resolve(result: unknown): void;
  reject(error: Error): void;
}

/** One worker's inspector session, tunnelled through the main connection. */
export class WorkerTunnel {
  readonly api: CdpApi;
  private readonly pending = new Map<number, Pending>();
  private readonly events = new EventEmitter();
  private nextId = 1;
  private closedReason: string | undefined;

  constructor(
    private readonly client: CdpClient,
    readonly sessionId: string,
  ) {
    this.events.setMaxListeners(0);
    const target: CdpTarget = {
      sessionId,
      send: (method, params) => this.send(method, params) as never,
      on: (event, listener) => this.listen(event, listener as (p: unknown) => void),
    };
    this.api = typedTarget(target);
  }

  /** A message from the worker (`NodeWorker.receivedMessageFromWorker`). */
  receive(text: string): void {
    let message: {
      id?: number;
      method?: string;
      params?: unknown;
      result?: unknown;
      error?: { message: string };
    };
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message.id !== undefined) {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      if (message.error) pending.reject(new Error(message.error.message));
      else pending.resolve(message.result ?? {});
    } else if (message.method) {
      for (const listener of this.events.listeners(message.method)) {
        try {
          (listener as (p: unknown) => void)(message.params);
        } catch {
          // A failing listener must not stop the others.
        }
      }
    }
  }

  /** The worker went away: waiting calls reject. */
  close(reason: string): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    for (const [id, pending] of this.pending) {
      this.pending.delete(id);
      pending.reject(new CdpClosedError(pending.method, reason));
    }
    this.events.removeAllListeners();
  }

  private send(method: string, params: unknown): Promise<unknown> {
    if (this.closedReason !== undefined) return Promise.reject(new CdpClosedError(method, this.closedReason));
    const id = this.nextId++;
    const message = JSON.stringify({ id, method, params: params ?? {} });
    return new Promise((resolve, reject) => {
      this.pending.set(id, { method, resolve, reject });
      this.client
        .sendUntyped('NodeWorker.sendMessageToWorker', { sessionId: this.sessionId, message })
        .catch((error: Error) => {
          if (this.pending.delete(id)) reject(error);
        });
    });
  }

  private listen(event: string, listener: (p: unknown) => void): Disposable {
    this.events.on(event, listener);
    return { dispose: () => this.events.off(event, listener) };
  }
}

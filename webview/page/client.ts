/** Requests with ids over a transport: one promise per request, settled by its response or error. */
import type { ResultOf, TimelineQuery } from '../protocol';
import type { Transport } from './transport';

/** A request the host answered with an error: `message` is the host's sentence for the user. */
export class HostError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class Client {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void }>();
  private changed: () => void = () => undefined;

  constructor(private readonly transport: Transport) {
    transport.onMessage((m) => {
      if (m.type === 'traceChanged') return this.changed();
      const waiting = this.pending.get(m.id);
      if (!waiting) return;
      this.pending.delete(m.id);
      if (m.type === 'response') waiting.resolve(m.result);
      else waiting.reject(new HostError(m.code, m.message));
    });
    transport.onClosed((reason) => {
      for (const w of this.pending.values()) w.reject(new HostError('closed', reason));
      this.pending.clear();
    });
  }

  request<Q extends TimelineQuery>(query: Q): Promise<ResultOf<Q['type']>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: unknown) => void, reject });
      this.transport.send({ type: 'request', id, query });
    });
  }

  onTraceChanged(listener: () => void): void {
    this.changed = listener;
  }
}

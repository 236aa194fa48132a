/**
 * A typed Chrome DevTools Protocol client over a WebSocket. `cdp.Debugger.setBreakpointByUrl(p)`
 * sends `Debugger.setBreakpointByUrl`; `cdp.Debugger.on('paused', fn)` listens. The types come from
 * the `devtools-protocol` package. Targets attached with `Target.setAutoAttach({ flatten: true })`
 * (worker threads) are reached through `cdp.session(sessionId)`, which has the same typed API and
 * shares the one socket.
 */
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import type { ProtocolProxyApi } from 'devtools-protocol/types/protocol-proxy-api';
import type { ProtocolMapping } from 'devtools-protocol/types/protocol-mapping';

/** A CDP method name, e.g. `Debugger.enable`. */
export type CdpMethod = keyof ProtocolMapping.Commands;
/** A CDP event name, e.g. `Debugger.paused`. */
export type CdpEvent = keyof ProtocolMapping.Events;
export type CdpParams<M extends CdpMethod> = ProtocolMapping.Commands[M]['paramsType'][0];
export type CdpResult<M extends CdpMethod> = ProtocolMapping.Commands[M]['returnType'];
export type CdpEventParams<E extends CdpEvent> = ProtocolMapping.Events[E] extends [infer P] ? P : undefined;

export interface Disposable {
  dispose(): void;
}

/** The typed API of one target: domains as properties, plus raw access. */
export type CdpApi = ProtocolProxyApi.ProtocolApi & CdpTarget;

export interface CdpTarget {
  /** The flattened session id, or undefined for the connection's own target. */
  readonly sessionId: string | undefined;
  /** Sends any method; resolves with its result, rejects with Error(CDP message) on an error reply. */
  send<M extends CdpMethod>(method: M, params?: CdpParams<M>): Promise<CdpResult<M>>;
  /** Listens to one event of this target; dispose to stop. */
  on<E extends CdpEvent>(event: E, listener: (params: CdpEventParams<E>) => void): Disposable;
}

interface Pending {
  method: string;
  resolve(result: unknown): void;
  reject(error: Error): void;
}

/** Raised for calls still waiting, or made, after the connection closed. */
export class CdpClosedError extends Error {
  constructor(method: string, reason: string) {
    super(`CDP connection closed (${reason}) before ${method} answered.`);
  }
}

// Declaration merging: a CdpClient has every domain as a typed property (served by a Proxy).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface CdpClient extends ProtocolProxyApi.ProtocolApi {}

/**
 * One WebSocket connection to an inspector; also the typed API of its own target. Create with
 * `CdpClient.connect(url)`.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class CdpClient {
  private readonly pending = new Map<number, Pending>();
  private readonly events = new EventEmitter();
  private readonly sessions = new Map<string, CdpApi>();
  private nextId = 1;
  private closedReason: string | undefined;
  private readonly closeListeners = new Set<(reason: string) => void>();
  private listenerError: (error: unknown) => void = () => {};
  /** The connection's own target. */
  readonly sessionId: string | undefined = undefined;

  private constructor(private readonly socket: WebSocket) {
    this.events.setMaxListeners(0);
    socket.on('message', (data) => this.receive(String(data)));
    socket.on('error', (error) => this.closed(`error: ${error.message}`));
    socket.on('close', () => this.closed('the debuggee went away'));
    const api = typedTarget({
      sessionId: undefined,
      send: (method, params) => this.sendRaw(method, params, undefined),
      on: (event, listener) => this.listen(event, listener as (p: unknown) => void, undefined),
    });
    // Unknown properties are CDP domains: `client.Debugger` is the Debugger domain of this target.
    return new Proxy(this, {
      get: (client, property, receiver) =>
        typeof property !== 'string' || property in client
          ? Reflect.get(client, property, receiver)
          : Reflect.get(api, property),
    });
  }

  /** Connects to an inspector's `ws://` URL; rejects with a sentence when it cannot. */
  static connect(url: string, timeoutMs = 10_000): Promise<CdpClient> {
    return new Promise((resolve, reject) => {
      // The inspector's messages can be large (scripts' sources); no payload limit of our own.
      const socket = new WebSocket(url, { perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new Error(`Cannot connect to the inspector at ${url}: no answer in ${timeoutMs} ms.`));
      }, timeoutMs);
      socket.once('open', () => {
        clearTimeout(timer);
        resolve(new CdpClient(socket));
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`Cannot connect to the inspector at ${url}: ${error.message}.`));
      });
    });
  }

  /** Whether the connection is closed; the sentence says why. */
  get closeReason(): string | undefined {
    return this.closedReason;
  }

  /** The typed API of a flattened target session. */
  session(sessionId: string): CdpApi {
    let api = this.sessions.get(sessionId);
    if (!api) {
      api = typedTarget({
        sessionId,
        send: (method, params) => this.sendRaw(method, params, sessionId),
        on: (event, listener) => this.listen(event, listener as (p: unknown) => void, sessionId),
      });
      this.sessions.set(sessionId, api);
    }
    return api;
  }

  /** Sends a method of a domain `devtools-protocol` does not describe (Node's `NodeWorker`). */
  sendUntyped(method: string, params: object): Promise<unknown> {
    return this.sendRaw(method, params, undefined);
  }

  /** Listens to an event of a domain `devtools-protocol` does not describe. */
  onUntyped(event: string, listener: (params: unknown) => void): Disposable {
    return this.listen(event, listener, undefined);
  }

  /** Sends a method to the connection's target or to a flattened session. */
  send<M extends CdpMethod>(method: M, params?: CdpParams<M>, sessionId?: string): Promise<CdpResult<M>> {
    return this.sendRaw(method, params, sessionId);
  }

  /** Listens to one event of the connection's own target; dispose to stop. */
  on<E extends CdpEvent>(event: E, listener: (params: CdpEventParams<E>) => void): Disposable {
    return this.listen(event, listener as (p: unknown) => void, undefined);
  }

  /** Where exceptions thrown by event listeners go (they never stop the other listeners). */
  onListenerError(handler: (error: unknown) => void): void {
    this.listenerError = handler;
  }

  /** Called once when the connection closes or fails, with the reason. */
  onClose(listener: (reason: string) => void): Disposable {
    if (this.closedReason !== undefined) {
      const reason = this.closedReason;
      queueMicrotask(() => listener(reason));
      return { dispose: () => {} };
    }
    this.closeListeners.add(listener);
    return { dispose: () => this.closeListeners.delete(listener) };
  }

  /** Closes the connection; waiting calls reject. */
  close(): void {
    if (this.closedReason === undefined) {
      this.socket.close();
      this.closed('closed by the debugger');
    }
  }

  private sendRaw(method: string, params: unknown, sessionId: string | undefined): Promise<never> {
    if (this.closedReason !== undefined) {
      return Promise.reject(new CdpClosedError(method, this.closedReason));
    }
    const id = this.nextId++;
    const message = JSON.stringify({ id, method, params: params ?? {}, ...(sessionId ? { sessionId } : {}) });
    return new Promise<never>((resolve, reject) => {
      this.pending.set(id, { method, resolve: resolve as (r: unknown) => void, reject });
      this.socket.send(message, (error) => {
        if (error && this.pending.delete(id)) reject(new CdpClosedError(method, error.message));
      });
    });
  }

  private listen(event: string, listener: (p: unknown) => void, sessionId: string | undefined): Disposable {
    const key = eventKey(event, sessionId);
    this.events.on(key, listener);
    return { dispose: () => this.events.off(key, listener) };
  }

  private receive(text: string): void {
    let message: {
      id?: number;
      method?: string;
      params?: unknown;
      result?: unknown;
      error?: { message: string; data?: string };
      sessionId?: string;
    };
    try {
      message = JSON.parse(text);
    } catch {
      return; // not CDP; nothing to answer
    }
    if (message.id !== undefined) {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      if (message.error) {
        const detail = message.error.data ? ` (${message.error.data})` : '';
        pending.reject(new Error(`${message.error.message}${detail}`));
      } else {
        pending.resolve(message.result ?? {});
      }
    } else if (message.method) {
      const key = eventKey(message.method, message.sessionId);
      // A throwing listener must not stop the others or the socket's message loop.
      for (const listener of this.events.listeners(key)) {
        try {
          (listener as (p: unknown) => void)(message.params);
        } catch (error) {
          this.listenerError(error);
        }
      }
      if (message.method === 'Target.detachedFromTarget') {
        const detached = (message.params as { sessionId?: string }).sessionId;
        if (detached) this.sessions.delete(detached);
      }
    }
  }

  private closed(reason: string): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    for (const [id, pending] of this.pending) {
      this.pending.delete(id);
      pending.reject(new CdpClosedError(pending.method, reason));
    }
    for (const listener of this.closeListeners) listener(reason);
    this.closeListeners.clear();
    this.events.removeAllListeners();
  }
}

function eventKey(event: string, sessionId: string | undefined): string {
  return sessionId ? `${sessionId}\u0000${event}` : event;
}

/**
 * The typed API over any target: `api.Debugger.enable()` calls `target.send('Debugger.enable')`,
 * `api.Debugger.on('paused', fn)` calls `target.on('Debugger.paused', fn)`.
 */
export function typedTarget(target: CdpTarget): CdpApi {
  const domains = new Map<string, unknown>();
  const domain = (name: string) =>
    new Proxy(
      {},
      {
        get: (_t, member) => {
          if (typeof member !== 'string' || member === 'then') return undefined; // not a thenable
          if (member === 'on') {
            return (event: string, listener: (p: unknown) => void) =>
              target.on(`${name}.${event}` as CdpEvent, listener as never);
          }
          return (params?: unknown) => target.send(`${name}.${member}` as CdpMethod, params as never);
        },
      },
    );
  return new Proxy(target, {
    get: (t, property) => {
      if (typeof property !== 'string' || property in t) return Reflect.get(t, property);
      if (!/^[A-Z]/.test(property)) return undefined;
      let api = domains.get(property);
      if (!api) domains.set(property, (api = domain(property)));
      return api;
    },
  }) as CdpApi;
}

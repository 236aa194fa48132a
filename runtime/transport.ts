/**
 * The drain worker's WebSocket to the collector: connects with the session token, says hello,
 * sends binary batches, reconnects with backoff when the connection drops. The drain decides
 * what to send and when; this class only moves bytes.
 */
import WebSocket from 'ws';
import type { RuntimeConfig } from './config';
import type { RuntimeControlMessage } from './eventSchema';

const MIN_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 2000;

export class Transport {
  private socket: WebSocket | undefined;
  private backoff = MIN_BACKOFF_MS;
  private readonly waiters: Array<(open: boolean) => void> = [];

  constructor(
    private readonly config: RuntimeConfig,
    private readonly hello: RuntimeControlMessage,
  ) {}

  get open(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Bytes handed to the socket and not yet written. */
  get buffered(): number {
    return this.socket?.bufferedAmount ?? 0;
  }

  connect(): void {
    const url = new URL(this.config.url);
    url.searchParams.set('token', this.config.token);
    const socket = new WebSocket(url, { perMessageDeflate: false });
    this.socket = socket;
    socket.on('open', () => {
      this.backoff = MIN_BACKOFF_MS;
      socket.send(JSON.stringify(this.hello));
      this.settle(true);
    });
    // 'close' follows 'error'; reconnect once, from 'close'.
    socket.on('error', () => {});
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      setTimeout(() => this.connect(), this.backoff).unref();
      this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
    });
  }

  send(batch: Uint8Array): void {
    this.socket?.send(batch, { binary: true });
  }

  /** Resolves true once connected, false if that takes longer than the flush timeout. */
  whenOpen(): Promise<boolean> {
    if (this.open) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = (open: boolean) => {
        clearTimeout(timer);
        resolve(open);
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        resolve(false);
      }, this.config.flushTimeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Resolves when everything sent so far has been written to the socket (or it closed). */
  async drained(): Promise<void> {
    while (this.open && this.buffered > 0) await new Promise((r) => setTimeout(r, 1));
  }

  private settle(open: boolean): void {
    for (const waiter of this.waiters.splice(0)) waiter(open);
  }
}

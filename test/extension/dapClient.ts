/**
 * A minimal DAP client over in-memory streams, standing in for VS Code's side of an inline
 * adapter: it frames requests, matches responses by seq and collects events. The adapter is real.
 */
import { PassThrough } from 'node:stream';
import type { DebugSession } from '@vscode/debugadapter';

export interface DapMessage {
  seq: number;
  type: 'request' | 'response' | 'event';
  command?: string;
  event?: string;
  request_seq?: number;
  success?: boolean;
  message?: string;
  body?: any;
}

export class DapClient {
  readonly events: DapMessage[] = [];
  private readonly toAdapter = new PassThrough();
  private readonly fromAdapter = new PassThrough();
  private readonly waiting = new Map<number, (m: DapMessage) => void>();
  private readonly eventWaiters: Array<{
    match: (m: DapMessage) => boolean;
    resolve: (m: DapMessage) => void;
  }> = [];
  private buffer = Buffer.alloc(0);
  private seq = 1;

  constructor(session: DebugSession) {
    this.fromAdapter.on('data', (chunk: Buffer) => this.receive(chunk));
    session.start(this.toAdapter, this.fromAdapter);
  }

  request(command: string, args?: unknown): Promise<DapMessage> {
    const seq = this.seq++;
    const json = JSON.stringify({ seq, type: 'request', command, arguments: args });
    // Registered before writing: the adapter may answer synchronously, inside `write`.
    const answered = new Promise<DapMessage>((resolve) => this.waiting.set(seq, resolve));
    this.toAdapter.write(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
    return answered;
  }

  /** Resolves with the first event (past or future) named `name` that `match` accepts. */
  event(name: string, match: (m: DapMessage) => boolean = () => true): Promise<DapMessage> {
    const test = (m: DapMessage) => m.event === name && match(m);
    const seen = this.events.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.eventWaiters.push({ match: test, resolve }));
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, end).toString())?.[1]);
      if (this.buffer.length < end + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(end + 4, end + 4 + length).toString()) as DapMessage;
      this.buffer = this.buffer.subarray(end + 4 + length);
      if (message.type === 'response') {
        this.waiting.get(message.request_seq!)?.(message);
        this.waiting.delete(message.request_seq!);
      } else if (message.type === 'event') {
        this.events.push(message);
        for (const waiter of [...this.eventWaiters]) {
          if (waiter.match(message)) {
            this.eventWaiters.splice(this.eventWaiters.indexOf(waiter), 1);
            waiter.resolve(message);
          }
        }
      }
    }
  }
}

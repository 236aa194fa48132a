/**
 * A DAP client for the adapter tests: runs the real CinescopeSession in this process on a pair of
 * in-memory streams, sends requests, waits for events (never for time) and keeps a transcript of
 * what the test chose to record, compared with a golden file in test/golden/dap/.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { PassThrough } from 'node:stream';
import type { Writable } from 'node:stream';
import { expect } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { CinescopeSession } from '../../adapter/session';
import type { CinescopeSessionOptions } from '../../adapter/session';
import { PRELOAD, ROOT } from '../helpers';

export const FIXTURES = join(ROOT, 'test', 'adapter', 'fixtures');
const GOLDEN = join(ROOT, 'test', 'golden', 'dap');

type Message = DebugProtocol.ProtocolMessage & Record<string, any>;

export class DapClient {
  /** The session when it runs in this process; undefined over a child's stdio. */
  readonly session: CinescopeSession | undefined;
  private readonly toAdapter: Writable;
  private buffer = Buffer.alloc(0);
  private seq = 1;
  private readonly waiting = new Map<number, (response: DebugProtocol.Response) => void>();
  private readonly events: DebugProtocol.Event[] = [];
  private readonly eventWaiters: { name: string; resolve: (e: DebugProtocol.Event) => void }[] = [];
  private readonly lines: string[] = [];
  /** Text of every output event, in order. */
  output = '';
  /** How many events of each name arrived, consumed or not. */
  private readonly counts = new Map<string, number>();
  /** Replacements that make the transcript independent of the machine. */
  private readonly replacements: [RegExp | string, string][] = [];

  /** In process by default; `adapter` speaks DAP over a child process's stdin and stdout instead. */
  constructor(options: Partial<CinescopeSessionOptions> & { adapter?: ChildProcess } = {}) {
    if (options.adapter) {
      this.toAdapter = options.adapter.stdin!;
      options.adapter.stdout!.on('data', (chunk: Buffer) => this.receive(chunk));
    } else {
      const toAdapter = new PassThrough();
      const fromAdapter = new PassThrough();
      this.toAdapter = toAdapter;
      this.session = new CinescopeSession({ preloadPath: PRELOAD, ...options });
      // As a server the session never ends the process (it would end the test runner's worker).
      this.session.setRunAsServer(true);
      this.session.start(toAdapter, fromAdapter);
      // The protocol layer turns exceptions in request handlers into an 'error' event: fail loudly.
      this.session.on('error', (event: DebugProtocol.Event) => {
        throw new Error(`The adapter failed: ${JSON.stringify(event.body)}`);
      });
      fromAdapter.on('data', (chunk: Buffer) => this.receive(chunk));
    }
    this.normalize(FIXTURES, '${fixtures}');
    this.normalize(ROOT, '${root}');
  }

  /** Replaces `text` by `name` in the transcript. */
  normalize(text: RegExp | string, name: string): void {
    this.replacements.push([text, name]);
  }

  /** Sends a request; resolves with the response, failed or not. */
  request<T extends DebugProtocol.Response = DebugProtocol.Response>(
    command: string,
    args?: unknown,
  ): Promise<T> {
    const seq = this.seq++;
    const message = JSON.stringify({ seq, type: 'request', command, arguments: args });
    if (process.env.CINESCOPE_DAP_TRACE) console.error('->', message.slice(0, 300));
    // Registered first: the in-memory streams may answer within write().
    const answered = new Promise<T>((resolve) =>
      this.waiting.set(seq, resolve as (r: DebugProtocol.Response) => void),
    );
    this.toAdapter.write(`Content-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`);
    return answered;
  }

  /** Sends a request that must succeed; returns its body. */
  async ok<B = any>(command: string, args?: unknown): Promise<B> {
    const response = await this.request(command, args);
    if (!response.success) throw new Error(`${command} failed: ${response.message}`);
    return response.body as B;
  }

  /** The next event of that name not consumed yet (waits for it). */
  event<E extends DebugProtocol.Event = DebugProtocol.Event>(name: string): Promise<E> {
    const index = this.events.findIndex((e) => e.event === name);
    if (index >= 0) return Promise.resolve(this.events.splice(index, 1)[0] as E);
    return new Promise((resolve) =>
      this.eventWaiters.push({ name, resolve: resolve as (e: DebugProtocol.Event) => void }),
    );
  }

  /** How many events of that name arrived so far. */
  eventsSeen(name: string): number {
    return this.counts.get(name) ?? 0;
  }

  /** Waits until the output so far contains `text`. */
  async outputContaining(text: string): Promise<string> {
    while (!this.output.includes(text)) await this.event('output');
    return this.output;
  }

  /** initialize + launch/attach + breakpoints + configurationDone, the order VS Code uses. */
  async start(
    request: 'launch' | 'attach',
    config: Record<string, unknown>,
    breakpoints: Record<string, DebugProtocol.SourceBreakpoint[]> = {},
    exceptionFilters: string[] = [],
  ): Promise<void> {
    await this.ok('initialize', {
      adapterID: 'cinescope',
      linesStartAt1: true,
      columnsStartAt1: true,
      pathFormat: 'path',
    });
    const started = this.request(request, config);
    const initialized = this.event('initialized');
    const first = await Promise.race([started, initialized]);
    if ('success' in first && !first.success) throw new Error(`${request} failed: ${first.message}`);
    await initialized;
    for (const [file, list] of Object.entries(breakpoints)) {
      const body = await this.ok('setBreakpoints', { source: { path: file }, breakpoints: list });
      this.record(`setBreakpoints ${file}`, body);
    }
    await this.ok('setExceptionBreakpoints', { filters: exceptionFilters });
    await this.ok('configurationDone');
    const response = await started;
    if (!response.success) throw new Error(`${request} failed: ${response.message}`);
  }

  /** Waits for a stop and records it with the top frames of its stack. */
  async stopped(frames = 2): Promise<DebugProtocol.StackFrame[]> {
    const stop = await this.event<DebugProtocol.StoppedEvent>('stopped');
    this.record('stopped', stop.body);
    const { stackFrames } = await this.ok('stackTrace', {
      threadId: stop.body.threadId,
      startFrame: 0,
      levels: frames,
    });
    this.record('stackTrace', (stackFrames as DebugProtocol.StackFrame[]).map(frameLine));
    return stackFrames;
  }

  /** Adds a labelled value to the transcript. */
  record(label: string, value: unknown): void {
    const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
    this.lines.push(`## ${label}\n${text}\n`);
  }

  /** Compares the transcript with test/golden/dap/<name>.txt (CINESCOPE_UPDATE_GOLDEN=1 writes it). */
  expectGolden(name: string): void {
    let text = this.lines.join('\n');
    for (const [from, to] of this.replacements) text = text.split(from as string).join(to);
    text = text.replace(/ws:\/\/127\.0\.0\.1:\d+\/[\w-]+/g, 'ws://127.0.0.1:${port}/${id}');
    const file = join(GOLDEN, `${name}.txt`);
    if (process.env.CINESCOPE_UPDATE_GOLDEN === '1' || !existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      if (process.env.CINESCOPE_UPDATE_GOLDEN !== '1') {
        throw new Error(`Wrote the missing golden file ${file}; check it and run again.`);
      }
      return;
    }
    expect(text).toBe(readFileSync(file, 'utf8'));
  }

  /** Ends the session if the test did not, so that no program outlives its test. */
  async dispose(): Promise<void> {
    await Promise.race([
      this.request('disconnect', { terminateDebuggee: true }),
      new Promise((resolve) => setTimeout(resolve, 10_000).unref()),
    ]);
    this.session?.dispose();
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/.exec(this.buffer.subarray(0, headerEnd).toString())?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const body = this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8');
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      this.dispatch(JSON.parse(body) as Message);
    }
  }

  private dispatch(message: Message): void {
    if (process.env.CINESCOPE_DAP_TRACE) console.error('<-', JSON.stringify(message).slice(0, 300));
    if (message.type === 'response') {
      const resolve = this.waiting.get(message.request_seq);
      this.waiting.delete(message.request_seq);
      resolve?.(message as DebugProtocol.Response);
    } else if (message.type === 'event') {
      const event = message as DebugProtocol.Event;
      this.counts.set(event.event, (this.counts.get(event.event) ?? 0) + 1);
      if (event.event === 'output') this.output += (event.body as { output: string }).output;
      const waiter = this.eventWaiters.findIndex((w) => w.name === event.event);
      if (waiter >= 0) this.eventWaiters.splice(waiter, 1)[0].resolve(event);
      else this.events.push(event);
    }
  }
}

/** `name  file:line:column` for a stack frame, short enough to read in a golden file. */
export function frameLine(frame: DebugProtocol.StackFrame): string {
  // Lines inside Node's own modules change with every Node version.
  if (!frame.source?.path) return `${frame.name}  <${frame.source?.name ?? '?'}>`;
  return `${frame.name}  ${frame.source.path}:${frame.line}:${frame.column}`;
}

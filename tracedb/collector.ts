/**
 * The collector: a WebSocket server on loopback that takes event batches from traced processes
 * and ingests them into a TraceDB. It demands the session's random token, accepts only Cinescope
 * batches, and refuses anything else with a reason instead of crashing.
 *
 * Receiving and storing are decoupled: a batch's structure is checked on receipt, then it waits
 * in a bounded queue and is decoded and ingested in time slices. So a burst is absorbed at
 * socket speed instead of slowing the program's drain to the database's pace. Memory is bounded
 * twice — queued bytes and stored events — and whatever either bound refuses is counted and
 * recorded as dropped, never lost silently.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { WebSocketServer } from 'ws';
import type { RawData, WebSocket } from 'ws';
import { EventType, MAX_BATCH_BYTES, SCHEMA_VERSION } from '../runtime/eventSchema';
import type { RuntimeControlMessage } from '../runtime/eventSchema';
import { checkBatch, decodeBatch } from './batchDecoder';
import { TraceError } from './errors';
import type { TraceDb } from './traceDb';
import type { TraceEvent } from './traceEvent';

export interface CollectorOptions {
  db: TraceDb;
  /** The session token; a random one is made when absent. */
  token?: string;
  /** Events stored at most; the rest are counted as dropped. */
  maxEvents?: number;
  /** Bytes of received batches waiting to be stored at most; the rest are counted as dropped. */
  maxQueuedBytes?: number;
  /**
   * Store batches only when asked (`stored()`, `idle()`, `close()`) or when the queue is half
   * full, instead of as they come. On a machine with few cores the program then does not compete
   * with the database while it runs; the recorder uses it, a live view does not.
   */
  deferStoring?: boolean;
  /** Called after each ingested batch, e.g. to update a status bar. */
  onIngest?: (count: number) => void;
}

/** What the collector did, for summaries and status bars. */
export interface CollectorStats {
  events: number;
  batches: number;
  connections: number;
  rejected: number;
  storeDropped: number;
}

const MAX_PROBLEMS = 20;

export class Collector {
  readonly token: string;
  readonly stats: CollectorStats = { events: 0, batches: 0, connections: 0, rejected: 0, storeDropped: 0 };
  /** Sentences describing refused connections and frames (bounded). */
  readonly problems: string[] = [];
  private readonly open = new Set<WebSocket>();
  private readonly storeDroppedByPid = new Map<number, number>();
  private readonly maxEvents: number;
  private readonly maxQueuedBytes: number;
  private readonly queue: Uint8Array[] = [];
  private queuedBytes = 0;
  private ingesting = false;

  private constructor(
    private readonly options: CollectorOptions,
    private readonly server: Server,
    private readonly wss: WebSocketServer,
  ) {
    this.token = options.token ?? randomBytes(24).toString('hex');
    this.maxEvents = options.maxEvents ?? 20_000_000;
    this.maxQueuedBytes = options.maxQueuedBytes ?? 512 * 1024 * 1024;
  }

  /** Starts a collector on 127.0.0.1 with a random port. */
  static async start(options: CollectorOptions): Promise<Collector> {
    const server = createServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain' }).end('Cinescope collector: WebSocket only.\n');
    });
    const wss = new WebSocketServer({
      noServer: true,
      maxPayload: MAX_BATCH_BYTES,
      perMessageDeflate: false,
    });
    const collector = new Collector(options, server, wss);
    server.on('upgrade', (req, socket, head) => collector.upgrade(req, socket as Socket, head));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return collector;
  }

  /** The URL the runtime connects to (the token travels separately). */
  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `ws://127.0.0.1:${port}/`;
  }

  get connections(): number {
    return this.open.size;
  }

  /**
   * Resolves when no process is connected any more (or after `timeoutMs`) and everything received
   * is stored.
   */
  async idle(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.open.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await this.stored();
  }

  /** Resolves once every batch received so far is in the TraceDB. */
  async stored(): Promise<void> {
    this.startStoring();
    while (this.queue.length > 0 || this.ingesting) await new Promise((r) => setTimeout(r, 5));
  }

  /** Closes every connection; runtimes reconnect on their own (used to detach and in tests). */
  dropConnections(): void {
    for (const socket of this.open) socket.terminate();
  }

  /** Stops listening, closes connections, and records what the store had to drop. */
  async close(): Promise<void> {
    for (const socket of this.open) socket.terminate();
    this.wss.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.stored();
    this.recordStoreDrops();
  }

  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const refuse = (status: number, why: string) => {
      this.problem(`Refused a connection: ${why}.`);
      socket.end(`HTTP/1.1 ${status} ${why}\r\nConnection: close\r\n\r\n`);
    };
    // Browsers send an Origin; the runtime does not. No web page may talk to the collector.
    if (req.headers.origin) return refuse(403, 'browser origin');
    const token = new URL(req.url ?? '/', 'ws://127.0.0.1').searchParams.get('token') ?? '';
    if (!sameToken(token, this.token)) return refuse(401, 'wrong or missing session token');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  private accept(ws: WebSocket): void {
    this.open.add(ws);
    this.stats.connections++;
    let hello: RuntimeControlMessage | undefined;
    ws.on('close', () => this.open.delete(ws));
    ws.on('error', (error) => this.problem(`A connection failed: ${error.message}.`));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      try {
        if (!hello) {
          hello = parseHello(data, isBinary);
          return;
        }
        if (!isBinary) throw new TraceError('bad-batch', 'Expected a binary batch, got text.');
        const bytes = toBytes(data);
        const shape = checkBatch(bytes);
        if (shape.pid !== hello.pid) {
          throw new TraceError(
            'bad-batch',
            `A batch for pid ${shape.pid} arrived on the connection of pid ${hello.pid}.`,
          );
        }
        this.enqueue(bytes, shape.pid, shape.count);
      } catch (error) {
        this.stats.rejected++;
        const message = error instanceof TraceError ? error.message : `Unexpected error: ${String(error)}`;
        this.problem(`Closed a connection: ${message}`);
        ws.close(
          error instanceof TraceError && error.code === 'unknown-version' ? 1002 : 1007,
          message.slice(0, 120),
        );
      }
    });
  }

  private enqueue(bytes: Uint8Array, pid: number, count: number): void {
    if (this.queuedBytes + bytes.length > this.maxQueuedBytes) {
      this.countStoreDrops(pid, count);
      return;
    }
    this.queue.push(bytes);
    this.queuedBytes += bytes.length;
    if (!this.options.deferStoring || this.queuedBytes > this.maxQueuedBytes / 2) this.startStoring();
  }

  private startStoring(): void {
    if (this.ingesting || this.queue.length === 0) return;
    this.ingesting = true;
    setImmediate(() => this.drainQueue());
  }

  /** Stores queued batches for up to ~50 ms at a time, so sockets keep being served. */
  private drainQueue(): void {
    const until = Date.now() + 50;
    while (this.queue.length > 0 && Date.now() < until) {
      const bytes = this.queue.shift()!;
      this.queuedBytes -= bytes.length;
      try {
        this.ingest(decodeBatch(bytes).events);
      } catch (error) {
        // checkBatch accepted it, so this is our bug; say so rather than lose it silently.
        this.problem(`Could not store a batch: ${String(error)}`);
      }
    }
    if (this.queue.length > 0) setImmediate(() => this.drainQueue());
    else this.ingesting = false;
  }

  private countStoreDrops(pid: number, count: number): void {
    this.storeDroppedByPid.set(pid, (this.storeDroppedByPid.get(pid) ?? 0) + count);
    this.stats.storeDropped += count;
  }

  private ingest(events: TraceEvent[]): void {
    const room = this.maxEvents - this.stats.events;
    let kept = events;
    if (events.length > room) {
      kept = events.slice(0, Math.max(0, room));
      for (const event of events.slice(kept.length)) this.countStoreDrops(event.pid, 1);
    }
    if (kept.length === 0) return;
    this.options.db.ingest(kept);
    this.stats.events += kept.length;
    this.stats.batches++;
    this.options.onIngest?.(kept.length);
  }

  /** Drops of the store itself are recorded like any other drop, once, at the end. */
  private recordStoreDrops(): void {
    const events: TraceEvent[] = [];
    for (const [pid, count] of this.storeDroppedByPid) {
      const payload = JSON.stringify({ count, bytes: 0, reason: 'store-full' });
      events.push({
        pid,
        tid: 0,
        eid: 0,
        parent: 0,
        site: 0,
        corr: 0,
        ts: Date.now(),
        type: EventType.dropped,
        flags: 0,
        payload,
      });
    }
    this.storeDroppedByPid.clear();
    if (events.length) this.options.db.ingest(events);
  }

  private problem(sentence: string): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(sentence);
  }
}

function parseHello(data: RawData, isBinary: boolean): RuntimeControlMessage {
  if (isBinary) throw new TraceError('bad-batch', 'The first message must be a hello, got binary data.');
  let hello: Partial<RuntimeControlMessage>;
  try {
    hello = JSON.parse(toBytes(data).toString());
  } catch {
    throw new TraceError('bad-batch', 'The hello message is not JSON.');
  }
  if (hello?.type !== 'hello' || !Number.isInteger(hello.pid)) {
    throw new TraceError('bad-batch', 'The first message is not a valid hello.');
  }
  if (hello.schemaVersion !== SCHEMA_VERSION) {
    throw new TraceError(
      'unknown-version',
      `The program's runtime speaks event schema ${hello.schemaVersion}; this collector speaks ${SCHEMA_VERSION}.`,
    );
  }
  return hello as RuntimeControlMessage;
}

function toBytes(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

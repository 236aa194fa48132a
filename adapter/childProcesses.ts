/**
 * The adapter's end of child-process debugging (see childDebug.ts): a loopback HTTP endpoint with a
 * random token where children started by the debugged program announce their inspector, waiting
 * paused until the session has connected to them and set their breakpoints.
 *
 * The answer to an announcement is the acknowledgement the child's watchdog waits for: 204 once
 * the session has the child (and let it run), 503 when it could not connect. Anything else — a
 * refusal, no answer within the deadline — makes the watchdog let the child run undebugged, so a
 * child never waits forever for a debugger that will not come.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { DEFAULT_ACK_DEADLINE_MS } from './childDebugProtocol';
import type { ChildAnnouncement, ChildEndpointValue } from './childDebugProtocol';

/** The largest announcement accepted: a pid, a URL and a script path. */
const MAX_BODY = 64 * 1024;

/**
 * Takes an announced child: resolves true once the session debugs it (and released it), false
 * when it could not. `void` acknowledges at once (the session takes the child asynchronously).
 */
export type ChildAttached = (child: ChildAnnouncement) => Promise<boolean> | void;

/** Compares the authorization header with the token in constant time (no timing oracle). */
function authorized(header: string | undefined, token: string): boolean {
  const expected = Buffer.from(`Bearer ${token}`);
  const given = Buffer.from(header ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export class ChildEndpoint {
  private constructor(
    private readonly server: Server,
    readonly token: string,
    /** How long a child's watchdog waits for the acknowledgement before letting the child run. */
    readonly ackDeadlineMs: number,
  ) {}

  /** Listens on 127.0.0.1; `attached` is called for each child that announces itself. */
  static async start(
    attached: ChildAttached,
    ackDeadlineMs = DEFAULT_ACK_DEADLINE_MS,
  ): Promise<ChildEndpoint> {
    const token = randomBytes(24).toString('hex');
    const server = createServer((req, res) => {
      if (req.method !== 'POST' || !authorized(req.headers.authorization, token)) {
        res.writeHead(403).end();
        req.resume();
        return;
      }
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => {
        body += chunk;
        if (body.length > MAX_BODY) req.destroy();
      });
      req.on('end', () => {
        const child = parseAnnouncement(body);
        if (!child) {
          res.writeHead(400).end();
          return;
        }
        let taken: Promise<boolean> | void;
        try {
          taken = attached(child);
        } catch {
          taken = Promise.resolve(false);
        }
        if (!taken) {
          res.writeHead(204).end();
          return;
        }
        const answer = (status: number) => {
          // The watchdog may have given up waiting and gone; then there is no one to answer.
          if (!res.destroyed && !res.writableEnded) res.writeHead(status).end();
        };
        taken.then(
          (ok) => answer(ok ? 204 : 503),
          () => answer(503),
        );
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return new ChildEndpoint(server, token, ackDeadlineMs);
  }

  /** The value of CINESCOPE_CHILD_DEBUG for the launched program. */
  get environmentValue(): string {
    const { port } = this.server.address() as AddressInfo;
    const value: ChildEndpointValue = {
      url: `http://127.0.0.1:${port}/child`,
      token: this.token,
      ackDeadlineMs: this.ackDeadlineMs,
    };
    return JSON.stringify(value);
  }

  close(): void {
    this.server.close();
    this.server.closeAllConnections();
  }
}

function parseAnnouncement(text: string): ChildAnnouncement | undefined {
  try {
    const value = JSON.parse(text) as Partial<ChildAnnouncement>;
    if (
      Number.isInteger(value.pid) &&
      typeof value.inspectorUrl === 'string' &&
      /^ws:\/\/127\.0\.0\.1:\d+\//.test(value.inspectorUrl) &&
      typeof value.script === 'string'
    ) {
      return value as ChildAnnouncement;
    }
  } catch {
    // not JSON
  }
  return undefined;
}

/** What the launch needs for child processes: the bootloader to preload and its variable's value. */
export interface ChildDebugging {
  bootloader: string;
  environmentValue: string;
}

/**
 * Starts the endpoint for a launch; the bootloader is bundled next to the runtime preload. A
 * sentence for the Debug Console when child processes cannot be debugged.
 */
export async function startChildDebugging(
  preloadPath: string,
  attached: ChildAttached,
): Promise<(ChildDebugging & { endpoint: ChildEndpoint }) | string> {
  const bootloader = path.join(path.dirname(preloadPath), 'childDebug.js');
  if (!existsSync(bootloader)) {
    return `Child processes will not be debugged: ${bootloader} is missing (run \`npm run build\`).`;
  }
  const endpoint = await ChildEndpoint.start(attached);
  return { endpoint, bootloader, environmentValue: endpoint.environmentValue };
}

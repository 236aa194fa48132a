/**
 * The adapter's end of child-process debugging (see childDebug.ts): a loopback HTTP endpoint with a
 * random token where children started by the debugged program announce their inspector, waiting
 * paused until the session has connected to them and set their breakpoints.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { ChildAnnouncement } from './childDebugProtocol';

/** The largest announcement accepted: a pid, a URL and a script path. */
const MAX_BODY = 64 * 1024;

export class ChildEndpoint {
  private constructor(
    private readonly server: Server,
    readonly token: string,
  ) {}

  /** Listens on 127.0.0.1; `attached` is called for each child that announces itself. */
  static async start(attached: (child: ChildAnnouncement) => void): Promise<ChildEndpoint> {
    const token = randomBytes(24).toString('hex');
    const server = createServer((req, res) => {
      if (req.method !== 'POST' || req.headers.authorization !== `Bearer ${token}`) {
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
        res.writeHead(204).end();
        attached(child);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return new ChildEndpoint(server, token);
  }

  /** The value of CINESCOPE_CHILD_DEBUG for the launched program. */
  get environmentValue(): string {
    const { port } = this.server.address() as AddressInfo;
    return JSON.stringify({ url: `http://127.0.0.1:${port}/child`, token: this.token });
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
  attached: (child: ChildAnnouncement) => void,
): Promise<(ChildDebugging & { endpoint: ChildEndpoint }) | string> {
  const bootloader = path.join(path.dirname(preloadPath), 'childDebug.js');
  if (!existsSync(bootloader)) {
    return `Child processes will not be debugged: ${bootloader} is missing (run \`npm run build\`).`;
  }
  const endpoint = await ChildEndpoint.start(attached);
  return { endpoint, bootloader, environmentValue: endpoint.environmentValue };
}

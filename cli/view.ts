/**
 * `cinescope view FILE`: the timeline panel's page outside VS Code. A small HTTP server on
 * 127.0.0.1 serves the page and its bundle, and answers the page's requests over a WebSocket.
 * Every URL needs the random token of the session; the Host header must name the loopback address
 * (a page of another site cannot reach the server by DNS rebinding).
 */
import { spawn } from 'node:child_process';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { TIMELINE_SCRIPT, TIMELINE_STYLE, TimelineDataSource, timelineHtml } from '../webview/host';
import type { PageMessage } from '../webview/protocol';
import { CliError } from './usage';

export interface ViewServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the timeline of `source` on 127.0.0.1 (`port` 0: any free port). */
export async function startViewServer(
  source: TimelineDataSource,
  options: { port?: number; title: string; onOpenSource?: (file: string, line: number) => void },
): Promise<ViewServer> {
  const dist = webviewDist();
  const token = randomBytes(24).toString('base64url');
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  let origin = '';

  const allowed = (req: http.IncomingMessage): boolean => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const given = Buffer.from(url.searchParams.get('token') ?? '');
    const expected = Buffer.from(token);
    const host = req.headers.host ?? '';
    return (
      given.length === expected.length &&
      timingSafeEqual(given, expected) &&
      (host === origin.slice('http://'.length) ||
        host === origin.slice('http://'.length).replace('127.0.0.1', 'localhost'))
    );
  };

  const server = http.createServer((req, res) => {
    if (req.url === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (!allowed(req)) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Forbidden: open the link with its token, as printed by `cinescope view`.\n');
      return;
    }
    const { pathname } = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
    if (pathname === '/') {
      const nonce = randomBytes(16).toString('base64');
      const q = `?token=${token}`;
      res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' });
      res.end(
        timelineHtml({
          scriptUri: `/${TIMELINE_SCRIPT}${q}`,
          styleUri: `/${TIMELINE_STYLE}${q}`,
          cspSource: origin,
          connectSrc: origin.replace(/^http/, 'ws'),
          nonce,
          title: options.title,
        }),
      );
      return;
    }
    const file =
      pathname === `/${TIMELINE_SCRIPT}`
        ? TIMELINE_SCRIPT
        : pathname === `/${TIMELINE_STYLE}`
          ? TIMELINE_STYLE
          : '';
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
      return;
    }
    const type = file.endsWith('.js') ? 'text/javascript' : 'text/css';
    res.writeHead(200, { ...headers, 'content-type': `${type}; charset=utf-8` });
    fs.createReadStream(path.join(dist, file)).pipe(res);
  });

  server.on('upgrade', (req, socket, head) => {
    if (!allowed(req) || new URL(req.url ?? '/', 'http://127.0.0.1').pathname !== '/ws') {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data) => {
        let message: PageMessage;
        try {
          message = JSON.parse(String(data)) as PageMessage;
        } catch {
          return; // Not ours: the page only sends JSON.
        }
        if (message.type === 'request') {
          void source.handle(message).then((reply) => {
            if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
          });
        } else if (message.type === 'openSource') {
          options.onOpenSource?.(String(message.file), Number(message.line));
        }
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/?token=${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of sockets) ws.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The CLI command: serve until interrupted. */
export async function view(file: string, options: { open: boolean; port?: number }): Promise<number> {
  const source = await TimelineDataSource.open(file);
  // A file that is not there is a mistake on the command line; a damaged one is shown in the page.
  if (source.error?.code === 'unreadable') throw source.error;
  if (source.error) process.stderr.write(`cinescope: ${source.error.message}\n`);
  const server = await startViewServer(source, {
    port: options.port,
    title: `Cinescope — ${path.basename(file)}`,
    onOpenSource: (f, line) => process.stdout.write(`cinescope: source ${f}:${line}\n`),
  });
  process.stdout.write(`cinescope: timeline of ${file} at ${server.url}\n(press Ctrl+C to stop)\n`);
  if (options.open) openBrowser(server.url);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  source.dispose();
  return 0;
}

/** dist/webview beside the CLI bundle, or in the checkout when run from sources. */
function webviewDist(): string {
  const candidates = [
    ...(typeof __dirname !== 'undefined'
      ? [path.join(__dirname, 'webview'), path.join(__dirname, '..', 'dist', 'webview')]
      : []),
    path.join(process.cwd(), 'dist', 'webview'),
  ];
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, TIMELINE_SCRIPT)));
  if (!found) throw new CliError('The timeline page is not built: run `npm run build` first.');
  return found;
}

function openBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    const failed = () => process.stderr.write(`cinescope: could not open a browser; open the link above.\n`);
    child.on('error', failed);
    // xdg-open starts and then fails when there is no browser to open (no desktop session).
    child.on('exit', (code) => {
      if (code) failed();
    });
    child.unref();
  } catch {
    process.stderr.write(`cinescope: could not open a browser; open the link above.\n`);
  }
}

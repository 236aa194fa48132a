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
import {
  CODICON_FONT,
  CODICON_STYLE,
  TIMELINE_SCRIPT,
  TIMELINE_STYLE,
  TimelineDataSource,
  timelineHtml,
} from '../webview/host';
import type { HostMessage, PageMessage } from '../webview/protocol';
import { CliError } from './usage';

/** The files of dist/webview the server hands out, with their content types. */
const SERVED = new Map<string, { type: string }>([
  [TIMELINE_SCRIPT, { type: 'text/javascript; charset=utf-8' }],
  [TIMELINE_STYLE, { type: 'text/css; charset=utf-8' }],
  [CODICON_STYLE, { type: 'text/css; charset=utf-8' }],
  [CODICON_FONT, { type: 'font/ttf' }],
]);

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
    const file = SERVED.get(pathname.slice(1));
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
      return;
    }
    res.writeHead(200, { ...headers, 'content-type': file.type });
    if (pathname === `/${CODICON_STYLE}`) {
      // The style sheet names its font by a relative URL, which would lose the token: give it ours.
      const css = fs.readFileSync(path.join(dist, CODICON_STYLE), 'utf8');
      res.end(css.replace(/url\("\.\/codicon\.ttf[^"]*"\)/g, `url("/${CODICON_FONT}?token=${token}")`));
      return;
    }
    fs.createReadStream(path.join(dist, pathname.slice(1))).pipe(res);
  });

  server.on('upgrade', (req, socket, head) => {
    if (!allowed(req) || new URL(req.url ?? '/', 'http://127.0.0.1').pathname !== '/ws') {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      // A message over maxPayload or a broken frame: ws closes this socket (1009/1002) and reports
      // it here; unheard, the error would end the whole server.
      ws.on('error', () => ws.terminate());
      ws.on('message', (data) => {
        const message = parsePageMessage(String(data));
        if (message.type === 'invalid') {
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message.reply));
        } else if (message.type === 'request') {
          void source.handle(message).then((reply) => {
            if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
          });
        } else {
          options.onOpenSource?.(String(message.file), Number(message.line));
        }
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(listenError(e, options.port ?? 0)));
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

/** Why the server could not listen, as a sentence (a busy or forbidden port is the user's to change). */
function listenError(e: NodeJS.ErrnoException, port: number): Error {
  if (e.code === 'EADDRINUSE')
    return new CliError(
      `Port ${port} is in use: choose another with --port, or leave it out to pick a free one.`,
    );
  if (e.code === 'EACCES')
    return new CliError(
      `Port ${port} needs privileges this user does not have: choose one above 1023 with --port, or leave it out.`,
    );
  return new CliError(`The timeline server could not listen on 127.0.0.1:${port}: ${e.message}`);
}

/**
 * A page message checked for shape: the socket is token-protected, but a message is still data from
 * outside and must not crash the server. A bad one gets an error reply (id 0 when it has none).
 */
export function parsePageMessage(
  text: string,
): PageMessage | { type: 'invalid'; reply: Extract<HostMessage, { type: 'error' }> } {
  const invalid = (id: number, message: string) =>
    ({ type: 'invalid', reply: { type: 'error', id, code: 'bad-message', message } }) as const;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return invalid(0, 'The timeline server expects JSON messages from its page.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return invalid(0, 'The timeline server expects each message to be a JSON object with a `type`.');
  const m = value as Record<string, unknown>;
  const id = typeof m.id === 'number' && Number.isSafeInteger(m.id) ? m.id : 0;
  if (m.type === 'request') {
    if (id === 0 || typeof m.query !== 'object' || m.query === null || Array.isArray(m.query))
      return invalid(id, 'A request needs a numeric `id` and a `query` object.');
    if (typeof (m.query as { type?: unknown }).type !== 'string')
      return invalid(id, "A request's `query` needs a `type`.");
    // The query's fields are checked by the data source, which answers a bad one with an error.
    return m as PageMessage;
  }
  if (m.type === 'openSource') {
    if (typeof m.file !== 'string' || !Number.isFinite(m.line))
      return invalid(0, 'openSource needs a `file` and a `line`.');
    return m as PageMessage;
  }
  const shown = typeof m.type === 'string' ? `"${m.type.slice(0, 40)}"` : 'none';
  return invalid(id, `The timeline server does not know the message type ${shown}.`);
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

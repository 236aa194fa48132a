/**
 * Attach's first step against real HTTP servers on loopback: a real Node inspector answers; an
 * address that trickles bytes forever or streams without end gets a sentence instead of a hang.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { findWebSocketUrl } from '../../adapter/inspector';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<number> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return (server.address() as AddressInfo).port;
}

describe('findWebSocketUrl', () => {
  it('finds the target of a real Node inspector', async () => {
    const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', '-e', 'setInterval(() => {}, 1000)'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    cleanups.push(() => child.kill());
    const port = await new Promise<number>((resolve) => {
      let text = '';
      child.stderr.on('data', (d) => {
        text += d;
        const match = /ws:\/\/127\.0\.0\.1:(\d+)\//.exec(text);
        if (match) resolve(Number(match[1]));
      });
    });
    await expect(findWebSocketUrl('127.0.0.1', port)).resolves.toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/[\w-]+$/);
  });

  it('gives up on an address that trickles its answer, with a sentence', async () => {
    const port = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(timer));
    });
    await expect(findWebSocketUrl('127.0.0.1', port, 600)).rejects.toThrow(
      `The inspector at 127.0.0.1:${port} did not answer within 0.6 s.`,
    );
  });

  it('stops reading an answer larger than 1 MB, with a sentence', async () => {
    const port = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = '['.padEnd(64 * 1024, ' ');
      const pump = () => {
        while (res.write(chunk));
      };
      res.on('drain', pump);
      pump();
    });
    await expect(findWebSocketUrl('127.0.0.1', port, 20_000)).rejects.toThrow(
      /sent more than 1 MB .*not a Node inspector/,
    );
  });

  it('says so when the answer is JSON without a target', async () => {
    const port = await serve((_req, res) => res.end('{"not":"a list"}'));
    await expect(findWebSocketUrl('127.0.0.1', port)).rejects.toThrow(/lists no target to attach to/);
  });
});

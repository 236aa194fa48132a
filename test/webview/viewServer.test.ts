/**
 * The `cinescope view` server against a hostile client and a busy port, as real processes: a
 * real `cinescope view` child, a real WebSocket (ws) with the session's token sending what no page
 * sends (null, arrays, unknown types, bad requests, a message over the size limit). Every bad
 * message gets an error reply with a sentence, and the server keeps answering good requests.
 */
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { cli, tempDir } from '../helpers';
import { recordExample, startView } from './browser';
import type { Viewer } from './browser';

let file: string;
let viewer: Viewer;

beforeAll(async () => {
  file = join(tempDir(), 'pipeline.cinescope');
  await recordExample(file, 'examples/worker-pipeline/main.mjs');
  viewer = await startView(file);
}, 90_000);

afterAll(async () => {
  await viewer?.stop();
});

/** A socket on the server's /ws with the token, and the next reply of each message sent. */
async function connect(url: string): Promise<{
  ws: WebSocket;
  send(data: string): Promise<Record<string, unknown>>;
  closed: Promise<number>;
}> {
  const u = new URL(url);
  const ws = new WebSocket(`ws://${u.host}/ws?token=${u.searchParams.get('token')}`);
  const replies: Array<(m: Record<string, unknown>) => void> = [];
  ws.on('message', (data) => replies.shift()?.(JSON.parse(String(data)) as Record<string, unknown>));
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    // After the handshake an error is followed by 'close', which the test awaits.
    ws.on('error', (e) => ws.readyState === ws.CONNECTING && reject(e));
  });
  return {
    ws,
    closed,
    send: (data) =>
      new Promise((resolve) => {
        replies.push(resolve);
        ws.send(data);
      }),
  };
}

describe('cinescope view server', () => {
  it('answers hostile messages with an error sentence and keeps serving', async () => {
    const c = await connect(viewer.url);
    const bad: Array<[string, RegExp]> = [
      ['null', /JSON object with a `type`/],
      ['[1,2,3]', /JSON object with a `type`/],
      ['"just a string"', /JSON object with a `type`/],
      ['42', /JSON object with a `type`/],
      ['{not json', /expects JSON messages/],
      ['{}', /does not know the message type none/],
      ['{"type":"launchMissiles","id":5}', /does not know the message type "launchMissiles"/],
      [JSON.stringify({ type: 'x'.repeat(500_000) }), /does not know the message type "x{40}"/],
      ['{"type":"request"}', /numeric `id` and a `query` object/],
      ['{"type":"request","id":3,"query":null}', /numeric `id` and a `query` object/],
      ['{"type":"request","id":3,"query":{}}', /`query` needs a `type`/],
      ['{"type":"openSource","file":7}', /openSource needs a `file` and a `line`/],
    ];
    for (const [message, sentence] of bad) {
      const reply = await c.send(message);
      expect(reply, message.slice(0, 60)).toMatchObject({ type: 'error', code: 'bad-message' });
      expect(reply.message, message.slice(0, 60)).toMatch(sentence);
    }
    // Requests of the right shape with bad fields are the data source's to refuse, by id.
    expect(await c.send('{"type":"request","id":9,"query":{"type":"nope"}}')).toMatchObject({
      type: 'error',
      id: 9,
      code: 'bad-query',
      message: 'The timeline does not know the request nope.',
    });
    expect(
      await c.send(
        '{"type":"request","id":10,"query":{"type":"window","fromTs":"a","toTs":[],"buckets":{}}}',
      ),
    ).toMatchObject({
      type: 'error',
      id: 10,
      code: 'bad-query',
      message: expect.stringMatching(/where a number belongs/),
    });
    // And the same socket still gets real answers.
    const ok = await c.send('{"type":"request","id":11,"query":{"type":"overview"}}');
    expect(ok).toMatchObject({ type: 'response', id: 11, result: { type: 'overview' } });
    expect((ok.result as { overview: { events: number } }).overview.events).toBeGreaterThan(0);

    // Over the size limit: ws closes that socket (1009, message too big); the server lives on.
    const big = await connect(viewer.url);
    big.ws.send('x'.repeat(2 * 1024 * 1024));
    expect(await big.closed).toBe(1009);
    const again = await connect(viewer.url);
    expect(await again.send('{"type":"request","id":1,"query":{"type":"overview"}}')).toMatchObject({
      type: 'response',
      id: 1,
    });
    c.ws.close();
    again.ws.close();
    expect(viewer.stdout()).not.toMatch(/TypeError|internal error/);
  });

  it('serves the codicon style and font only with the token, the font named with it', async () => {
    const u = new URL(viewer.url);
    const token = u.searchParams.get('token')!;
    const css = await fetch(`${u.origin}/codicon.css?token=${token}`);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    const text = await css.text();
    expect(text).toContain(`url("/codicon.ttf?token=${token}")`);
    expect(text).not.toMatch(/url\("\.\//);
    const font = await fetch(`${u.origin}/codicon.ttf?token=${token}`);
    expect(font.status).toBe(200);
    expect(font.headers.get('content-type')).toBe('font/ttf');
    expect((await font.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
    expect((await fetch(`${u.origin}/codicon.ttf`)).status).toBe(403);
    expect((await fetch(`${u.origin}/codicon.css?token=wrong`)).status).toBe(403);
    expect((await fetch(`${u.origin}/../package.json?token=${token}`)).status).toBe(404);
  });

  it('says which port is busy, without a stack, when --port is taken', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', () => resolve()));
    const port = (busy.address() as { port: number }).port;
    try {
      const r = await cli(['view', file, '--no-open', '--port', String(port)]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe(
        `cinescope: Port ${port} is in use: choose another with --port, or leave it out to pick a free one.`,
      );
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await new Promise<void>((resolve) => busy.close(() => resolve()));
    }
  });
});

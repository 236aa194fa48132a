/**
 * The last events before the end are kept however the program ends, and the traced program
 * behaves exactly as untraced (output, exit status, thread ids).
 */
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, queryTrace, recordAndStats, run, tempDir } from './helpers';

const node = process.execPath;

function program(source: string, name = 'app.js'): string {
  const file = join(tempDir(), name);
  writeFileSync(file, source);
  return file;
}

/** A program that sends `n` messages to a worker, then ends the way `ending` says. */
function messagesThen(n: number, ending: string): string {
  return program(`
    const { Worker } = require('node:worker_threads');
    const w = new Worker('require("node:worker_threads").parentPort.on("message", () => {})', { eval: true });
    for (let i = 0; i < ${n}; i++) w.postMessage({ i });
    console.log('sent ${n}');
    ${ending}
  `);
}

describe('final flush', () => {
  it('keeps the last events on process.exit()', async () => {
    const file = messagesThen(2000, 'process.exit(7);');
    const { recorded, out, stats } = await recordAndStats([node, file]);
    expect(recorded.code).toBe(7);
    expect(recorded.stdout).toBe('sent 2000\n');
    expect(stats.messages.sent).toBe(2000);
    const [exit] = await queryTrace(out, `SELECT payload FROM events WHERE type = 2`);
    expect(JSON.parse(exit.payload)).toMatchObject({ code: 7, reason: 'exit' });
  });

  it('keeps the last events on an uncaught exception', async () => {
    const file = messagesThen(2000, 'throw new TypeError("last words");');
    const plain = await run(node, [file]);
    const { recorded, out, stats } = await recordAndStats([node, file]);
    expect(recorded.code).toBe(plain.code);
    expect(recorded.stderr.startsWith(plain.stderr)).toBe(true);
    expect(stats.messages.sent).toBe(2000);
    const [error] = await queryTrace(
      out,
      `SELECT json_extract(payload,'$.error.name') AS name, json_extract(payload,'$.error.message') AS message
       FROM events WHERE type = 10`,
    );
    expect(error).toEqual({ name: 'TypeError', message: 'last words' });
  });

  it('keeps the last events on SIGTERM and dies by the signal as untraced', async () => {
    const file = messagesThen(1000, 'setInterval(() => {}, 1000); console.log("waiting");');
    let signalled = false;
    const out = join(tempDir(), 'trace.cinescope');
    const recorded = await cli(['record', '--out', out, '--', node, file], {
      onStdout: (text, pid) => {
        if (!signalled && text.includes('waiting')) {
          signalled = true;
          process.kill(pid, 'SIGTERM');
        }
      },
    });
    expect(signalled).toBe(true);
    expect(recorded.code).toBe(143);
    const rows = await queryTrace(out, `SELECT type, payload FROM events WHERE type IN (2, 13) ORDER BY ts`);
    expect(rows.map((r) => r.type)).toEqual([13, 2]);
    expect(JSON.parse(rows[1].payload)).toMatchObject({ reason: 'signal', signal: 'SIGTERM' });
    const sent = await queryTrace(out, `SELECT COUNT(*) AS n FROM events WHERE type = 8`);
    expect(sent[0].n).toBe(1000);
  });

  it('lets a program that handles SIGINT itself decide what happens', async () => {
    const file = program(`
      process.on('SIGINT', () => { console.log('cleaning up'); process.exit(0); });
      setInterval(() => {}, 1000);
      console.log('waiting ' + process.pid);
    `);
    let signalled = false;
    const out = join(tempDir(), 'trace.cinescope');
    const recorded = await cli(['record', '--out', out, '--', node, file], {
      onStdout: (text) => {
        const match = /waiting (\d+)/.exec(text);
        if (!signalled && match) {
          signalled = true;
          process.kill(Number(match[1]), 'SIGINT');
        }
      },
    });
    expect(recorded.code).toBe(0);
    expect(recorded.stdout).toMatch(/cleaning up\n$/);
    const rows = await queryTrace(out, `SELECT type, payload FROM events WHERE type IN (2, 13) ORDER BY ts`);
    expect(rows.map((r) => r.type)).toEqual([13, 2]);
    expect(JSON.parse(rows[1].payload)).toMatchObject({ code: 0, reason: 'exit' });
  });
});

describe('fidelity', () => {
  it('shows the program the thread ids it would have untraced', async () => {
    const file = program(`
      const { Worker, threadId } = require('node:worker_threads');
      const w = new Worker('const wt = require("node:worker_threads"); wt.parentPort.postMessage(wt.threadId)', { eval: true });
      console.log('main', threadId, 'worker', w.threadId);
      w.on('message', (id) => console.log('worker says', id));
      w.on('exit', () => console.log('after exit', w.threadId));
    `);
    const plain = await run(node, [file]);
    const { recorded } = await recordAndStats([node, file]);
    expect(plain.stdout).toBe('main 0 worker 1\nworker says 1\nafter exit -1\n');
    expect(recorded.stdout).toBe(plain.stdout);
  });

  it('keeps Worker and MessageChannel looking exactly as they were', async () => {
    const file = program(`
      const wt = require('node:worker_threads');
      class Pool extends wt.Worker {}
      const w = new Pool('1', { eval: true });
      const c = new wt.MessageChannel();
      console.log(w instanceof wt.Worker, w instanceof Pool, w.constructor === Pool,
        Object.getPrototypeOf(Pool.prototype).constructor === wt.Worker, wt.Worker.name, wt.Worker.length,
        c.constructor === wt.MessageChannel, c instanceof wt.MessageChannel, typeof wt.receiveMessageOnPort);
      c.port1.close();
    `);
    const plain = await run(node, [file]);
    const { recorded } = await recordAndStats([node, file]);
    expect(plain.stdout).toBe('true true true true Worker 1 true true function\n');
    expect(recorded.stdout).toBe(plain.stdout);
  });

  it('never runs getters, toJSON or Proxy traps of messages it records', async () => {
    const file = program(`
      const { Worker } = require('node:worker_threads');
      let calls = 0;
      const w = new Worker('require("node:worker_threads").parentPort.on("message", (m) => { require("node:worker_threads").parentPort.postMessage("ok"); })', { eval: true });
      const msg = { a: 1, toJSON() { calls++; return 'x'; }, get g() { calls++; return 2; }, valueOf() { calls++; return 3; } };
      w.postMessage(msg);
      w.on('message', () => { console.log('toJSON calls', calls); w.terminate(); });
      process.on('exit', () => console.log('exit calls', calls));
    `);
    const plain = await run(node, [file]);
    const { recorded } = await recordAndStats([node, file]);
    expect(recorded.stdout).toBe(plain.stdout);
  });
});

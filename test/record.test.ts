/**
 * End to end: the real CLI records real example programs (real processes, worker threads, IPC,
 * WebSocket, sql.js) and the trace file holds what happened — while the program prints exactly
 * what it prints untraced and exits the same way.
 */
import { describe, expect, it } from 'vitest';
import { cli, queryTrace, recordAndStats, run } from './helpers';

const node = process.execPath;

async function untraced(args: string[]) {
  return run(node, args);
}

describe('cinescope record on the examples', () => {
  it('worker pipeline (ESM): threads, linked messages, a worker crash — same output as untraced', async () => {
    const args = ['examples/worker-pipeline/main.mjs'];
    const plain = await untraced(args);
    const { recorded, out, stats } = await recordAndStats([node, ...args]);
    expect(recorded.code).toBe(plain.code);
    expect(recorded.stdout).toBe(plain.stdout);
    expect(recorded.stderr).toContain('cinescope: ');

    expect(stats.schemaVersion).toBe(1);
    expect(stats.processes).toBe(1);
    expect(stats.threads).toBe(3);
    expect(stats.byType.workerSpawn).toBe(2);
    expect(stats.byType.threadExit).toBe(2);
    expect(stats.byType.processExit).toBe(1);
    expect(stats.byType.workerError).toBe(1);
    expect(stats.byType.uncaughtException).toBe(1);
    expect(stats.byType.metrics).toBeGreaterThanOrEqual(3);
    expect(stats.dropped).toBe(0);
    // Every message sent was received, and every receive is linked to its send.
    expect(stats.messages.sent).toBeGreaterThan(20);
    expect(stats.messages.linked).toBe(stats.messages.received);
    // Each message on an ordered channel is delivered exactly once: what main sends to a worker
    // arrives on that worker's parentPort, and back.
    const perChannel = await queryTrace(
      out,
      `SELECT json_extract(payload,'$.channel') AS channel,
              SUM(type = 8) AS sent, SUM(type = 9) AS received
       FROM events WHERE type IN (8, 9) GROUP BY channel ORDER BY channel`,
    );
    const byChannel = Object.fromEntries(perChannel.map((c) => [c.channel, c]));
    expect(Object.keys(byChannel)).toEqual(['broadcast', 'parentPort', 'port', 'worker']);
    expect(byChannel.worker.sent).toBe(byChannel.parentPort.received);
    expect(byChannel.parentPort.sent).toBe(byChannel.worker.received);
    expect(byChannel.port.sent).toBe(byChannel.port.received);
    expect(byChannel.broadcast.received).toBeGreaterThanOrEqual(byChannel.broadcast.sent);

    const threads = await queryTrace(out, `SELECT tid, name FROM threads ORDER BY tid`);
    expect(threads).toEqual([
      { tid: 0, name: 'main' },
      { tid: 1, name: 'hasher-1' },
      { tid: 2, name: 'hasher-2' },
    ]);
    const crash = await queryTrace(
      out,
      `SELECT tid, json_extract(payload, '$.error.message') AS message FROM events e
       JOIN event_types t ON t.type = e.type WHERE t.name = 'uncaughtException'`,
    );
    expect(crash).toEqual([{ tid: 2, message: 'poison pill swallowed by hasher-2' }]);

    // The text timeline: a lane per thread, with the crash on hasher-2's lane.
    const timeline = await cli(['timeline', out, '--width', '40']);
    expect(timeline.code).toBe(0);
    const lanes = timeline.stdout.split('\n').filter((l) => l.includes('|'));
    expect(lanes.map((l) => l.split('|')[0].trim().replace(/^\d+ /, ''))).toEqual([
      'main',
      't1 hasher-1',
      't2 hasher-2',
    ]);
    expect(lanes.every((l) => l.split('|')[1].length === 40)).toBe(true);
    expect(lanes[2].split('|')[1]).toContain('!');
    expect(lanes[0].split('|')[1]).toMatch(/^S/);
  });

  it('IPC parent (CommonJS): child processes traced, spawn tree and IPC linked', async () => {
    const args = ['examples/ipc-parent/parent.js'];
    const plain = await untraced(args);
    const { recorded, out, stats } = await recordAndStats([node, ...args]);
    expect(recorded.code).toBe(0);
    expect(recorded.stdout).toBe(plain.stdout);
    // parent, the forked child and `node -e`; /bin/sh is not a Node process.
    expect(stats.processes).toBe(3);
    expect(stats.byType.childSpawn).toBe(3);
    expect(stats.byType.childExit).toBe(3);
    const exits = await queryTrace(
      out,
      `SELECT json_extract(payload,'$.code') AS code FROM events WHERE type = 7 ORDER BY code`,
    );
    expect(exits.map((e) => e.code)).toEqual([0, 2, 3]);
    const ipc = await queryTrace(
      out,
      `SELECT s.pid AS fromPid, r.pid AS toPid FROM events s JOIN events r
         ON r.corr = s.corr AND r.type = 9
       WHERE s.type = 8 AND json_extract(s.payload,'$.channel') = 'ipc'`,
    );
    expect(ipc.length).toBe(12);
    expect(new Set(ipc.map((m) => `${m.fromPid}->${m.toPid}`)).size).toBe(2);
    const child = await queryTrace(out, `SELECT pid, ppid, exit_code FROM processes WHERE exit_code = 3`);
    expect(child).toHaveLength(1);
  });

  it('bank account: an unhandled rejection is recorded and exit code 1 passed on', async () => {
    const args = ['examples/bank-account/index.js'];
    const plain = await untraced(args);
    const { recorded, out, stats } = await recordAndStats([node, ...args]);
    expect(plain.code).toBe(1);
    expect(recorded.code).toBe(1);
    expect(recorded.stdout).toBe(plain.stdout);
    // Node's own report of the crash is unchanged; our summary follows it.
    expect(recorded.stderr.startsWith(plain.stderr)).toBe(true);
    expect(stats.byType.unhandledRejection).toBe(1);
    const [exit] = await queryTrace(out, `SELECT payload FROM events WHERE type = 2`);
    expect(JSON.parse(exit.payload)).toMatchObject({ code: 1, reason: 'uncaught' });
  });

  it('message storm: thousands of linked worker messages, nothing dropped', async () => {
    const args = ['examples/message-storm/main.js', '5000'];
    const plain = await untraced(args);
    const { recorded, stats } = await recordAndStats([node, ...args]);
    expect(recorded.stdout).toBe(plain.stdout);
    // 5000 pings, 5000 pongs and the final 'stop'.
    expect(stats.messages.sent).toBe(10_001);
    expect(stats.messages.received).toBe(10_001);
    expect(stats.messages.linked).toBe(10_001);
    expect(stats.dropped).toBe(0);
  });

  it('http server self-test: same responses traced', async () => {
    const args = ['examples/http-server/server.js', '--self-test'];
    const plain = await untraced(args);
    const { recorded, stats } = await recordAndStats([node, ...args]);
    expect(recorded.code).toBe(0);
    expect(recorded.stdout).toBe(plain.stdout);
    expect(stats.processes).toBe(1);
  });
});

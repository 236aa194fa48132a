/**
 * A launch whose program started but could not be taken over leaves nothing behind: the program
 * is stopped, the trace sink discarded, and the launch request answered with a sentence. The
 * "program" is a real Node process standing in for `node --inspect-brk` (runtimeExecutable): it
 * announces a real WebSocket inspector endpoint that drops the connection at the debugger's first
 * command, which a real Node inspector cannot be made to do on demand.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers';
import { DapClient, FIXTURES } from './dapClient';
import { waitFor } from './tracePointsHarness';

let client: DapClient | undefined;
afterEach(async () => {
  await client?.dispose();
  client = undefined;
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

it('stops the program and answers the launch when the debugger cannot take it over', async () => {
  const dir = tempDir();
  const pidFile = join(dir, 'pid');
  const fake = join(dir, 'fake-node');
  writeFileSync(
    fake,
    `#!${process.execPath}
const { WebSocketServer } = require(${JSON.stringify(join(ROOT, 'node_modules', 'ws'))});
require('node:fs').writeFileSync(process.env.FAKE_PID_FILE, String(process.pid));
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 }, () => {
  process.stderr.write('Debugger listening on ws://127.0.0.1:' + wss.address().port + '/fake\\n');
});
wss.on('connection', (socket) => socket.once('message', () => socket.terminate()));
setInterval(() => {}, 1000);
`,
  );
  chmodSync(fake, 0o755);
  const traceFile = join(dir, 'never.cinescope');
  client = new DapClient();
  await client.ok('initialize', { adapterID: 'cinescope', pathFormat: 'path' });
  const response = await client.request('launch', {
    program: join(FIXTURES, 'count.cjs'),
    runtimeExecutable: fake,
    env: { FAKE_PID_FILE: pidFile },
    // The stand-in is not a program whose children should be debugged.
    autoAttachChildProcesses: false,
    traceFile,
  });
  expect(response.success).toBe(false);
  expect(response.message).toMatch(
    /^The program started, but the debugger could not take it over \(.+\); it was stopped\.$/,
  );
  const pid = Number(readFileSync(pidFile, 'utf8'));
  await waitFor('the program to be stopped', () => !alive(pid), 10_000);
  expect(existsSync(traceFile)).toBe(false);
});

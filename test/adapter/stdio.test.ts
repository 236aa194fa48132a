/** `cinescope dap`: the same adapter over stdin and stdout of the real CLI. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, tempDir } from '../helpers';
import { DapClient, FIXTURES } from './dapClient';

const COUNT = join(FIXTURES, 'count.cjs');

describe('cinescope dap', () => {
  let adapter: ReturnType<typeof spawn> | undefined;
  afterEach(() => {
    adapter?.kill('SIGKILL');
    adapter = undefined;
  });

  it('debugs over stdio, answers the custom requests, writes nothing else to stdout and exits after disconnect', async () => {
    adapter = spawn(process.execPath, [CLI, 'dap'], { stdio: ['pipe', 'pipe', 'pipe'], cwd: FIXTURES });
    let stderr = '';
    adapter.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => adapter!.on('exit', resolve));
    const dir = tempDir();
    const traceFile = join(dir, 'stdio.cinescope');
    const client = new DapClient({ adapter });
    client.normalize(dir, '${tmp}');
    await client.start('launch', { program: COUNT, traceFile }, { [COUNT]: [{ line: 12 }] });
    await client.stopped(1);
    const tracePoints = await client.ok('cinescope/setTracePoints', { source: { path: COUNT }, lines: [3] });
    client.record('setTracePoints', tracePoints.tracePoints.map((t: any) => ({ line: t.line, mode: t.mode })));
    const unknown = await client.request('cinescope/nothing');
    client.record('unknown request', unknown.message ?? '');
    await client.ok('continue', { threadId: 1 });
    await client.event('terminated');
    const status = await client.ok('cinescope/traceStatus');
    client.record('traceStatus destination', status.destination);
    expect(status.events).toBeGreaterThan(0);
    await client.ok('disconnect', {});
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
    client.expectGolden('stdio');
  });
});

/** `cinescope dap`: the same adapter over stdin and stdout of the real CLI. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TraceDb } from '../../tracedb/traceDb';
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
    const exited = new Promise<number | null>((resolve) => adapter!.on('close', resolve));
    const dir = tempDir();
    const traceFile = join(dir, 'stdio.cinescope');
    const client = new DapClient({ adapter });
    client.normalize(dir, '${tmp}');
    await client.start('launch', { program: COUNT, traceFile }, { [COUNT]: [{ line: 8 }] });
    await client.stopped(1);
    const tracePoints = await client.ok('cinescope/setTracePoints', { source: { path: COUNT }, lines: [4] });
    client.record(
      'setTracePoints',
      tracePoints.tracePoints.map((t: any) => ({ line: t.line, mode: t.mode })),
    );
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
    // The trace point recorded `sum` on each of the three returns, without pausing.
    const db = await TraceDb.open(traceFile);
    try {
      const hits = db.tracePointHits({ line: 4 });
      expect(hits.length).toBe(3);
    } finally {
      db.close();
    }
  });

  it('stops the program and writes the trace when the client goes away without disconnecting', async () => {
    adapter = spawn(process.execPath, [CLI, 'dap'], { stdio: ['pipe', 'pipe', 'pipe'], cwd: FIXTURES });
    // 'close': everything the adapter wrote has been read.
    const exited = new Promise<number | null>((resolve) => adapter!.on('close', resolve));
    const traceFile = join(tempDir(), 'gone.cinescope');
    const client = new DapClient({ adapter });
    await client.start('launch', { program: join(FIXTURES, 'waiting.cjs'), traceFile });
    await client.outputContaining('ticking');
    adapter.stdin!.end();
    expect(await exited).toBe(0);
    // The program got SIGTERM (its handler printed this) and the trace was written.
    expect(client.output).toContain('stopped after some ticks');
    expect(existsSync(traceFile)).toBe(true);
  });
});

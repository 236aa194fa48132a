/** Attaching to a program started with --inspect, injecting the runtime, detaching. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TraceDb } from '../../tracedb/traceDb';
import { tempDir } from '../helpers';
import { DapClient, FIXTURES } from './dapClient';

const WAITING = join(FIXTURES, 'waiting.cjs');

/** Starts the program with the inspector on a random port; resolves with the port. */
function startInspected(): Promise<{ child: ChildProcess; port: number; stdout: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', WAITING], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      const port = /ws:\/\/127\.0\.0\.1:(\d+)\//.exec(stderr)?.[1];
      if (port) resolve({ child, port: Number(port), stdout: () => stdout });
    });
    child.on('exit', () => reject(new Error(`exited before listening: ${stderr}`)));
  });
}

describe('attach', () => {
  let client: DapClient | undefined;
  let program: ChildProcess | undefined;
  afterEach(async () => {
    await client?.dispose();
    program?.kill('SIGKILL');
    client = program = undefined;
  });

  it('attaches, stops at a breakpoint, records through the injected runtime and detaches leaving the program running', async () => {
    const started = await startInspected();
    program = started.child;
    const dir = tempDir();
    const traceFile = join(dir, 'attached.cinescope');
    client = new DapClient();
    client.normalize(dir, '${tmp}');
    client.normalize(String(started.port), '${port}');
    await client.start(
      'attach',
      { port: started.port, address: '127.0.0.1', traceFile },
      { [WAITING]: [{ line: 4 }] },
    );
    await client.outputContaining('runtime is loaded');
    const [top] = await client.stopped(1);
    const ticks = await client.ok('evaluate', {
      expression: 'typeof ticks',
      frameId: top.id,
      context: 'watch',
    });
    client.record('typeof ticks', ticks.result);
    await client.ok('setBreakpoints', { source: { path: WAITING }, breakpoints: [] });
    await client.ok('continue', { threadId: 1 });
    // The runtime loaded into the program sends its events to the session's collector.
    let status = await client.ok('cinescope/traceStatus');
    while (status.events === 0) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = await client.ok('cinescope/traceStatus');
    }
    await client.ok('disconnect', { terminateDebuggee: false });
    await client.event('terminated');
    // The program's own output may come before or after attaching (Runtime.enable replays it).
    const ours = client.output.split('\n').filter((line) => line.startsWith('Cinescope'));
    client.record(
      'output',
      ours.join('\n').replace(/wrote \d+ events \(\d+ dropped\)/, 'wrote N events (N dropped)'),
    );
    client.expectGolden('attach');
    client = undefined;

    expect(existsSync(traceFile)).toBe(true);
    const db = await TraceDb.open(traceFile);
    try {
      expect(db.stats().processes).toBe(1);
    } finally {
      db.close();
    }
    // Still running after the debugger left: it stops when told.
    const exited = new Promise((resolve) => program!.on('exit', resolve));
    program.kill('SIGTERM');
    await exited;
    expect(started.stdout()).toContain('stopped after some ticks');
  });

  it('says clearly when nothing listens on the port', async () => {
    client = new DapClient();
    await client.ok('initialize', { adapterID: 'cinescope', pathFormat: 'path' });
    const response = await client.request('attach', { port: 1, address: '127.0.0.1' });
    expect(response.success).toBe(false);
    expect(response.message).toMatch(
      /^Cannot reach an inspector at 127\.0\.0\.1:1 \(.*\): start the program with --inspect=127\.0\.0\.1:1\.$/,
    );
  });
});

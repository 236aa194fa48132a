/** Worker threads appear as DAP threads; breakpoints hold in them from their first line. */
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterEach, describe, expect, it } from 'vitest';
import { TraceDb } from '../../tracedb/traceDb';
import { tempDir } from '../helpers';
import { DapClient, FIXTURES } from './dapClient';

const BODY = join(FIXTURES, 'workerBody.cjs');

describe('worker threads', () => {
  let client: DapClient | undefined;
  afterEach(async () => {
    await client?.dispose();
    client = undefined;
  });

  it('shows a worker as a thread (and no thread of Cinescope or Node), stops at a breakpoint in it and evaluates there', async () => {
    const dir = tempDir();
    client = new DapClient();
    client.normalize(dir, '${tmp}');
    const started = client.event('thread');
    await client.start(
      'launch',
      // Tracing rules make the runtime start ES module hooks threads: they must not show.
      {
        program: join(FIXTURES, 'worker.cjs'),
        cwd: FIXTURES,
        trace: ['worker*.cjs'],
        traceFile: join(dir, 'worker.cinescope'),
      },
      { [BODY]: [{ line: 3 }] },
    );
    client.record('thread', (await started).body);
    const [top] = await client.stopped(2);
    const { threads } = await client.ok('threads');
    client.record('threads', threads);
    const n = await client.ok('evaluate', { expression: 'n', frameId: top.id, context: 'watch' });
    client.record('n', n.result);
    await client.ok('continue', { threadId: threads[1].id });
    const exitedThread = await client.event('thread');
    client.record('thread', exitedThread.body);
    await client.event('terminated');
    expect(client.output).toContain('worker says 400');
    client.expectGolden('workers');
    const db = await TraceDb.open(join(dir, 'worker.cinescope'));
    try {
      expect(db.callsOf('square').length).toBe(1);
    } finally {
      db.close();
    }
  });

  it("shows the runtime's own frames (its message wrappers) collapsed, as subtle frames", async () => {
    const dir = tempDir();
    client = new DapClient();
    const PROGRAM = join(FIXTURES, 'worker.cjs');
    await client.start(
      'launch',
      { program: PROGRAM, cwd: FIXTURES, traceFile: join(dir, 'frames.cinescope') },
      { [PROGRAM]: [{ line: 7 }] },
    );
    const stop = await client.event<DebugProtocol.StoppedEvent>('stopped');
    const { stackFrames } = await client.ok('stackTrace', { threadId: stop.body.threadId });
    const frames = stackFrames as DebugProtocol.StackFrame[];
    expect(frames[0].source?.path).toBe(PROGRAM);
    expect(frames[0].presentationHint).toBeUndefined();
    const own = frames.filter((f) =>
      /dist[/\\]runtime[/\\]/.test(`${f.source?.path ?? ''} ${f.source?.name ?? ''}`),
    );
    expect(own.length).toBeGreaterThan(0);
    for (const frame of own) {
      expect(frame.presentationHint).toBe('subtle');
      expect(frame.source?.presentationHint).toBe('deemphasize');
    }
    await client.ok('continue', { threadId: stop.body.threadId });
    await client.event('terminated');
  });
});

/** Worker threads appear as DAP threads; breakpoints hold in them from their first line. */
import { join } from 'node:path';
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
});

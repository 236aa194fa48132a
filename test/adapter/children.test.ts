/** Child processes of the debugged program are debugged too: each appears as a thread. */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TraceDb } from '../../tracedb/traceDb';
import { tempDir } from '../helpers';
import { DapClient, FIXTURES } from './dapClient';

const CHILD = join(FIXTURES, 'child.cjs');

describe('child processes', () => {
  let client: DapClient | undefined;
  afterEach(async () => {
    await client?.dispose();
    client = undefined;
  });

  it('stops at a breakpoint in a child process, evaluates there, and records both processes', async () => {
    const dir = tempDir();
    const traceFile = join(dir, 'children.cinescope');
    client = new DapClient();
    client.normalize(dir, '${tmp}');
    client.normalize(/pid \d+/g, 'pid ${pid}');
    const started = client.event('thread');
    await client.start(
      'launch',
      { program: join(FIXTURES, 'parent.cjs'), traceFile },
      { [CHILD]: [{ line: 3 }] },
    );
    client.record('thread', (await started).body);
    const [top] = await client.stopped(2);
    const { threads } = await client.ok('threads');
    client.record('threads', threads);
    const n = await client.ok('evaluate', { expression: 'n', frameId: top.id, context: 'watch' });
    client.record('n', n.result);
    await client.ok('continue', { threadId: threads[1].id });
    client.record('thread', (await client.event('thread')).body);
    await client.event('terminated');
    expect(client.output).toContain('child said 21');
    client.expectGolden('children');
    const db = await TraceDb.open(traceFile);
    try {
      expect(db.stats().processes).toBe(2);
    } finally {
      db.close();
    }
  });
});

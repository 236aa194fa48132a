/**
 * Worker threads under launch settings that once went wrong (helpers' cross-testing): `state`
 * rules with a worker program, and `stopOnEntry`, which stops the main thread's entry only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { TraceDb } from '../../tracedb/traceDb';
import { ROOT, tempDir } from '../helpers';
import { DapClient } from './dapClient';

/** The program of the e2e journey: a named worker squares numbers, a Counter adds them up. */
const WORKSPACE = join(ROOT, 'test', 'e2e', 'workspace');
const PIPELINE = join(WORKSPACE, 'pipeline.cjs');
const BREAKPOINT_LINE =
  readFileSync(PIPELINE, 'utf8')
    .split('\n')
    .findIndex((line) => line.includes('e2e: breakpoint')) + 1;

describe('worker programs', () => {
  let client: DapClient | undefined;
  afterEach(async () => {
    await client?.dispose();
    client = undefined;
  });

  for (const trace of [[], ['pipeline.cjs']]) {
    it(`with state: ["Counter"]${trace.length ? ' and trace' : ''}, stops at its breakpoint, runs to the end and records the state`, async () => {
      const dir = tempDir();
      const traceFile = join(dir, 'pipeline.cinescope');
      client = new DapClient();
      client.normalize(dir, '${tmp}');
      // The cwd of the e2e workspace's launch configuration, as VS Code sends it.
      await client.start(
        'launch',
        { program: PIPELINE, cwd: WORKSPACE, state: ['Counter'], trace, traceFile },
        { [PIPELINE]: [{ line: BREAKPOINT_LINE }] },
      );
      for (let hit = 0; hit < 3; hit++) {
        const stop = await client.event<DebugProtocol.StoppedEvent>('stopped');
        expect(stop.body).toMatchObject({ reason: 'breakpoint', threadId: 1 });
        await client.ok('continue', { threadId: 1 });
      }
      await client.event('terminated');
      expect(client.output).toContain('squared 25, total 50');
      const db = await TraceDb.open(traceFile);
      try {
        const changes = db.query(
          `SELECT class, path, new FROM state_changes WHERE path = 'total' ORDER BY ts`,
        );
        // As with `cinescope record --state Counter`: state is recorded in the traced files.
        const expected = trace.length ? ['0', '9', '25', '50'] : [];
        expect(changes.rows.map((row) => [row[0], row[2]])).toEqual(expected.map((v) => ['Counter', v]));
      } finally {
        db.close();
      }
    });
  }

  it('stopOnEntry stops the main thread at its entry only, not the worker', async () => {
    const dir = tempDir();
    client = new DapClient();
    client.normalize(dir, '${tmp}');
    await client.start('launch', {
      program: PIPELINE,
      cwd: WORKSPACE,
      stopOnEntry: true,
      traceFile: join(dir, 'entry.cinescope'),
    });
    await client.stopped(1);
    await client.ok('continue', { threadId: 1 });
    const started = await client.event<DebugProtocol.ThreadEvent>('thread');
    client.record('thread', started.body);
    const exited = await client.event<DebugProtocol.ThreadEvent>('thread');
    client.record('thread', exited.body);
    await client.event('terminated');
    expect(client.output).toContain('squared 25, total 50');
    // The worker ran through its start without a stop the user has to continue from.
    expect(client.eventsSeen('stopped')).toBe(1);
    client.expectGolden('stop-on-entry-workers');
  });
});

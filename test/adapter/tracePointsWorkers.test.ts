/**
 * Trace points in a file only a worker thread runs: armed on the main thread only for now, so the
 * point says so (mode 'pending' and a sentence), whether it was set before the worker loaded the
 * file or after.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { CustomEvent, CustomRequest } from '../../adapter/customRequests';
import type { TracePointState } from '../../adapter/customRequests';
import { tempDir } from '../helpers';
import { DapClient, FIXTURES } from './dapClient';

const PROGRAM = join(FIXTURES, 'worker.cjs');
const BODY = join(FIXTURES, 'workerBody.cjs');

describe('trace points in worker threads', () => {
  let client: DapClient | undefined;
  afterEach(async () => {
    await client?.dispose();
    client = undefined;
  });

  it('say that a file only a worker runs is not supported yet, set before or after it loads', async () => {
    client = new DapClient();
    await client.start(
      'launch',
      { program: PROGRAM, cwd: FIXTURES, traceFile: join(tempDir(), 'workers.cinescope') },
      { [BODY]: [{ line: 3 }] },
    );
    // Set early: pending whether or not the worker has loaded the file yet (a race the test does
    // not control); once it has, the point says it is in a worker-only file.
    const before = await client.ok(CustomRequest.setTracePoints, { source: { path: BODY }, lines: [4] });
    expect(before.tracePoints.map((t: TracePointState) => t.mode)).toEqual(['pending']);
    const stop = await client.event<DebugProtocol.StoppedEvent>('stopped');
    expect(stop.body.threadId).not.toBe(1);
    const inWorker = (list: TracePointState[]) => /worker thread/.test(list[0]?.message ?? '');
    let told: TracePointState[] = before.tracePoints;
    while (!inWorker(told)) {
      const changed = await client.event<DebugProtocol.Event>(CustomEvent.tracePointsChanged);
      if (changed.body.path === BODY) told = changed.body.tracePoints;
    }
    client.record('set before the worker ran the file, once it has', states(told));
    // After: the answer says so at once.
    const after = await client.ok(CustomRequest.setTracePoints, { source: { path: BODY }, lines: [3, 4] });
    client.record('set after the worker loaded the file', states(after.tracePoints));
    expect(after.tracePoints.map((t: TracePointState) => t.mode)).toEqual(['pending', 'pending']);
    expect(after.tracePoints[0].message).toMatch(/worker thread/);
    await client.ok('continue', { threadId: stop.body.threadId });
    await client.event('terminated');
    expect(client.output).toContain('worker says 400');
    client.expectGolden('tracepoints-workers');
  });
});

function states(list: TracePointState[]) {
  return list.map((t) => ({ line: t.line, mode: t.mode, message: t.message }));
}

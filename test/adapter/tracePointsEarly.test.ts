/**
 * Trace points the client sends at `initialized`, before `configurationDone` (VS Code sends the
 * gutter's trace points then, before the runtime preload has run): they record once the program
 * runs. The session records into its own trace file, read back here.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { CustomEvent, CustomRequest } from '../../adapter/customRequests';
import { TraceDb } from '../../tracedb/traceDb';
import { tempDir } from '../helpers';
import { DapClient, FIXTURES } from './dapClient';

const COUNT = join(FIXTURES, 'count.cjs');
/** `return sum;` in add(a, b). */
const LINE = 4;

describe('trace points set before the program runs', () => {
  let client: DapClient | undefined;
  afterEach(async () => {
    await client?.dispose();
    client = undefined;
  });

  for (const trace of [[], ['count.cjs']]) {
    it(`record every hit once the program runs${trace.length ? ' (file instrumented at load time)' : ''}`, async () => {
      const traceFile = join(tempDir(), 'early.cinescope');
      client = new DapClient();
      await client.ok('initialize', {
        adapterID: 'cinescope',
        linesStartAt1: true,
        columnsStartAt1: true,
        pathFormat: 'path',
      });
      const launched = client.request('launch', { program: COUNT, cwd: FIXTURES, trace, traceFile });
      await client.event('initialized');
      const set = await client.ok(CustomRequest.setTracePoints, { source: { path: COUNT }, lines: [LINE] });
      // The runtime has not run yet: the point waits, saying so.
      expect(set.tracePoints).toEqual([expect.objectContaining({ line: LINE, mode: 'pending' })]);
      client.record('setTracePoints before configurationDone', set.tracePoints.map(modeAndMessage));
      await client.ok('configurationDone');
      expect((await launched).success).toBe(true);
      const changed = await client.event<DebugProtocol.Event>(CustomEvent.tracePointsChanged);
      await client.event('terminated');
      expect(client.output).toContain('total 6');
      const db = await TraceDb.open(traceFile);
      try {
        const hits = db.tracePointHits({ line: LINE });
        expect(hits.map((h) => JSON.parse(h.vars ?? '{}'))).toEqual([
          expect.objectContaining({ a: 0, b: 1, sum: 1 }),
          expect.objectContaining({ a: 1, b: 2, sum: 3 }),
          expect.objectContaining({ a: 3, b: 3, sum: 6 }),
        ]);
      } finally {
        db.close();
      }
      client.record('tracePointsChanged', (changed.body.tracePoints as any[]).map(modeAndMessage));
      client.expectGolden(`tracepoints-early${trace.length ? '-instrumented' : ''}`);
    });
  }
});

function modeAndMessage(state: { line: number; mode: string; message?: string }) {
  return { line: state.line, mode: state.mode, ...(state.message ? { message: state.message } : {}) };
}

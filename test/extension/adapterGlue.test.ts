/**
 * The extension's glue without VS Code: the adapter configured as the extension configures it
 * (adapterOptions) records into the extension's live trace. Everything is real: the adapter, a
 * Node program under the inspector, the runtime, the collector, the TraceDB. Only VS Code's DAP
 * client is replaced by a small one (dapClient.ts); the real VS Code runs in test/e2e.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CinescopeSession } from '../../adapter/session';
import { CustomRequest } from '../../adapter/customRequests';
import { adapterOptions } from '../../extension/adapterOptions';
import { LiveTraces } from '../../extension/liveTraces';
import { ROOT } from '../helpers';
import { DapClient } from './dapClient';

const PROGRAM = join(ROOT, 'test', 'extension', 'fixtures', 'loop.js');
const TRACE_LINE = 6;

let traces: LiveTraces | undefined;
afterEach(async () => {
  await traces?.dispose();
});

describe('the embedded adapter with the extension’s live trace', () => {
  it('records the program and its trace-point hits into the live TraceDB', async () => {
    traces = new LiveTraces();
    const trace = await traces.startFor('root-session', 'Launch loop');
    const client = new DapClient(new CinescopeSession(adapterOptions(ROOT, trace)));

    expect(
      (
        await client.request('initialize', {
          adapterID: 'cinescope',
          linesStartAt1: true,
          columnsStartAt1: true,
          pathFormat: 'path',
        })
      ).success,
    ).toBe(true);
    const launched = client.request('launch', { program: PROGRAM, cwd: ROOT, stopOnEntry: true });
    await client.event('initialized');
    expect((await client.request('configurationDone')).success).toBe(true);
    expect((await launched).success).toBe(true);
    const entry = await client.event('stopped');
    // As the extension does for a running session: the toggled line goes out at once.
    const set = await client.request(CustomRequest.setTracePoints, {
      source: { path: PROGRAM },
      lines: [TRACE_LINE],
    });
    expect(set.success, set.message).toBe(true);
    expect(set.body.tracePoints).toEqual([expect.objectContaining({ line: TRACE_LINE, mode: 'probe' })]);
    expect((await client.request('continue', { threadId: entry.body.threadId })).success).toBe(true);
    await client.event('terminated');

    const output = client.events
      .filter((e) => e.event === 'output' && e.body.category === 'stdout')
      .map((e) => e.body.output)
      .join('');
    expect(output).toContain('total 30');
    await trace.collector.stored();
    const status = await client.request(CustomRequest.traceStatus);
    expect(status.body.destination).toMatch(/live TraceDB/);
    expect(status.body.events).toBe(trace.sample().events);
    expect(trace.sample().events).toBeGreaterThan(0);
    // Each hit carries the trace point's id and the values in scope, without a pause.
    const { id } = set.body.tracePoints[0];
    const hits = trace.db.tracePointHits({}).filter((h) => h.id === id);
    expect(hits.map((h) => JSON.parse(h.vars ?? '{}'))).toEqual(
      [0, 1, 2, 3, 4].map((i) => expect.objectContaining({ i, square: i * i, n: 5 })),
    );
    expect(hits.every((h) => h.via === 'probe')).toBe(true);
    expect(client.events.filter((e) => e.event === 'stopped')).toHaveLength(1);
  });
});

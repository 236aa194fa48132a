/** Launch, breakpoints, stack, scopes, variables, evaluate and the trace file, over real DAP. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Collector } from '../../tracedb/collector';
import { TraceDb } from '../../tracedb/traceDb';
import { tempDir } from '../helpers';
import { DapClient, FIXTURES } from './dapClient';

const COUNT = join(FIXTURES, 'count.cjs');

describe('launch', () => {
  let client: DapClient | undefined;
  afterEach(async () => {
    await client?.dispose();
    client = undefined;
  });

  it('stops at a breakpoint, shows the stack, scopes and variables, evaluates, runs to the end and writes the trace', async () => {
    const dir = tempDir();
    const traceFile = join(dir, 'count.cinescope');
    client = new DapClient();
    client.normalize(dir, '${tmp}');
    await client.start('launch', { program: COUNT, cwd: FIXTURES, traceFile }, { [COUNT]: [{ line: 3 }] });

    const [top, caller] = await client.stopped(3);
    const { scopes } = await client.ok('scopes', { frameId: top.id });
    client.record(
      'scopes',
      scopes.map((s: any) => `${s.name}${s.expensive ? ' (expensive)' : ''}`),
    );
    const locals = await client.ok('variables', { variablesReference: scopes[0].variablesReference });
    client.record(
      'variables Local',
      locals.variables.map((v: any) => `${v.name} = ${v.value}`),
    );
    const closure = scopes.find((s: any) => s.name === 'Closure' || (s.name === 'Local' && s !== scopes[0]));
    if (closure) {
      const vars = await client.ok('variables', { variablesReference: closure.variablesReference });
      client.record(
        'variables Closure',
        vars.variables.map((v: any) => `${v.name} = ${v.value}`),
      );
    }
    const sum = await client.ok('evaluate', { expression: 'a + b', frameId: top.id, context: 'watch' });
    client.record('evaluate a + b', sum);
    const limits = await client.ok('evaluate', {
      expression: 'config.limits',
      frameId: caller.id,
      context: 'hover',
    });
    client.record('evaluate config.limits', {
      result: limits.result,
      expandable: limits.variablesReference > 0,
    });
    const expanded = await client.ok('variables', { variablesReference: limits.variablesReference });
    client.record(
      'variables config.limits',
      expanded.variables.map((v: any) => `${v.name} = ${v.value}`),
    );
    const failed = await client.request('evaluate', {
      expression: 'nope.nothing',
      frameId: top.id,
      context: 'repl',
    });
    client.record('evaluate nope.nothing', { success: failed.success, message: failed.message });

    // Node's own modules have no file: their text comes by reference.
    const { stackFrames } = await client.ok('stackTrace', { threadId: 1 });
    const internal = stackFrames.find((f: any) => f.source?.sourceReference);
    const text = await client.ok('source', {
      source: internal.source,
      sourceReference: internal.source.sourceReference,
    });
    expect(text.content).toContain('function');
    const loaded = await client.ok('loadedSources');
    expect(loaded.sources.map((s: any) => s.path)).toContain(COUNT);

    const status = await client.ok('cinescope/traceStatus');
    client.record('traceStatus destination', status.destination);

    await client.ok('continue', { threadId: 1 });
    await client.stopped(1);
    await client.ok('setBreakpoints', { source: { path: COUNT }, breakpoints: [] });
    await client.ok('continue', { threadId: 1 });

    const exited = await client.event('exited');
    client.record('exited', exited.body);
    await client.event('terminated');
    client.record(
      'output',
      client.output.replace(/wrote \d+ events \(\d+ dropped\)/, 'wrote N events (N dropped)'),
    );
    client.expectGolden('launch');

    expect(existsSync(traceFile)).toBe(true);
    const db = await TraceDb.open(traceFile);
    try {
      const stats = db.stats();
      expect(stats.processes).toBe(1);
      expect(stats.events).toBeGreaterThan(0);
      expect(client.output).toContain(`wrote ${stats.events} events`);
    } finally {
      db.close();
    }
  });

  it('stops on entry when asked, and terminate lets the program end by SIGTERM', async () => {
    const dir = tempDir();
    client = new DapClient();
    client.normalize(dir, '${tmp}');
    const program = join(FIXTURES, 'waiting.cjs');
    await client.start('launch', { program, stopOnEntry: true, traceFile: join(dir, 'waiting.cinescope') });
    await client.stopped(1);
    await client.ok('continue', { threadId: 1 });
    await client.outputContaining('ticking');
    await client.ok('terminate');
    const exited = await client.event('exited');
    client.record('exited', exited.body);
    await client.event('terminated');
    client.record(
      'program output',
      client.output
        .split('\n')
        .filter((l) => !l.startsWith('Cinescope'))
        .join('\n'),
    );
    client.expectGolden('terminate');
  });

  it('ends a program paused at a breakpoint when the client disconnects', async () => {
    const dir = tempDir();
    client = new DapClient();
    await client.start(
      'launch',
      { program: COUNT, traceFile: join(dir, 'paused.cinescope') },
      { [COUNT]: [{ line: 3 }] },
    );
    await client.event('stopped');
    await client.ok('disconnect', { terminateDebuggee: true });
    await client.event('terminated');
    // Not left waiting at its breakpoint: it ended (by SIGTERM, or on its own if quicker), the trace is written.
    expect(existsSync(join(dir, 'paused.cinescope'))).toBe(true);
    client = undefined;
  });

  it("sends the events to the editor's collector when given one, and writes no file", async () => {
    const db = await TraceDb.create();
    const collector = await Collector.start({ db });
    try {
      client = new DapClient({
        collector: {
          url: collector.url,
          token: collector.token,
          stats: () => ({ events: collector.stats.events, dropped: 0 }),
        },
      });
      await client.start('launch', { program: COUNT, cwd: FIXTURES, trace: ['count.cjs'] });
      await client.event('terminated');
      await collector.idle(5000);
      const status = await client.ok('cinescope/traceStatus');
      expect(status.destination).toBe('the live TraceDB of the editor');
      expect(db.callsOf('add').length).toBe(3);
      expect(status.events).toBeGreaterThan(0);
      expect(client.output).not.toContain('Cinescope: wrote');
    } finally {
      await collector.close();
      db.close();
    }
  });
});

/** Stepping, conditions, hit counts, logpoints, exceptions, ES modules, instrumented and mapped code. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { TraceDb } from '../../tracedb/traceDb';
import { tempDir } from '../helpers';
import { DapClient, FIXTURES } from './dapClient';

const COUNT = join(FIXTURES, 'count.cjs');

describe('breakpoints and stepping', () => {
  let client: DapClient | undefined;
  let traceDir = '';
  afterEach(async () => {
    await client?.dispose();
    client = undefined;
  });

  function newClient(): DapClient {
    traceDir = tempDir();
    client = new DapClient();
    client.normalize(traceDir, '${tmp}');
    return client;
  }
  const traceFile = () => join(traceDir, 'trace.cinescope');

  async function runToEnd(c: DapClient): Promise<void> {
    const exited = await c.event('exited');
    c.record('exited', exited.body);
    await c.event('terminated');
  }

  it('steps in, over and out', async () => {
    const c = newClient();
    await c.start('launch', { program: COUNT, traceFile: traceFile() }, { [COUNT]: [{ line: 10 }] });
    await c.stopped(1);
    await c.ok('setBreakpoints', { source: { path: COUNT }, breakpoints: [] });
    for (const step of ['stepIn', 'next', 'stepOut', 'next']) {
      await c.ok(step, { threadId: 1 });
      c.record(step, '');
      await c.stopped(2);
    }
    await c.ok('continue', { threadId: 1 });
    await runToEnd(c);
    c.expectGolden('stepping');
  });

  it('honours conditions, hit counts and logpoints', async () => {
    const c = newClient();
    await c.start(
      'launch',
      { program: COUNT, traceFile: traceFile() },
      {
        [COUNT]: [
          { line: 3, condition: 'b === 2' },
          { line: 4, hitCondition: '==3' },
          { line: 10, logMessage: 'i is {i}, total {total}, {nope}' },
          { line: 11, hitCondition: 'often' },
        ],
      },
    );
    const [first] = await c.stopped(1);
    const b = await c.ok('evaluate', { expression: 'b', frameId: first.id, context: 'watch' });
    c.record('b', b.result);
    await c.ok('continue', { threadId: 1 });
    const [second] = await c.stopped(1);
    const sum = await c.ok('evaluate', { expression: 'sum', frameId: second.id, context: 'watch' });
    c.record('sum at the third return', sum.result);
    await c.ok('continue', { threadId: 1 });
    await runToEnd(c);
    c.record(
      'output',
      c.output
        .split('\n')
        .filter((l) => !l.startsWith('Cinescope: wrote'))
        .join('\n'),
    );
    c.expectGolden('conditions');
  });

  it('stops on caught and uncaught exceptions with the filter "all", only uncaught with "uncaught"', async () => {
    const program = join(FIXTURES, 'throws.cjs');
    for (const filter of ['all', 'uncaught']) {
      const c = newClient();
      c.record('filter', filter);
      await c.start('launch', { program, traceFile: traceFile() }, {}, [filter]);
      await c.stopped(1);
      await c.ok('continue', { threadId: 1 });
      if (filter === 'all') {
        await c.stopped(2);
        await c.ok('continue', { threadId: 1 });
      }
      await runToEnd(c);
      c.expectGolden(`exceptions-${filter}`);
      await c.dispose();
      client = undefined;
    }
  });

  it('stops in an ES module and shows where it was called from', async () => {
    const helper = join(FIXTURES, 'esmHelper.mjs');
    const c = newClient();
    await c.start(
      'launch',
      { program: join(FIXTURES, 'esm.mjs'), traceFile: traceFile() },
      { [helper]: [{ line: 2 }] },
    );
    const [top] = await c.stopped(3);
    const scopes = await c.ok('scopes', { frameId: top.id });
    const locals = await c.ok('variables', { variablesReference: scopes.scopes[0].variablesReference });
    c.record(
      'variables Local',
      locals.variables.map((v: any) => `${v.name} = ${v.value}`),
    );
    await c.ok('setBreakpoints', { source: { path: helper }, breakpoints: [] });
    await c.ok('continue', { threadId: 1 });
    await runToEnd(c);
    c.expectGolden('esm');
    expect(c.output).toContain('2,4,6');
  });

  it('stops on the original line of a file instrumented at load time, and records its calls', async () => {
    const c = newClient();
    await c.start(
      'launch',
      { program: COUNT, cwd: FIXTURES, trace: ['count.cjs'], traceFile: traceFile() },
      { [COUNT]: [{ line: 3 }, { line: 12 }] },
    );
    const [top] = await c.stopped(2);
    // As untraced: the probes' try wrapper is folded into Local (adapter/wrapperScopes.ts).
    const { scopes } = await c.ok('scopes', { frameId: top.id });
    for (const scope of scopes.filter((s: any) => !s.expensive)) {
      const vars = await c.ok('variables', { variablesReference: scope.variablesReference });
      c.record(
        `variables ${scope.name}`,
        vars.variables.map((v: any) => `${v.name} = ${v.value}`),
      );
    }
    // Stepping goes over the probes: to the next line, then to the end of the function.
    for (const step of ['next', 'next']) {
      await c.ok(step, { threadId: 1 });
      c.record(step, '');
      await c.stopped(1);
    }
    await c.ok('setBreakpoints', { source: { path: COUNT }, breakpoints: [{ line: 12 }] });
    await c.ok('continue', { threadId: 1 });
    await c.stopped(1);
    await c.ok('continue', { threadId: 1 });
    await runToEnd(c);
    c.expectGolden('instrumented');
    const db = await TraceDb.open(traceFile());
    try {
      expect(db.callsOf('add').length).toBe(3);
    } finally {
      db.close();
    }
  });

  it('stops on the original line of an ES module instrumented at load time', async () => {
    const helper = join(FIXTURES, 'esmHelper.mjs');
    const c = newClient();
    await c.start(
      'launch',
      { program: join(FIXTURES, 'esm.mjs'), cwd: FIXTURES, trace: ['esmHelper.mjs'], traceFile: traceFile() },
      { [helper]: [{ line: 3 }] },
    );
    const [top] = await c.stopped(2);
    const result = await c.ok('evaluate', { expression: 'result', frameId: top.id, context: 'watch' });
    c.record('result', result.result);
    await c.ok('setBreakpoints', { source: { path: helper }, breakpoints: [] });
    await c.ok('continue', { threadId: 1 });
    await runToEnd(c);
    c.expectGolden('instrumented-esm');
    const db = await TraceDb.open(traceFile());
    try {
      expect(db.callsOf('double').length).toBe(3);
    } finally {
      db.close();
    }
  });

  it('maps breakpoints and stack frames through an inline source map', async () => {
    const dir = tempDir();
    const source = join(dir, 'shapes.ts');
    writeFileSync(source, readFileSync(join(FIXTURES, 'shapes.ts')));
    const compiled = transformSync(readFileSync(source, 'utf8'), {
      loader: 'ts',
      format: 'cjs',
      sourcemap: 'inline',
      sourcefile: source,
    });
    const program = join(dir, 'shapes.js');
    writeFileSync(program, compiled.code);
    const c = newClient();
    c.normalize(dir, '${compiled}');
    await c.start('launch', { program, traceFile: traceFile() }, { [source]: [{ line: 9 }] });
    const [top] = await c.stopped(2);
    const factor = await c.ok('evaluate', { expression: 'factor', frameId: top.id, context: 'hover' });
    c.record('factor', factor.result);
    await c.ok('setBreakpoints', { source: { path: source }, breakpoints: [] });
    await c.ok('continue', { threadId: 1 });
    await runToEnd(c);
    c.expectGolden('sourcemap');
    expect(c.output).toContain('4.00 3.14');
  });
});

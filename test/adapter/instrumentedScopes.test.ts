/**
 * A frame in a file instrumented at load time shows the same scopes and variables as the same
 * frame untraced: the instrumenter's `try{` wrapper block is folded into Local, and a closure that
 * only holds the probes' own variables is not shown.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { tempDir } from '../helpers';
import { DapClient, FIXTURES } from './dapClient';

const SCOPES = join(FIXTURES, 'scopes.cjs');

/** Every non-expensive scope of the top frame, with its variables, as `Name: a = 1, b = 2`. */
async function scopesAt(client: DapClient, line: number, traced: boolean): Promise<string[]> {
  await client.start(
    'launch',
    {
      program: SCOPES,
      cwd: FIXTURES,
      trace: traced ? ['scopes.cjs'] : [],
      traceFile: join(tempDir(), 'scopes.cinescope'),
    },
    { [SCOPES]: [{ line }] },
  );
  const stop = await client.event<DebugProtocol.StoppedEvent>('stopped');
  const { stackFrames } = await client.ok('stackTrace', { threadId: stop.body.threadId, levels: 1 });
  expect(stackFrames[0].line).toBe(line);
  const { scopes } = await client.ok('scopes', { frameId: stackFrames[0].id });
  const shown: string[] = [];
  for (const scope of scopes as DebugProtocol.Scope[]) {
    if (scope.expensive) continue;
    const { variables } = await client.ok('variables', { variablesReference: scope.variablesReference });
    const list = (variables as DebugProtocol.Variable[]).map((v) => `${v.name} = ${v.value}`).join(', ');
    shown.push(`${scope.name}${scope.presentationHint ? ` (${scope.presentationHint})` : ''}: ${list}`);
  }
  return shown;
}

describe('scopes in instrumented code', () => {
  const clients: DapClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.dispose();
  });

  // The lines of scopes.cjs: in a function body, in a nested block, in a method, in an arrow closure.
  for (const [where, line] of [
    ['a function body', 5],
    ['a nested block', 11],
    ['a method', 18],
    ['an arrow function with a closure', 25],
    ['a closure over a block of its own', 34],
  ] as const) {
    it(`shows the untraced scopes in ${where}`, async () => {
      const untraced = new DapClient();
      const traced = new DapClient();
      clients.push(untraced, traced);
      const expected = await scopesAt(untraced, line, false);
      const shown = await scopesAt(traced, line, true);
      traced.record(`scopes at line ${line}`, shown.join('\n'));
      expect(shown).toEqual(expected);
      traced.expectGolden(`instrumented-scopes-${line}`);
    });
  }
});

// The journey's step runner and contribution checks, without VS Code: what a developer reads in the
// e2e summary (passed, failed and why) must be right even when the run goes wrong. The
// real Driver talks HTTP to the harness; here a recording double stands in for the page.
import { describe, expect, it } from 'vitest';
import { missingContributions } from './suite/contributions';
import type { Driver } from './suite/driver';
import { runSteps, type JourneyContext, type Step } from './suite/step';

function context(contributes: object = {}) {
  const screenshots: string[] = [];
  const driver = {
    screenshot: async (step: string) => void screenshots.push(step),
    takeShots: () => screenshots.splice(0),
    takeNotes: () => [],
  } as unknown as Driver;
  const ctx = {
    config: {} as JourneyContext['config'],
    driver,
    extension: { packageJSON: { contributes } } as JourneyContext['extension'],
    shared: new Map(),
  };
  return ctx;
}

describe('runSteps', () => {
  it('passes, fails with the error and a screenshot, and does not run what depends on a failure', async () => {
    const ran: string[] = [];
    const steps: Step[] = [
      { name: 'a', run: async () => void ran.push('a') },
      {
        name: 'b',
        run: async () => {
          throw new Error('the panel shows nothing');
        },
      },
      { name: 'c', after: ['b'], run: async () => void ran.push('c') },
      { name: 'd', after: ['a'], run: async () => void ran.push('d') },
    ];
    const progress: number[] = [];
    const results = await runSteps(steps, context(), (r) => progress.push(r.length));
    expect(ran).toEqual(['a', 'd']);
    expect(results.map((r) => [r.name, r.status, r.detail])).toEqual([
      ['a', 'passed', undefined],
      ['b', 'failed', 'the panel shows nothing'],
      ['c', 'failed', 'not run: "b" did not pass'],
      ['d', 'passed', undefined],
    ]);
    expect(results[1].screenshots).toEqual(['b (failed)']);
    expect(progress).toEqual([1, 2, 3, 4]);
  });

  it('fails a step whose contribution is missing, naming it, and its dependants too', async () => {
    const ctx = context({ commands: [{ command: 'cinescope.showTimeline' }] });
    const steps: Step[] = [
      {
        name: 'debug',
        unavailable: (c) => missingContributions(c.extension, { debuggers: ['cinescope'] }),
        run: async () => undefined,
      },
      { name: 'variables', after: ['debug'], run: async () => undefined },
      {
        name: 'timeline',
        unavailable: (c) => missingContributions(c.extension, { commands: ['cinescope.showTimeline'] }),
        run: async () => undefined,
      },
    ];
    const results = await runSteps(steps, ctx, () => undefined);
    expect(results.map((r) => [r.status, r.detail])).toEqual([
      ['failed', 'waits for the extension to contribute debugger type "cinescope"'],
      ['failed', 'not run: "debug" did not pass'],
      ['passed', undefined],
    ]);
    // Nothing in the journey may come out as anything but passed or failed: a skip would let a
    // .vsix that lost its debugger or a command pass.
    expect(results.every((r) => r.status === 'passed' || r.status === 'failed')).toBe(true);
  });
});

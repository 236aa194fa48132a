/**
 * The fidelity table: every program runs in a fresh Node process as written, instrumented with the
 * recording probes on (all sites), and instrumented with no runtime at all (the fallback), and must
 * print the same stdout and stderr and exit the same way. With probes on, the recorded calls must
 * also obey the contract (no exit out of order, nothing after an exit).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asyncCases } from './fidelity/asyncCases';
import type { FidelityCase } from './fidelity/cases';
import { classCases } from './fidelity/classCases';
import { expressionCases } from './fidelity/expressionCases';
import { functionCases } from './fidelity/functionCases';
import { bundlePreload, normalise, runNode, writeInstrumented, writeWithIdentityMap } from './harness';

const cases: FidelityCase[] = [...functionCases, ...classCases, ...asyncCases, ...expressionCases];

let root: string;
let preload: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cinescope-fidelity-'));
  preload = bundlePreload(root);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Writes the case into `dir`, instrumented or not; returns the entry file and the warnings. */
function writeCase(c: FidelityCase, dir: string, mode: 'original' | 'catch' | 'noCatch') {
  const files = c.files ?? { [`main${c.ext ?? '.js'}`]: c.code!.replace(/^\n/, '') };
  const warnings: string[] = [];
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    if (mode === 'original') writeWithIdentityMap(path, text);
    else warnings.push(...writeInstrumented(path, text, { captureThrows: mode === 'catch' }).warnings);
  }
  return {
    entry: join(
      dir,
      Object.keys(files).find((n) => n.startsWith('main.'))!,
    ),
    warnings,
  };
}

async function runCase(
  entry: string,
  dir: string,
  preloadFile?: string,
): Promise<Outcome & { probes?: any }> {
  const out = join(dir, 'probes.json');
  const env = preloadFile ? { CINESCOPE_TEST_PROBES_OUT: out } : {};
  const result = await runNode(entry, { preload: preloadFile, env });
  const outcome = {
    code: result.code,
    stdout: normalise(result.stdout, dir),
    stderr: normalise(result.stderr, dir),
  };
  return preloadFile ? { ...outcome, probes: JSON.parse(readFileSync(out, 'utf8')) } : outcome;
}

/** Lines of stderr with the known-different ones blanked out (both sides get the same treatment). */
function maskStderr(stderr: string, c: FidelityCase): string {
  const lines = stderr.split('\n');
  for (const i of c.knownStderrDifference?.lines ?? []) lines[i] = '<known difference>';
  return lines.join('\n');
}

describe('fidelity: instrumented programs behave exactly like the originals', () => {
  it.concurrent.each(cases.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
    const base = join(root, String(i));
    const original = writeCase(c, join(base, 'original'), 'original');
    const traced = writeCase(c, join(base, 'traced'), 'catch');
    const fallback = writeCase(c, join(base, 'fallback'), 'catch');
    const noCatch = c.alsoWithoutCatch ? writeCase(c, join(base, 'noCatch'), 'noCatch') : null;

    const [expected, withProbes, withoutRuntime, withoutCatch] = await Promise.all([
      runCase(original.entry, join(base, 'original')),
      runCase(traced.entry, join(base, 'traced'), preload),
      runCase(fallback.entry, join(base, 'fallback')),
      noCatch ? runCase(noCatch.entry, join(base, 'noCatch'), preload) : null,
    ]);

    // The program does what the case means (so a broken case cannot pass by printing nothing).
    expect(expected.code, expected.stderr).toBe(c.exitCode ?? 0);
    if (c.prints) expect(expected.stdout).toContain(c.prints);

    for (const actual of [withProbes, withoutRuntime]) {
      expect(actual.stdout).toBe(expected.stdout);
      expect(actual.code).toBe(expected.code);
      if (c.knownStderrDifference) {
        expect(maskStderr(actual.stderr, c)).toBe(maskStderr(expected.stderr, c));
        expect(actual.stderr).not.toBe(expected.stderr); // else the known difference is gone: drop it
      } else {
        expect(actual.stderr).toBe(expected.stderr);
      }
    }
    if (withoutCatch) expect(withoutCatch).toMatchObject({ ...expected, probes: { problems: [] } });

    expect(withProbes.probes.problems).toEqual([]);
    expect(withProbes.probes.counts.enter).toBeGreaterThan(0);
    expect(withProbes.probes.counts.exit).toBeGreaterThan(0);

    const warnings = traced.warnings.join('\n');
    for (const expectedWarning of c.warnings ?? []) expect(warnings).toContain(expectedWarning);
    if (!c.warnings) expect(traced.warnings).toEqual([]);
  });
});

// `npm test`: builds the bundles the tests run, runs vitest, then the end-to-end journey in a real
// VS Code (test/e2e/run.mjs), and ends with one plain summary line ("tests: N passed, N failed,
// N skipped") that CI reads; e2e steps count in it as passed or failed. Extra
// arguments go to vitest and leave the end-to-end journey out (a subset was asked for).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const report = join(mkdtempSync(join(tmpdir(), 'cinescope-vitest-')), 'report.json');
const vitest = spawnSync(
  process.execPath,
  [
    'node_modules/vitest/vitest.mjs',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);
const total = { passed: 0, failed: 0, skipped: 0 };
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  total.passed += r.numPassedTests;
  total.failed += r.numFailedTests;
  total.skipped += r.numPendingTests + r.numTodoTests;
} catch {
  total.failed += 1;
  console.log('vitest wrote no report');
}

let e2eStatus = 0;
if (process.argv.length <= 2) {
  // The journey writes its own counts; a harness that could not start counts as one failure.
  const summary = join(dirname(report), 'e2e-summary.json');
  e2eStatus =
    spawnSync(process.execPath, ['test/e2e/run.mjs', '--summary', summary], { stdio: 'inherit' }).status ?? 1;
  try {
    const e2e = JSON.parse(readFileSync(summary, 'utf8'));
    total.passed += e2e.passed;
    total.failed += e2e.failed;
  } catch {
    total.failed += 1;
    console.log('the end-to-end harness wrote no summary');
  }
}
console.log(`tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(vitest.status !== 0 || e2eStatus !== 0 ? 1 : 0);

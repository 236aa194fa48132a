// Entry of the end-to-end tests: bundles the harness and the in-VS Code suite, then runs the
// harness. `node test/e2e/run.mjs [--mode development|vsix] [--keep-profile] [--summary FILE]`; the
// extension's own bundles must be built first (`npm run test:e2e` and `npm test` do it).
import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildE2e, e2e, repo, results } from './build.mjs';

// One run at a time per checkout: runs share test-results/e2e/ (and two VS Codes on two cores
// would only slow each other down). A lock left by a dead process is taken over.
const lock = join(results, '.lock');
mkdirSync(results, { recursive: true });
for (let announced = false; ;) {
  try {
    const fd = openSync(lock, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    break;
  } catch {
    let holder = 0;
    try {
      holder = Number(readFileSync(lock, 'utf8'));
    } catch {
      continue; // released meanwhile
    }
    if (!holder) {
      await sleep(200); // being written
      continue;
    }
    let alive = false;
    try {
      alive = process.kill(holder, 0);
    } catch {
      alive = false;
    }
    if (!alive) {
      rmSync(lock, { force: true });
      continue;
    }
    if (!announced) console.log(`e2e: waiting for the run of process ${holder} to finish`);
    announced = true;
    await sleep(2_000);
  }
}
process.on('exit', () => {
  try {
    if (readFileSync(lock, 'utf8') === String(process.pid)) rmSync(lock, { force: true });
  } catch {
    // Already gone.
  }
});

const { harness, suite } = await buildE2e();
const { main } = await import(pathToFileURL(harness).href);
process.exitCode = await main(process.argv.slice(2), { repo, e2e, results, suite });

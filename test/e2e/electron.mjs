// `npm run test:electron`: the same journey in a desktop VS Code downloaded by @vscode/test-electron,
// for machines that can reach Microsoft's download servers (CI here cannot: it uses run.mjs and
// code-server). Without the browser harness the steps check what the `vscode` API shows; the checks
// that read the page (text on screen, the timeline canvas) report that they need run.mjs.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runTests } from '@vscode/test-electron';
import { buildE2e, e2e, repo, results } from './build.mjs';

const { suite } = await buildE2e();
const out = join(results, 'electron');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const profile = mkdtempSync(join(tmpdir(), 'cinescope-e2e-electron-'));
const workspace = join(profile, 'workspace');
cpSync(join(e2e, 'workspace'), workspace, { recursive: true });
const recordedTrace = join(out, 'worker-pipeline.cinescope');
const record = spawnSync(
  process.execPath,
  [
    'bin/cinescope.js',
    'record',
    '--out',
    recordedTrace,
    '--',
    process.execPath,
    'examples/worker-pipeline/main.mjs',
  ],
  { cwd: repo, encoding: 'utf8' },
);
if (record.status !== 0) {
  console.error(`test:electron: cinescope record failed:\n${record.stderr}`);
  process.exit(1);
}
const config = {
  mode: 'development',
  driverUrl: '',
  workspace,
  recordedTrace,
  resultsFile: join(out, 'results.json'),
  dapLog: join(out, 'dap.log'),
  extensionsDir: join(profile, 'extensions'),
  repoRoot: repo,
};
writeFileSync(join(dirname(suite), 'config.json'), JSON.stringify(config, null, 2));
try {
  process.exitCode = await runTests({
    extensionDevelopmentPath: repo,
    extensionTestsPath: suite,
    launchArgs: [
      workspace,
      '--disable-workspace-trust',
      '--user-data-dir',
      join(profile, 'user-data'),
      '--extensions-dir',
      join(profile, 'extensions'),
    ],
  });
} catch (error) {
  console.error(`test:electron: ${error instanceof Error ? error.message : error}`);
  console.error('(It needs to download VS Code; on machines that cannot, run `npm run test:e2e`.)');
  process.exitCode = 1;
} finally {
  rmSync(profile, { recursive: true, force: true });
  console.log(`results and DAP log: ${out}`);
}

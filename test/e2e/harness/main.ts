/**
 * The end-to-end harness (`node test/e2e/run.mjs`): records a trace with the CLI, starts a real
 * VS Code (code-server) with a throw-away profile, opens it in Chromium with the journey suite as
 * `extensionTestsPath`, answers the suite's requests to look at the page, and always stops
 * everything it started. Runs the journey twice: with the extension loaded from the checkout
 * (`development`) and installed from the packaged .vsix (`vsix`), so what users install is tested.
 * Screenshots and logs go to test-results/e2e/<mode>/; test-results/e2e/summary.json sums up.
 *
 *   node test/e2e/run.mjs [--mode development|vsix] [--keep-profile] [--summary FILE]
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type * as Playwright from 'playwright-core';
import type { StepResult, SuiteConfig, SuiteResults } from '../suite/driverProtocol';
import { CodeServer, installExtension, makeProfile } from './codeServer';
import { Workbench } from './workbench';

type Mode = SuiteConfig['mode'];

export interface RunSummary {
  mode: Mode;
  seconds: number;
  /** Why the run could not finish its journey (start-up failure, timeout), if it did not. */
  error?: string;
  steps: StepResult[];
}

export interface Summary {
  passed: number;
  failed: number;
  runs: RunSummary[];
}

interface Paths {
  repo: string;
  e2e: string;
  results: string;
  /** The built suite (`run.mjs` bundles it). */
  suite: string;
}

/** A sentence that tells a developer what to install, or undefined when everything is there. */
function missingPrerequisites(paths: Paths): { entry: string; chromium: string } | string {
  const entry = join(paths.e2e, 'node_modules/code-server/out/node/entry.js');
  const playwright = join(paths.e2e, 'node_modules/playwright-core/package.json');
  if (!existsSync(entry) || !existsSync(playwright)) {
    return (
      'The end-to-end tests need their own dependencies in test/e2e: follow "End-to-end tests" in ' +
      'README.md (the Debian packages chromium, ripgrep, libkrb5-dev, build-essential and python3, ' +
      'the ripgrep archive, then ' +
      '`npm_config_yes=true npm ci --prefix test/e2e --unsafe-perm`); .ci/run does it all.'
    );
  }
  const chromium = process.env.CINESCOPE_E2E_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    return `The end-to-end tests drive Chromium at ${chromium}: install it (apt-get install chromium) or set CINESCOPE_E2E_CHROMIUM.`;
  }
  return { entry, chromium };
}

function recordTrace(paths: Paths, out: string): string {
  const file = join(out, 'worker-pipeline.cinescope');
  const result = spawnSync(
    process.execPath,
    [
      join(paths.repo, 'bin/cinescope.js'),
      'record',
      '--out',
      file,
      '--',
      process.execPath,
      'examples/worker-pipeline/main.mjs',
    ],
    { cwd: paths.repo, encoding: 'utf8', timeout: 60_000 },
  );
  if (result.status !== 0 || !existsSync(file)) {
    throw new Error(`cinescope record failed (exit ${result.status}):\n${result.stderr}`);
  }
  return file;
}

function packageVsix(paths: Paths): string {
  const result = spawnSync('npm', ['run', '--silent', 'package'], {
    cwd: paths.repo,
    encoding: 'utf8',
    timeout: 180_000,
  });
  const vsix = join(paths.repo, 'dist/cinescope.vsix');
  if (result.status !== 0 || !existsSync(vsix)) {
    throw new Error(`npm run package failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  }
  return vsix;
}

/** Runs the journey once; everything it writes goes under `out`. */
async function runJourney(
  mode: Mode,
  paths: Paths,
  tools: { entry: string; chromium: string },
  keepProfile: boolean,
  /** Gets a sentence when processes outlive the run. */
  leftovers: string[],
): Promise<RunSummary> {
  const started = Date.now();
  const out = join(paths.results, mode);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const profile = makeProfile(mkdtempSync(join(tmpdir(), 'cinescope-e2e-')));
  const workspace = join(profile.root, 'workspace');
  cpSync(join(paths.e2e, 'workspace'), workspace, { recursive: true });

  // The suite lives in a folder of its own; in vsix mode that folder is also the (empty) extension
  // under development, because VS Code only runs `extensionTestsPath` together with one.
  const host = join(out, 'host');
  mkdirSync(host, { recursive: true });
  copyFileSync(paths.suite, join(host, 'suite.js'));
  writeFileSync(
    join(host, 'package.json'),
    JSON.stringify({
      name: 'cinescope-e2e-host',
      publisher: 'cinescope-e2e',
      version: '0.0.0',
      engines: { vscode: '^1.100.0' },
    }),
  );

  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  const resultsFile = join(out, 'results.json');
  try {
    const recordedTrace = recordTrace(paths, out);
    if (mode === 'vsix') installExtension(tools.entry, profile, packageVsix(paths));
    server = await CodeServer.start(tools.entry, profile, join(out, 'code-server.log'));
    const require = createRequire(join(paths.e2e, 'package.json'));
    const { chromium } = require('playwright-core') as typeof Playwright;
    workbench = await Workbench.open(chromium, tools.chromium, out, join(out, 'browser-console.log'));
    const config: SuiteConfig = {
      mode,
      driverUrl: await workbench.serveDriver(),
      workspace,
      recordedTrace,
      resultsFile,
      dapLog: join(out, 'dap.log'),
      extensionsDir: profile.extensionsDir,
      repoRoot: paths.repo,
    };
    writeFileSync(join(host, 'config.json'), JSON.stringify(config, null, 2));

    let exitCode: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => (exitCode = resolve));
    // VS Code calls this in the page when the suite's run() settles.
    await workbench.page.exposeFunction('codeAutomationExit', (code: number) => exitCode(code));
    const remote = (path: string) => `vscode-remote://127.0.0.1:${server?.port}${path}`;
    const payload = [
      ['extensionDevelopmentPath', remote(mode === 'development' ? paths.repo : host)],
      ['extensionTestsPath', remote(join(host, 'suite.js'))],
    ];
    await workbench.login(server.url, server.password);
    const url = `${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await workbench.page.goto(url);
    const timeoutMs = Number(process.env.CINESCOPE_E2E_TIMEOUT_MS ?? 240_000);
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      exited,
      new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs))),
    ]);
    clearTimeout(timer);
    const steps = existsSync(resultsFile)
      ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as SuiteResults).steps
      : [];
    if (code === 'timeout') {
      await workbench.screenshot('timeout').catch(() => undefined);
      return {
        mode,
        seconds: (Date.now() - started) / 1000,
        error:
          `the journey did not finish within ${timeoutMs / 1000} s` +
          (steps.length ? `; the step after "${steps[steps.length - 1].name}" hung` : ''),
        steps,
      };
    }
    if (steps.length === 0) {
      return {
        mode,
        seconds: (Date.now() - started) / 1000,
        error: `the suite exited with ${code} and wrote no results`,
        steps,
      };
    }
    return { mode, seconds: (Date.now() - started) / 1000, steps };
  } catch (error) {
    await workbench?.screenshot('harness error').catch(() => undefined);
    return { mode, seconds: (Date.now() - started) / 1000, error: (error as Error).message, steps: [] };
  } finally {
    await workbench?.close();
    const left = (await server?.stop()) ?? '';
    if (left) leftovers.push(left);
    // VS Code's own logs (extension host, debug adapters) sit in the profile: keep them with the run.
    const logs = join(profile.userDataDir, 'logs');
    if (existsSync(logs)) cpSync(logs, join(out, 'vscode-logs'), { recursive: true });
    if (!keepProfile) rmSync(profile.root, { recursive: true, force: true });
  }
}

function print(run: RunSummary, repo: string, out: string): void {
  // 'unavailable' comes only from an older suite; a missing feature fails the journey all the same.
  const marks = { passed: 'ok  ', failed: 'FAIL', unavailable: 'FAIL' } as const;
  console.log(`\ne2e journey (${run.mode}), ${run.seconds.toFixed(1)} s`);
  for (const step of run.steps) {
    console.log(`  ${marks[step.status]} ${step.name}${step.detail ? `\n         ${step.detail}` : ''}`);
  }
  if (run.error) console.log(`  FAIL ${run.error}`);
  console.log(`  screenshots and logs: ${relative(process.cwd(), out) || '.'} (from ${repo})`);
}

export async function main(argv: string[], paths: Paths): Promise<number> {
  const modeArg = argv.includes('--mode') ? argv[argv.indexOf('--mode') + 1] : undefined;
  if (modeArg !== undefined && modeArg !== 'development' && modeArg !== 'vsix') {
    console.error(`--mode takes "development" or "vsix", not ${JSON.stringify(modeArg)}.`);
    return 2;
  }
  const modes: Mode[] = modeArg ? [modeArg] : ['development', 'vsix'];
  // Exiting runs the 'exit' hooks that kill code-server's group (and Playwright's, the browser's).
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
  const tools = missingPrerequisites(paths);
  // npm test names its own file, so that another run in the same checkout cannot swap it.
  const summaryFile = argv.includes('--summary')
    ? argv[argv.indexOf('--summary') + 1]
    : join(paths.results, 'summary.json');
  mkdirSync(paths.results, { recursive: true });
  if (typeof tools === 'string') {
    console.error(tools);
    const summary: Summary = { passed: 0, failed: 1, runs: [] };
    writeFileSync(summaryFile, JSON.stringify(summary, null, 2));
    return 2;
  }
  const runs: RunSummary[] = [];
  for (const mode of modes) {
    const leftovers: string[] = [];
    const run = await runJourney(mode, paths, tools, argv.includes('--keep-profile'), leftovers);
    // Processes that outlive the run fail it: the next run, or the developer's machine, pays for them.
    if (leftovers.length) run.error = [run.error, ...leftovers].filter(Boolean).join('; ');
    runs.push(run);
    print(run, paths.repo, join(paths.results, mode));
  }
  const count = (status: StepResult['status']) =>
    runs.reduce((n, r) => n + r.steps.filter((s) => s.status === status).length, 0);
  const summary: Summary = {
    passed: count('passed'),
    // A run that broke down before its journey finished counts as one failure. A step whose feature
    // the extension does not contribute is a failure too: the extension ships every feature.
    failed: count('failed') + count('unavailable') + runs.filter((r) => r.error).length,
    runs,
  };
  writeFileSync(summaryFile, JSON.stringify(summary, null, 2));
  console.log(`\ne2e: ${summary.passed} passed, ${summary.failed} failed`);
  return summary.failed ? 1 : 0;
}

/**
 * The entry VS Code loads as `extensionTestsPath`: it runs inside the extension host, takes the
 * journey's steps with the real `vscode` API and writes their results for the harness. VS Code
 * reports the returned promise to the page (`window.codeAutomationExit`): resolved is exit code 0.
 *
 * The only code outside extension/ that imports `vscode`: a suite that runs in the extension host
 * has no other way to drive VS Code.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { DebugWatch } from './debugWatch';
import { Driver } from './driver';
import type { StepResult, SuiteConfig, SuiteResults } from './driverProtocol';
import { DEBUG_TYPE, journey } from './journey';
import { runSteps } from './step';

const EXTENSION_ID = 'cinescope.cinescope';

export async function run(): Promise<void> {
  const config = JSON.parse(readFileSync(join(__dirname, 'config.json'), 'utf8')) as SuiteConfig;
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) {
    const results: SuiteResults = {
      mode: config.mode,
      steps: [
        {
          name: 'the extension is installed',
          status: 'failed',
          detail: `VS Code has no extension ${EXTENSION_ID}`,
          screenshots: [],
        },
      ],
    };
    writeFileSync(config.resultsFile, JSON.stringify(results, null, 2));
    throw new Error(results.steps[0].detail);
  }
  const watch = new DebugWatch(DEBUG_TYPE, config.dapLog);
  try {
    const driver = new Driver(config.driverUrl);
    const write = (steps: StepResult[]) => {
      const results: SuiteResults = { mode: config.mode, steps };
      writeFileSync(config.resultsFile, JSON.stringify(results, null, 2));
    };
    const steps = await runSteps(journey(watch), { config, driver, extension, shared: new Map() }, write);
    const failed = steps.filter((s) => s.status === 'failed');
    if (failed.length) throw new Error(`${failed.length} journey step(s) failed`);
  } finally {
    await vscode.debug.stopDebugging();
    watch.dispose();
  }
}

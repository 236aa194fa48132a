/**
 * One step of the user's journey, and the runner that takes them in order. A step whose command,
 * view or debugger the extension does not contribute fails with what is missing: every feature is
 * contributed, so a build (or a .vsix) that loses one must not pass. A step whose prerequisite did
 * not pass is not run, fails too, and says which one.
 */
import type * as vscode from 'vscode';
import type { Driver } from './driver';
import type { StepResult, SuiteConfig } from './driverProtocol';

export interface JourneyContext {
  config: SuiteConfig;
  driver: Driver;
  /** The Cinescope extension as VS Code loaded it. */
  extension: vscode.Extension<unknown>;
  /** What earlier steps found out and later ones use (a debug session, a trace file). */
  shared: Map<string, unknown>;
}

export interface Step {
  name: string;
  /** Steps that must have passed first. */
  after?: string[];
  /** What the extension lacks for this step (a sentence; the step then fails), or undefined. */
  unavailable?(ctx: JourneyContext): string | undefined;
  run(ctx: JourneyContext): Promise<void>;
}

/** Runs the steps in order; one step's failure does not stop the independent ones. */
export async function runSteps(
  steps: Step[],
  ctx: JourneyContext,
  /** Called after each step with the results so far (so a hung journey still tells what passed). */
  progress: (results: StepResult[]) => void,
): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (const step of steps) {
    const result = await runStep(step, ctx, results);
    results.push(result);
    progress(results);
    console.log(
      `[cinescope-e2e] ${result.status.padEnd(11)} ${step.name}${result.detail ? ` — ${result.detail}` : ''}`,
    );
  }
  return results;
}

async function runStep(step: Step, ctx: JourneyContext, before: StepResult[]): Promise<StepResult> {
  for (const name of step.after ?? []) {
    const prior = before.find((r) => r.name === name);
    if (prior?.status !== 'passed') {
      return {
        name: step.name,
        status: 'failed',
        detail: `not run: "${name}" did not pass`,
        screenshots: [],
      };
    }
  }
  const missing = step.unavailable?.(ctx);
  if (missing) return { name: step.name, status: 'failed', detail: missing, screenshots: [] };
  try {
    await step.run(ctx);
    const notes = ctx.driver.takeNotes();
    const detail = notes.length ? notes.join('; ') : undefined;
    return { name: step.name, status: 'passed', detail, screenshots: ctx.driver.takeShots() };
  } catch (error) {
    // The page at the moment of failure is what a developer wants to see first.
    await ctx.driver.screenshot(`${step.name} (failed)`).catch(() => undefined);
    ctx.driver.takeNotes();
    const detail = error instanceof Error ? error.message : String(error);
    return { name: step.name, status: 'failed', detail, screenshots: ctx.driver.takeShots() };
  }
}

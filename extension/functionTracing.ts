/**
 * Toggle Function Tracing: switches the function-boundary probes of every Cinescope session on or
 * off while it runs. The choice also applies to sessions that start later in this window.
 */
import * as vscode from 'vscode';
import { CustomRequest } from '../adapter/customRequests';
import type { SetFunctionTracingArguments, SetFunctionTracingResponseBody } from '../adapter/customRequests';
import type { CinescopeSessions } from './cinescopeSessions';
import { Commands } from './commandIds';

export class FunctionTracing implements vscode.Disposable {
  /** Sessions start with their configuration's trace rules switched on. */
  private enabled = true;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly sessions: CinescopeSessions,
    private readonly log: vscode.OutputChannel,
  ) {
    this.disposables.push(
      vscode.commands.registerCommand(Commands.toggleFunctionTracing, () => this.toggle()),
      sessions.onDidBecomeReady((session) => {
        // A launched program has not run its runtime yet: the adapter keeps the switch and applies
        // it as soon as the runtime is up, before the program's modules load (adapter/functionTracing.ts).
        if (!this.enabled) void this.send(session, false);
      }),
    );
  }

  /** Flips the switch; returns the probe sites changed, summed over running sessions. */
  async toggle(): Promise<number> {
    this.enabled = !this.enabled;
    const results = await Promise.all(this.sessions.all().map((s) => this.send(s, this.enabled)));
    const sites = results.reduce<number>((sum, n) => sum + (n ?? 0), 0);
    const state = this.enabled ? 'on' : 'off';
    const where =
      this.sessions.size === 0
        ? 'for the next Cinescope session'
        : `in ${this.sessions.size} session${this.sessions.size === 1 ? '' : 's'} (${sites} probe site${sites === 1 ? '' : 's'} changed)`;
    void vscode.window.showInformationMessage(`Cinescope: function tracing ${state} ${where}.`);
    return sites;
  }

  private async send(session: vscode.DebugSession, enabled: boolean): Promise<number | undefined> {
    const args: SetFunctionTracingArguments = { enabled };
    try {
      const body = (await session.customRequest(CustomRequest.setFunctionTracing, args)) as
        SetFunctionTracingResponseBody | undefined;
      return body?.sites ?? 0;
    } catch (error) {
      this.log.appendLine(
        `Function tracing was not switched in "${session.name}": ${(error as Error).message}`,
      );
      return undefined;
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

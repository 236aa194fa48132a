/**
 * The VS Code extension. For now it opens a trace file recorded with `cinescope record` and shows
 * its summary; the debug adapter and the timeline panel build on the same TraceDB.
 */
import * as vscode from 'vscode';
import { formatSummary } from '../cli/summary';
import { TraceDb } from '../tracedb/traceDb';

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Cinescope');
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('cinescope.showTraceSummary', async (uri?: vscode.Uri) => {
      const file =
        uri ??
        (
          await vscode.window.showOpenDialog({
            canSelectMany: false,
            filters: { 'Cinescope traces': ['cinescope'] },
            openLabel: 'Show summary',
          })
        )?.[0];
      if (!file) return;
      try {
        const db = await TraceDb.open(file.fsPath);
        output.append(formatSummary(db.stats(), file.fsPath));
        db.close();
        output.show(true);
      } catch (error) {
        void vscode.window.showErrorMessage(`Cinescope: ${(error as Error).message}`);
      }
    }),
  );
}

export function deactivate(): void {}

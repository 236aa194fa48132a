/**
 * Commands on trace files: Save Trace (the live trace to a file), Open Trace File (a file from a
 * session or from `cinescope record`, shown as a timeline) and Show Trace Summary.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatSummary } from '../cli/summary';
import { TraceDb } from '../tracedb/traceDb';
import { Commands, TRACE_EDITOR_VIEW_TYPE } from './commandIds';
import { currentTrace } from './currentTrace';
import type { LiveTraces } from './liveTraces';

const FILTERS = { 'Cinescope traces': ['cinescope'] };

export function registerTraceFileCommands(
  traces: LiveTraces,
  output: vscode.OutputChannel,
): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(Commands.saveTrace, (target?: vscode.Uri) => saveTrace(traces, target)),
    vscode.commands.registerCommand(Commands.openTraceFile, (uri?: vscode.Uri) => openTraceFile(uri)),
    vscode.commands.registerCommand(Commands.showTraceSummary, (uri?: vscode.Uri) =>
      showSummary(output, uri),
    ),
  );
}

/** Saves the current live trace; `target` skips the dialog (used by tests and scripts). */
async function saveTrace(traces: LiveTraces, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const trace = currentTrace(traces);
  if (!trace) {
    void vscode.window.showInformationMessage(
      'Cinescope: no trace to save yet. Start a Cinescope debug session (F5) to record one.',
    );
    return undefined;
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const uri =
    target ??
    (await vscode.window.showSaveDialog({
      filters: FILTERS,
      saveLabel: 'Save Trace',
      title: `Save the trace of "${trace.name}"`,
      defaultUri: folder ? vscode.Uri.joinPath(folder, defaultName(trace.name, trace.startedAt)) : undefined,
    }));
  if (!uri) return undefined;
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Cinescope: saving the trace…' },
      () => trace.save(uri.fsPath),
    );
  } catch (error) {
    void vscode.window.showErrorMessage(
      `Cinescope: cannot save the trace to ${uri.fsPath}: ${(error as Error).message}`,
    );
    return undefined;
  }
  if (!target) {
    void vscode.window
      .showInformationMessage(`Cinescope: saved the trace to ${path.basename(uri.fsPath)}.`, 'Open Timeline')
      .then((choice) => {
        if (choice) void openTraceFile(uri);
      });
  }
  return uri;
}

/** Opens a trace file in the timeline (the `.cinescope` custom editor). */
async function openTraceFile(uri?: vscode.Uri): Promise<void> {
  const file =
    uri ??
    (
      await vscode.window.showOpenDialog({ canSelectMany: false, filters: FILTERS, openLabel: 'Open Trace' })
    )?.[0];
  if (!file) return;
  // The custom editor takes any file name, so traces saved under other extensions open too.
  await vscode.commands.executeCommand('vscode.openWith', file, TRACE_EDITOR_VIEW_TYPE);
}

async function showSummary(output: vscode.OutputChannel, uri?: vscode.Uri): Promise<void> {
  const file =
    uri ??
    (
      await vscode.window.showOpenDialog({
        canSelectMany: false,
        filters: FILTERS,
        openLabel: 'Show summary',
      })
    )?.[0];
  if (!file) return;
  try {
    const db = await TraceDb.open(file.fsPath);
    try {
      output.append(formatSummary(db.stats(), file.fsPath));
    } finally {
      db.close();
    }
    output.show(true);
  } catch (error) {
    void vscode.window.showErrorMessage(`Cinescope: ${(error as Error).message}`);
  }
}

function defaultName(sessionName: string, startedAt: number): string {
  const stamp = new Date(startedAt).toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const slug =
    sessionName
      .replace(/[^\w-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .toLowerCase() || 'trace';
  return `${slug}-${stamp}.cinescope`;
}

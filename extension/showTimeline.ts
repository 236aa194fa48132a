/**
 * `Cinescope: Show Timeline`: the timeline of the current live trace (the active Cinescope
 * session's, else the latest), of a trace file passed as argument, or — with neither — of a file
 * the user picks.
 */
import * as vscode from 'vscode';
import { Commands } from './commandIds';
import { currentTrace } from './currentTrace';
import type { LiveTraces } from './liveTraces';
import type { TimelinePanels } from './timelinePanel';

const OPEN_FILE = 'Open Trace File…';

export function registerShowTimeline(traces: LiveTraces, panels: TimelinePanels): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.showTimeline, async (uri?: vscode.Uri) => {
    if (uri instanceof vscode.Uri) return panels.createOrShow({ type: 'file', path: uri.fsPath });
    const trace = currentTrace(traces);
    if (trace) return panels.createOrShow({ type: 'live', sessionId: trace.id, name: trace.name });
    const choice = await vscode.window.showInformationMessage(
      'Cinescope: no session has recorded a trace in this window yet. Start a Cinescope debug session (F5), or open a trace file.',
      OPEN_FILE,
    );
    if (choice !== OPEN_FILE) return;
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      filters: { 'Cinescope traces': ['cinescope'] },
      openLabel: 'Show Timeline',
    });
    if (picked?.[0]) await panels.createOrShow({ type: 'file', path: picked[0].fsPath });
  });
}

/**
 * Opens the data behind a timeline: a trace file (through VS Code's file system, so remote
 * workspaces work too) or the live trace of a session. Every failure becomes a data source that
 * answers with the sentence saying why, which the page shows in place of the timeline.
 */
import * as vscode from 'vscode';
import { TraceError } from '../tracedb/errors';
import { TimelineDataSource } from '../webview/host';
import type { LiveTrace } from './liveTrace';
import { sourceFromBytes, unreadableSource } from './traceFileSource';
import type { LiveTraces } from './liveTraces';
import type { TimelineTarget } from './timelineTarget';

export async function openTraceFileSource(uri: vscode.Uri): Promise<TimelineDataSource> {
  const label = uri.scheme === 'file' ? uri.fsPath : uri.toString();
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(uri);
  } catch (error) {
    return unreadableSource(label, (error as Error).message);
  }
  return sourceFromBytes(bytes, label);
}

/** A live trace's source; the TraceDB stays the live trace's to close. */
export function liveSource(trace: LiveTrace): TimelineDataSource {
  return new TimelineDataSource(trace.db, { live: true });
}

/** The source for a gone live trace: after a reload, or discarded to free memory. */
export function goneLiveSource(name: string): TimelineDataSource {
  return new TimelineDataSource(
    new TraceError(
      'unreadable',
      `The live trace of "${name}" is no longer in memory (the window was reloaded or a newer session replaced it). Use "Cinescope: Save Trace" while a session runs to keep its trace.`,
    ),
  );
}

export async function openTargetSource(
  target: TimelineTarget,
  traces: LiveTraces,
): Promise<TimelineDataSource> {
  if (target.type === 'file') return openTraceFileSource(vscode.Uri.file(target.path));
  const trace = traces.get(target.sessionId);
  return trace && !trace.isDisposed ? liveSource(trace) : goneLiveSource(target.name);
}

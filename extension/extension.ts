/**
 * The VS Code extension: wires the debug adapter, the live traces, trace points and the timeline
 * together. Each concept lives in its own file; everything registered here is disposed with the
 * extension.
 */
import * as vscode from 'vscode';
import { CinescopeAdapterFactory } from './adapterFactory';
import type { CinescopeApi } from './api';
import { CinescopeSessions, DEBUG_TYPE } from './cinescopeSessions';
import { currentTrace } from './currentTrace';
import { CinescopeConfigurationProvider, CinescopeDynamicConfigurations } from './debugConfigurationProvider';
import { FunctionTracing } from './functionTracing';
import { endTracesWithSessions } from './liveSessionTraces';
import { liveTraceLimits, MAX_EVENTS_SETTING } from './liveTraceLimits';
import { LiveTraces } from './liveTraces';
import { RecordingStatus } from './recordingStatus';
import { registerShowTimeline } from './showTimeline';
import { TimelinePanels } from './timelinePanel';
import { registerTraceFileCommands } from './traceFileCommands';
import { TraceFileEditorProvider } from './traceFileEditor';
import { TracePointDecorations } from './tracePointDecorations';
import { TracePoints } from './tracePoints';

let liveTraces: LiveTraces | undefined;

export function activate(context: vscode.ExtensionContext): CinescopeApi {
  const output = vscode.window.createOutputChannel('Cinescope');
  const traces = new LiveTraces(() =>
    liveTraceLimits(vscode.workspace.getConfiguration().get<unknown>(MAX_EVENTS_SETTING)),
  );
  liveTraces = traces;
  const sessions = new CinescopeSessions();
  const decorations = new TracePointDecorations(context.extensionUri);
  const panels = new TimelinePanels(context.extensionUri, traces, context.workspaceState);
  const status = new RecordingStatus(traces, () => currentTrace(traces));
  const tracePoints = new TracePoints(context.workspaceState, sessions, decorations, output);

  context.subscriptions.push(
    output,
    sessions,
    decorations,
    panels,
    status,
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new CinescopeConfigurationProvider()),
    vscode.debug.registerDebugConfigurationProvider(
      DEBUG_TYPE,
      new CinescopeDynamicConfigurations(),
      vscode.DebugConfigurationProviderTriggerKind.Dynamic,
    ),
    vscode.debug.registerDebugAdapterDescriptorFactory(
      DEBUG_TYPE,
      new CinescopeAdapterFactory(context.extensionUri, traces),
    ),
    vscode.debug.onDidChangeActiveDebugSession(() => status.refresh()),
    endTracesWithSessions(traces, output),
    tracePoints,
    new FunctionTracing(sessions, output),
    registerShowTimeline(traces, panels),
    registerTraceFileCommands(traces, output),
    TraceFileEditorProvider.register(context.extensionUri),
  );

  return {
    tracePointLines: (file) => tracePoints.lines(file),
    liveTrace: () => {
      const trace = currentTrace(traces);
      if (!trace || trace.isDisposed) return undefined;
      const { events, dropped } = trace.sample();
      return { sessionId: trace.id, name: trace.name, recording: trace.recording, events, dropped };
    },
  };
}

/** Stops the collectors and frees the live traces. */
export async function deactivate(): Promise<void> {
  await liveTraces?.dispose();
  liveTraces = undefined;
}

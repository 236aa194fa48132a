/** Which live trace commands act on: the active debug session's, else the latest one. */
import * as vscode from 'vscode';
import { DEBUG_TYPE, rootSession } from './cinescopeSessions';
import type { LiveTrace } from './liveTrace';
import type { LiveTraces } from './liveTraces';

export function currentTrace(traces: LiveTraces): LiveTrace | undefined {
  const active = vscode.debug.activeDebugSession;
  if (active?.type === DEBUG_TYPE) {
    const trace = traces.get(rootSession(active).id);
    if (trace && !trace.isDisposed) return trace;
  }
  return traces.latest();
}

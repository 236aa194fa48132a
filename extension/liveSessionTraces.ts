/**
 * Ties live traces to debug sessions: a root Cinescope session's end ends its trace, and writes it
 * to the configuration's `traceFile` when one is set (the adapter writes that file itself only
 * when it runs standalone).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEBUG_TYPE } from './cinescopeSessions';
import type { LiveTraces } from './liveTraces';

export function endTracesWithSessions(traces: LiveTraces, log: vscode.OutputChannel): vscode.Disposable {
  return vscode.debug.onDidTerminateDebugSession(async (session) => {
    if (session.type !== DEBUG_TYPE) return;
    const trace = traces.get(session.id);
    if (!trace) return; // a child session: its root's end ends the trace
    const traceFile = traceFileOf(session.configuration);
    try {
      if (traceFile) await trace.end();
      if (traceFile) {
        await trace.save(traceFile);
        log.appendLine(`Wrote the trace of "${trace.name}" to ${traceFile}.`);
      }
    } catch (error) {
      void vscode.window.showErrorMessage(
        `Cinescope: cannot write the trace file ${traceFile}: ${(error as Error).message}`,
      );
    } finally {
      await traces.end(session.id);
    }
  });
}

function traceFileOf(config: vscode.DebugConfiguration): string | undefined {
  if (typeof config.traceFile !== 'string' || config.traceFile === '') return undefined;
  const cwd = typeof config.cwd === 'string' ? config.cwd : '';
  return path.resolve(cwd, config.traceFile);
}

/**
 * Runs the debug adapter inside the extension host (DebugAdapterInlineImplementation) and points
 * the runtime of the debugged program at the session's live trace: the collector the extension
 * owns, so events land in its TraceDB as they happen.
 */
import * as vscode from 'vscode';
import { CinescopeSession } from '../adapter/session';
import { adapterOptions } from './adapterOptions';
import { rootSession } from './cinescopeSessions';
import type { LiveTraces } from './liveTraces';

export class CinescopeAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly traces: LiveTraces,
  ) {}

  async createDebugAdapterDescriptor(session: vscode.DebugSession): Promise<vscode.DebugAdapterDescriptor> {
    const root = rootSession(session);
    const trace = await this.traces.startFor(root.id, root.name);
    const adapter = new CinescopeSession(adapterOptions(this.extensionUri.fsPath, trace));
    return new vscode.DebugAdapterInlineImplementation(adapter);
  }
}

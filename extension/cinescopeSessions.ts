/**
 * The running Cinescope debug sessions that can take trace points, and a tracker that notices the
 * moment each adapter is ready for them: its `initialized` event, which comes before VS Code sends
 * breakpoints and `configurationDone` — so trace points are in place before the program runs.
 */
import * as vscode from 'vscode';

export const DEBUG_TYPE = 'cinescope';

export class CinescopeSessions implements vscode.Disposable {
  private readonly ready = new Map<string, vscode.DebugSession>();
  private readonly readyEmitter = new vscode.EventEmitter<vscode.DebugSession>();
  private readonly endedEmitter = new vscode.EventEmitter<vscode.DebugSession>();
  private readonly disposables: vscode.Disposable[] = [this.readyEmitter, this.endedEmitter];

  /** Fires when a session's adapter sent `initialized`. */
  readonly onDidBecomeReady = this.readyEmitter.event;
  /** Fires when a ready session ended. */
  readonly onDidEnd = this.endedEmitter.event;

  constructor() {
    this.disposables.push(
      vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, {
        createDebugAdapterTracker: (session) => ({
          onDidSendMessage: (message: { type?: string; event?: string }) => {
            if (message.type === 'event' && message.event === 'initialized') this.markReady(session);
          },
        }),
      }),
      vscode.debug.onDidTerminateDebugSession((session) => {
        if (this.ready.delete(session.id)) this.endedEmitter.fire(session);
      }),
    );
  }

  /** Sessions that accept custom requests now. */
  all(): vscode.DebugSession[] {
    return [...this.ready.values()];
  }

  get size(): number {
    return this.ready.size;
  }

  private markReady(session: vscode.DebugSession): void {
    if (this.ready.has(session.id)) return;
    this.ready.set(session.id, session);
    this.readyEmitter.fire(session);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.ready.clear();
  }
}

/** The session that owns the live trace: the top of the parent chain of Cinescope sessions. */
export function rootSession(session: vscode.DebugSession): vscode.DebugSession {
  let root = session;
  while (root.parentSession && root.parentSession.type === DEBUG_TYPE) root = root.parentSession;
  return root;
}

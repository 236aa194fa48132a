/**
 * Trace points in the editor: the toggle and clear commands, persistence per workspace, keeping
 * lines on their code while documents are edited, sending them to every Cinescope session (at its
 * start and on every change, without a restart) and showing what the sessions made of them.
 */
import * as vscode from 'vscode';
import { CustomEvent, CustomRequest } from '../adapter/customRequests';
import type {
  SetTracePointsArguments,
  SetTracePointsResponseBody,
  TracePointState,
} from '../adapter/customRequests';
import type { CinescopeSessions } from './cinescopeSessions';
import { Commands } from './commandIds';
import type { TracePointDecorations } from './tracePointDecorations';
import { lineLooks } from './tracePointLooks';
import { TracePointStore } from './tracePointStore';

const STATE_KEY = 'cinescope.tracePoints';

/** What `editor/lineNumber/context` passes to its commands. */
interface LineNumberArgs {
  uri: vscode.Uri;
  lineNumber: number;
}

export class TracePoints implements vscode.Disposable {
  private readonly store: TracePointStore;
  /** session id → file → the states the session reported. */
  private readonly reports = new Map<string, Map<string, TracePointState[]>>();
  /** Files whose lines moved by edits not yet saved. */
  private readonly unsent = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly state: vscode.Memento,
    private readonly sessions: CinescopeSessions,
    private readonly decorations: TracePointDecorations,
    private readonly log: vscode.OutputChannel,
  ) {
    this.store = TracePointStore.fromJSON(state.get(STATE_KEY));
    this.disposables.push(
      vscode.commands.registerCommand(Commands.toggleTracePoint, (arg?: unknown) => this.toggleCommand(arg)),
      vscode.commands.registerCommand(Commands.clearTracePoints, () => this.clear()),
      vscode.workspace.onDidChangeTextDocument((e) => this.onEdit(e)),
      vscode.workspace.onDidSaveTextDocument((doc) => this.onSave(doc)),
      vscode.workspace.onDidRenameFiles((e) => this.onRename(e)),
      vscode.window.onDidChangeVisibleTextEditors(() => this.redecorateAll()),
      sessions.onDidBecomeReady((session) => void this.sendAll(session)),
      sessions.onDidEnd((session) => {
        this.reports.delete(session.id);
        this.redecorateAll();
      }),
      vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => this.onCustomEvent(e)),
    );
    this.redecorateAll();
  }

  /** The persisted lines of a file (used by tests and the status of other features). */
  lines(file: string): readonly number[] {
    return this.store.lines(file);
  }

  /** Toggles a trace point; returns whether it is now set. */
  toggle(file: string, line: number): boolean {
    const on = this.store.toggle(file, line);
    this.changed(file, { sendNow: true });
    return on;
  }

  private toggleCommand(arg: unknown): void {
    const target = lineTarget(arg);
    if (target) {
      this.toggle(target.file, target.line);
      return;
    }
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.uri.scheme !== 'file') {
      void vscode.window.showInformationMessage(
        'Cinescope: put the cursor on a line of a JavaScript or TypeScript file to toggle a trace point there.',
      );
      return;
    }
    const file = editor.document.uri.fsPath;
    const lines = new Set(editor.selections.map((s) => s.active.line + 1));
    for (const line of lines) this.store.toggle(file, line);
    this.changed(file, { sendNow: true });
  }

  private clear(): void {
    const files = this.store.clear();
    for (const file of files) this.changed(file, { sendNow: true });
  }

  private onEdit(e: vscode.TextDocumentChangeEvent): void {
    if (e.document.uri.scheme !== 'file' || e.contentChanges.length === 0) return;
    const file = e.document.uri.fsPath;
    if (
      this.store.applyEdits(
        file,
        e.contentChanges.map((c) => ({ start: c.range.start, end: c.range.end, text: c.text })),
      )
    ) {
      this.changed(file, { sendNow: false });
    }
  }

  private onRename(e: vscode.FileRenameEvent): void {
    for (const { oldUri, newUri } of e.files) {
      const from = oldUri.fsPath;
      const to = newUri.fsPath;
      const moved = this.store
        .files()
        .filter((f) => f === from || f.startsWith(from + '/') || f.startsWith(from + '\\'));
      for (const file of moved) {
        const target = to + file.slice(from.length);
        this.store.rename(file, target);
        this.changed(file, { sendNow: true });
        this.changed(target, { sendNow: true });
      }
    }
  }

  /**
   * Lines moved by unsaved edits are kept and shown at once, but sessions hear of them on save:
   * the adapter resolves lines against the file on disk, which is what the program loads.
   */
  private onSave(doc: vscode.TextDocument): void {
    const file = doc.uri.fsPath;
    if (doc.uri.scheme !== 'file' || !this.unsent.delete(file)) return;
    for (const session of this.sessions.all()) void this.send(session, file);
  }

  private changed(file: string, { sendNow }: { sendNow: boolean }): void {
    void this.state.update(STATE_KEY, this.store.toJSON());
    this.redecorate(file);
    if (!sendNow) {
      this.unsent.add(file);
      return;
    }
    this.unsent.delete(file);
    for (const session of this.sessions.all()) void this.send(session, file);
  }

  private async sendAll(session: vscode.DebugSession): Promise<void> {
    await Promise.all(this.store.files().map((file) => this.send(session, file)));
  }

  private async send(session: vscode.DebugSession, file: string): Promise<void> {
    const args: SetTracePointsArguments = { source: { path: file }, lines: [...this.store.lines(file)] };
    try {
      const body = (await session.customRequest(CustomRequest.setTracePoints, args)) as
        SetTracePointsResponseBody | undefined;
      this.report(session.id, file, body?.tracePoints ?? []);
    } catch (error) {
      // The session may have ended meanwhile, or refused the file; the gutter keeps the plain icon.
      this.log.appendLine(
        `Trace points of ${file} were not applied in "${session.name}": ${(error as Error).message}`,
      );
    }
  }

  private onCustomEvent(e: vscode.DebugSessionCustomEvent): void {
    if (e.event !== CustomEvent.tracePointsChanged) return;
    const body = e.body as { path?: unknown; tracePoints?: unknown } | undefined;
    if (typeof body?.path !== 'string' || !Array.isArray(body.tracePoints)) return;
    this.report(e.session.id, body.path, body.tracePoints as TracePointState[]);
  }

  private report(sessionId: string, file: string, states: TracePointState[]): void {
    if (!this.sessions.all().some((s) => s.id === sessionId)) return;
    let byFile = this.reports.get(sessionId);
    if (!byFile) this.reports.set(sessionId, (byFile = new Map()));
    byFile.set(file, states);
    this.redecorate(file);
  }

  private redecorateAll(): void {
    for (const editor of vscode.window.visibleTextEditors) this.decorate(editor);
  }

  private redecorate(file: string): void {
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.scheme === 'file' && editor.document.uri.fsPath === file) this.decorate(editor);
    }
  }

  private decorate(editor: vscode.TextEditor): void {
    if (editor.document.uri.scheme !== 'file') return;
    const file = editor.document.uri.fsPath;
    const reports = [...this.reports.values()].map((byFile) => byFile.get(file) ?? []);
    this.decorations.apply(editor, lineLooks(this.store.lines(file), reports, this.sessions.size > 0));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** The file and 1-based line a menu passed, if any. */
function lineTarget(arg: unknown): { file: string; line: number } | undefined {
  const a = arg as Partial<LineNumberArgs> | undefined;
  if (a && a.uri instanceof vscode.Uri && typeof a.lineNumber === 'number' && a.uri.scheme === 'file') {
    return { file: a.uri.fsPath, line: a.lineNumber };
  }
  return undefined;
}

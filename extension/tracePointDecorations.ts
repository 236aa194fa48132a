/**
 * The gutter icons of trace points: one decoration type per look, applied to every visible editor
 * of a file that has trace points.
 */
import * as vscode from 'vscode';
import type { LineLook, TracePointLook } from './tracePointLooks';

const ICONS: Record<TracePointLook, string> = {
  set: 'tracepoint.svg',
  probe: 'tracepoint.svg',
  breakpoint: 'tracepoint-breakpoint.svg',
  pending: 'tracepoint-pending.svg',
  failed: 'tracepoint-failed.svg',
};

export class TracePointDecorations implements vscode.Disposable {
  private readonly types: Record<TracePointLook, vscode.TextEditorDecorationType>;

  constructor(extensionUri: vscode.Uri) {
    const make = (look: TracePointLook) =>
      vscode.window.createTextEditorDecorationType({
        gutterIconPath: vscode.Uri.joinPath(extensionUri, 'dist', 'media', ICONS[look]),
        gutterIconSize: 'contain',
        overviewRulerColor: look === 'breakpoint' ? '#e8a33d' : look === 'failed' ? '#d85c5c' : '#3fb6c8',
        overviewRulerLane: vscode.OverviewRulerLane.Left,
      });
    this.types = {
      set: make('set'),
      probe: make('probe'),
      breakpoint: make('breakpoint'),
      pending: make('pending'),
      failed: make('failed'),
    };
  }

  /** Shows `looks` in `editor`, replacing what it showed before. */
  apply(editor: vscode.TextEditor, looks: readonly LineLook[]): void {
    const byLook: Record<TracePointLook, vscode.DecorationOptions[]> = {
      set: [],
      probe: [],
      breakpoint: [],
      pending: [],
      failed: [],
    };
    const lastLine = editor.document.lineCount - 1;
    for (const { line, look, message } of looks) {
      if (line - 1 > lastLine) continue;
      const range = new vscode.Range(line - 1, 0, line - 1, 0);
      byLook[look].push({ range, hoverMessage: new vscode.MarkdownString(message) });
    }
    for (const look of Object.keys(byLook) as TracePointLook[]) {
      editor.setDecorations(this.types[look], byLook[look]);
    }
  }

  dispose(): void {
    for (const type of Object.values(this.types)) type.dispose();
  }
}

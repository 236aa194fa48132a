/**
 * The `.cinescope` custom editor: opening a trace file (from a session or `cinescope record`)
 * shows its timeline. Read-only; VS Code restores these editors after a reload by itself.
 */
import * as vscode from 'vscode';
import { TRACE_EDITOR_VIEW_TYPE } from './commandIds';
import { otherColumn } from './timelinePanel';
import { openTraceFileSource } from './timelineSources';
import { timelineTitle } from './timelineTarget';
import { TimelineWebview } from './timelineWebview';

export class TraceFileEditorProvider implements vscode.CustomReadonlyEditorProvider {
  constructor(private readonly extensionUri: vscode.Uri) {}

  static register(extensionUri: vscode.Uri): vscode.Disposable {
    return vscode.window.registerCustomEditorProvider(
      TRACE_EDITOR_VIEW_TYPE,
      new TraceFileEditorProvider(extensionUri),
      {
        supportsMultipleEditorsPerDocument: true,
      },
    );
  }

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  async resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): Promise<void> {
    const source = await openTraceFileSource(document.uri);
    const webview = new TimelineWebview(panel.webview, this.extensionUri, source, () => otherColumn(panel));
    panel.onDidDispose(() => webview.dispose());
    webview.render(timelineTitle({ type: 'file', path: document.uri.path }));
  }
}

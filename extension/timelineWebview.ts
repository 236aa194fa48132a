/**
 * The timeline page in a webview (a panel or the trace-file editor): its HTML with a fresh nonce,
 * resources from dist/webview only, the page's requests answered by a TimelineDataSource, source
 * locations opened in an editor, and `traceChanged` posted while a live trace grows.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { TIMELINE_DIST_DIR, TIMELINE_SCRIPT, TIMELINE_STYLE, timelineHtml } from '../webview/host';
import type { TimelineDataSource } from '../webview/host';
import type { HostMessage, PageMessage } from '../webview/protocol';
import type { LiveTrace } from './liveTrace';
import { sourceFilePath } from './sourceFilePath';

/** How often a live trace is checked for new events while its timeline is open. */
const LIVE_POLL_MS = 1000;

/** The webview options every timeline uses: scripts on, and nothing readable but the page bundle. */
export function timelineWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, ...TIMELINE_DIST_DIR.split('/'))],
  };
}

export class TimelineWebview implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private liveTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(
    private readonly webview: vscode.Webview,
    private readonly extensionUri: vscode.Uri,
    private source: TimelineDataSource,
    /** Where opened source files go, so they do not cover the timeline. */
    private readonly editorColumn: () => vscode.ViewColumn,
  ) {
    webview.options = timelineWebviewOptions(extensionUri);
    this.disposables.push(webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)));
  }

  /** (Re)loads the page; the page then asks for its data. */
  render(title: string): void {
    const dist = vscode.Uri.joinPath(this.extensionUri, ...TIMELINE_DIST_DIR.split('/'));
    this.webview.html = timelineHtml({
      scriptUri: this.webview.asWebviewUri(vscode.Uri.joinPath(dist, TIMELINE_SCRIPT)).toString(),
      styleUri: this.webview.asWebviewUri(vscode.Uri.joinPath(dist, TIMELINE_STYLE)).toString(),
      cspSource: this.webview.cspSource,
      nonce: randomBytes(18).toString('base64url'),
      title,
    });
  }

  /** Answers from another source from now on (a live trace discarded, a file reopened). */
  replaceSource(source: TimelineDataSource): void {
    this.source.dispose();
    this.source = source;
    this.post({ type: 'traceChanged' });
  }

  /** Tells the page when `trace` grew, until it has ended and its last events are shown. */
  followLive(trace: LiveTrace): void {
    clearInterval(this.liveTimer);
    let seen = trace.collector.stats.events;
    this.liveTimer = setInterval(() => {
      if (trace.isDisposed) return this.stopFollowing();
      const now = trace.collector.stats.events;
      if (now !== seen) {
        seen = now;
        this.post({ type: 'traceChanged' });
      } else if (!trace.recording) {
        // Once more after the end, so the page drops its "live" state.
        this.post({ type: 'traceChanged' });
        this.stopFollowing();
      }
    }, LIVE_POLL_MS);
  }

  private stopFollowing(): void {
    clearInterval(this.liveTimer);
    this.liveTimer = undefined;
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = raw as PageMessage;
    if (typeof message !== 'object' || message === null) return;
    if (message.type === 'request' && typeof message.id === 'number' && typeof message.query === 'object') {
      this.post(await this.source.handle(message));
    } else if (message.type === 'openSource' && typeof message.file === 'string') {
      await this.openSource(message.file, Number(message.line), Number(message.column));
    }
  }

  private async openSource(file: string, line: number, column: number): Promise<void> {
    const target = sourceFilePath(file);
    if (target.type === 'refused') {
      void vscode.window.showWarningMessage(`Cinescope: ${target.reason}`);
      return;
    }
    const uri = vscode.Uri.file(target.path);
    const position = new vscode.Position(Math.max(0, (line || 1) - 1), Math.max(0, (column || 1) - 1));
    try {
      await vscode.window.showTextDocument(uri, {
        selection: new vscode.Range(position, position),
        viewColumn: this.editorColumn(),
        preview: true,
      });
    } catch (error) {
      void vscode.window.showWarningMessage(
        `Cinescope: cannot open ${file} at line ${line}: ${(error as Error).message}`,
      );
    }
  }

  private post(message: HostMessage): void {
    if (!this.disposed) void this.webview.postMessage(message);
  }

  dispose(): void {
    this.disposed = true;
    this.stopFollowing();
    this.source.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

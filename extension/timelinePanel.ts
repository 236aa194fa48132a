/**
 * The timeline panel (`Cinescope: Show Timeline`): one panel per trace, shown again rather than
 * opened twice, restored after a reload by the serializer. Which trace a panel shows is kept in
 * the workspace state under the panel's title, because the page's own state belongs to the page.
 */
import * as vscode from 'vscode';
import { TIMELINE_VIEW_TYPE } from './commandIds';
import type { LiveTraces } from './liveTraces';
import { goneLiveSource, openTargetSource } from './timelineSources';
import { parseTimelineTarget, sameTarget, timelineTitle } from './timelineTarget';
import type { TimelineTarget } from './timelineTarget';
import { timelineWebviewOptions, TimelineWebview } from './timelineWebview';

const TARGETS_KEY = 'cinescope.timelineTargets';
/** Remembered targets of panels at most (older entries are forgotten). */
const MAX_REMEMBERED = 20;

export class TimelinePanels implements vscode.Disposable {
  private readonly open = new Set<TimelinePanel>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly traces: LiveTraces,
    private readonly state: vscode.Memento,
  ) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(TIMELINE_VIEW_TYPE, {
        deserializeWebviewPanel: (panel, pageState) => this.revive(panel, pageState),
      }),
    );
    const unsubscribe = traces.onDidChange(() => this.onTracesChanged());
    this.disposables.push({ dispose: unsubscribe });
  }

  /** Shows the timeline of `target`, creating its panel if needed. */
  async createOrShow(target: TimelineTarget): Promise<void> {
    for (const panel of this.open) {
      if (sameTarget(panel.target, target)) {
        panel.panel.reveal();
        return;
      }
    }
    // The active group, not beside: a timeline needs the width; sources open beside it on click.
    const webviewPanel = vscode.window.createWebviewPanel(
      TIMELINE_VIEW_TYPE,
      timelineTitle(target),
      vscode.ViewColumn.Active,
      {
        ...timelineWebviewOptions(this.extensionUri),
        enableFindWidget: true,
      },
    );
    await this.attach(webviewPanel, target);
  }

  /** After a reload: the page's state may carry the target; otherwise the title finds it. */
  private async revive(panel: vscode.WebviewPanel, pageState: unknown): Promise<void> {
    const remembered = this.state.get<Record<string, TimelineTarget>>(TARGETS_KEY, {});
    const target = parseTimelineTarget(pageState) ?? parseTimelineTarget({ target: remembered[panel.title] });
    if (!target) {
      const webview = new TimelineWebview(panel.webview, this.extensionUri, goneLiveSource(panel.title), () =>
        otherColumn(panel),
      );
      panel.onDidDispose(() => webview.dispose());
      webview.render(panel.title);
      return;
    }
    await this.attach(panel, target);
  }

  private async attach(panel: vscode.WebviewPanel, target: TimelineTarget): Promise<void> {
    const source = await openTargetSource(target, this.traces);
    const webview = new TimelineWebview(panel.webview, this.extensionUri, source, () => otherColumn(panel));
    const entry = new TimelinePanel(panel, target, webview);
    this.open.add(entry);
    panel.onDidDispose(() => {
      this.open.delete(entry);
      webview.dispose();
    });
    webview.render(panel.title);
    if (target.type === 'live') {
      const trace = this.traces.get(target.sessionId);
      if (trace && !trace.isDisposed) webview.followLive(trace);
    }
    await this.remember(panel.title, target);
  }

  private onTracesChanged(): void {
    for (const entry of this.open) {
      if (entry.target.type !== 'live') continue;
      const trace = this.traces.get(entry.target.sessionId);
      if (!trace || trace.isDisposed) entry.markGone();
    }
  }

  private async remember(title: string, target: TimelineTarget): Promise<void> {
    const all = { ...this.state.get<Record<string, TimelineTarget>>(TARGETS_KEY, {}) };
    delete all[title];
    all[title] = target;
    const kept = Object.entries(all).slice(-MAX_REMEMBERED);
    await this.state.update(TARGETS_KEY, Object.fromEntries(kept));
  }

  /**
   * Frees the pages' data sources but leaves the panels open: on a window reload VS Code restores
   * them through the serializer, which a closed panel would not be.
   */
  dispose(): void {
    for (const entry of this.open) entry.dispose();
    this.open.clear();
    for (const d of this.disposables) d.dispose();
  }
}

class TimelinePanel {
  private gone = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly target: TimelineTarget,
    private readonly webview: TimelineWebview,
  ) {}

  /** The live trace was discarded: the page says so instead of failing on a closed database. */
  markGone(): void {
    if (this.gone || this.target.type !== 'live') return;
    this.gone = true;
    this.webview.replaceSource(goneLiveSource(this.target.name));
  }

  dispose(): void {
    this.webview.dispose();
  }
}

/** Where a clicked event's source opens: another group, so the timeline stays in view. */
export function otherColumn(panel: vscode.WebviewPanel): vscode.ViewColumn {
  return panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
}

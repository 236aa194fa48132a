/**
 * The status-bar item of the live trace: events per second, total and drops while a session
 * records, its final counts once it ended. Clicking it shows the timeline.
 */
import * as vscode from 'vscode';
import { Commands } from './commandIds';
import type { LiveTrace } from './liveTrace';
import type { LiveTraces } from './liveTraces';
import { eventsPerSecond, formatRecordingStatus } from './recordingStatusText';
import type { RecordingSample } from './recordingStatusText';

const REFRESH_MS = 1000;

export class RecordingStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'cinescope.recording',
    vscode.StatusBarAlignment.Left,
    10,
  );
  private readonly previous = new Map<string, RecordingSample>();
  private timer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly traces: LiveTraces,
    /** The trace the user is looking at: the active debug session's, else the latest. */
    private readonly current: () => LiveTrace | undefined,
  ) {
    this.item.name = 'Cinescope recording';
    this.item.command = Commands.showTimeline;
    this.unsubscribe = traces.onDidChange(() => this.refresh());
    this.refresh();
  }

  /** Re-reads the counters; keeps a timer running only while something records. */
  refresh(): void {
    const trace = this.current();
    if (!trace || trace.isDisposed) {
      this.item.hide();
      this.stopTimer();
      return;
    }
    let sample: RecordingSample;
    try {
      sample = trace.sample();
    } catch {
      // The trace was discarded between the check and the read; the next change refreshes.
      return;
    }
    for (const id of this.previous.keys()) if (!this.traces.get(id)) this.previous.delete(id);
    const rate = trace.recording ? eventsPerSecond(this.previous.get(trace.id), sample) : 0;
    this.previous.set(trace.id, sample);
    const status = formatRecordingStatus(trace.name, sample, rate, trace.recording);
    this.item.text = status.text;
    this.item.tooltip = status.tooltip;
    this.item.backgroundColor = status.warning
      ? new vscode.ThemeColor('statusBarItem.warningBackground')
      : undefined;
    this.item.show();
    if (this.traces.all().some((t) => t.recording)) this.startTimer();
    else this.stopTimer();
  }

  private startTimer(): void {
    this.timer ??= setInterval(() => this.refresh(), REFRESH_MS);
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.stopTimer();
    this.unsubscribe();
    this.item.dispose();
  }
}

/**
 * What the recording status-bar item says. No VS Code dependency: the item itself lives in
 * recordingStatus.ts; this computes the rate and the words.
 */

/** One reading of a live trace's counters. */
export interface RecordingSample {
  /** ms since the epoch, when the counters were read. */
  at: number;
  /** Events stored so far. */
  events: number;
  /** Events lost so far: reported by runtimes (full rings) plus refused by the store. */
  dropped: number;
  /** Processes connected right now. */
  connections: number;
  /** Events the trace stores at most (the `cinescope.liveTrace.maxEvents` setting), if capped. */
  maxEvents?: number;
}

export interface RecordingStatus {
  /** Status-bar text, with a codicon. */
  text: string;
  tooltip: string;
  /** Drops deserve attention: the item then shows in the warning colour. */
  warning: boolean;
}

/** Events per second between two readings (0 when the interval is empty or counters restarted). */
export function eventsPerSecond(previous: RecordingSample | undefined, current: RecordingSample): number {
  if (!previous) return 0;
  const seconds = (current.at - previous.at) / 1000;
  const delta = current.events - previous.events;
  return seconds > 0 && delta > 0 ? delta / seconds : 0;
}

/** 1234 → "1.2K", 3_400_000 → "3.4M": short enough for a status bar. */
export function compactCount(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 1e6) return `${trim(n / 1e3)}K`;
  if (n < 1e9) return `${trim(n / 1e6)}M`;
  return `${trim(n / 1e9)}G`;
}

function trim(x: number): string {
  return x >= 100 ? String(Math.round(x)) : x.toFixed(1).replace(/\.0$/, '');
}

export function formatRecordingStatus(
  name: string,
  sample: RecordingSample,
  rate: number,
  recording: boolean,
): RecordingStatus {
  const icon = recording ? '$(record)' : '$(debug-stop)';
  const drops = sample.dropped > 0 ? ` · ${compactCount(sample.dropped)} dropped` : '';
  const text = `${icon} ${compactCount(rate)} ev/s · ${compactCount(sample.events)}${drops}`;
  const state = recording
    ? `Recording "${name}": ${sample.connections} process${sample.connections === 1 ? '' : 'es'} connected.`
    : `"${name}" has ended; its trace is kept until the next session starts.`;
  const lines = [
    state,
    `${sample.events.toLocaleString('en-US')} events stored, ${Math.round(rate).toLocaleString('en-US')} per second.`,
    droppedLine(sample),
    'Click to show the timeline.',
  ];
  return { text, tooltip: lines.join('\n'), warning: sample.dropped > 0 };
}

function droppedLine(sample: RecordingSample): string {
  if (sample.maxEvents !== undefined && sample.events >= sample.maxEvents) {
    const dropped =
      sample.dropped > 0 ? ` ${sample.dropped.toLocaleString('en-US')} events dropped so far.` : '';
    return (
      `The trace is full (${sample.maxEvents.toLocaleString('en-US')} events, the cinescope.liveTrace.maxEvents ` +
      `setting): newer events are dropped and counted.${dropped}`
    );
  }
  return sample.dropped > 0
    ? `${sample.dropped.toLocaleString('en-US')} events dropped: the program produced them faster than they could be stored.`
    : 'No events dropped.';
}

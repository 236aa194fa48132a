import { describe, expect, it } from 'vitest';
import { compactCount, eventsPerSecond, formatRecordingStatus } from '../../extension/recordingStatusText';

const sample = (at: number, events: number, dropped = 0, connections = 1) => ({
  at,
  events,
  dropped,
  connections,
});

describe('recording status text', () => {
  it.each([
    [0, '0'],
    [999, '999'],
    [1000, '1K'],
    [1234, '1.2K'],
    [123_456, '123K'],
    [3_400_000, '3.4M'],
    [7_000_000_000, '7G'],
  ])('compacts %d as %s', (n, text) => {
    expect(compactCount(n)).toBe(text);
  });

  it('computes events per second between two readings, never negative', () => {
    expect(eventsPerSecond(undefined, sample(1000, 50))).toBe(0);
    expect(eventsPerSecond(sample(1000, 100), sample(3000, 2100))).toBe(1000);
    expect(eventsPerSecond(sample(1000, 100), sample(1000, 200))).toBe(0);
    expect(eventsPerSecond(sample(1000, 500), sample(2000, 0))).toBe(0);
  });

  it('shows rate, total and drops, and warns only when events were dropped', () => {
    const clean = formatRecordingStatus('Launch app', sample(0, 12_345), 1500, true);
    expect(clean.text).toBe('$(record) 1.5K ev/s · 12.3K');
    expect(clean.warning).toBe(false);
    expect(clean.tooltip).toContain('Recording "Launch app": 1 process connected.');
    expect(clean.tooltip).toContain('No events dropped.');

    const lossy = formatRecordingStatus('Launch app', sample(0, 2_000_000, 4321, 3), 0, true);
    expect(lossy.text).toBe('$(record) 0 ev/s · 2M · 4.3K dropped');
    expect(lossy.warning).toBe(true);
    expect(lossy.tooltip).toContain('3 processes connected');
    expect(lossy.tooltip).toContain('4,321 events dropped');

    const ended = formatRecordingStatus('Launch app', sample(0, 10), 0, false);
    expect(ended.text.startsWith('$(debug-stop)')).toBe(true);
    expect(ended.tooltip).toContain('has ended');
  });
});

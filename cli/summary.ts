/** The one-screen summary printed after a recording and by `cinescope stats`. */
import type { CollectorStats } from '../tracedb/collector';
import type { TraceStats } from '../tracedb/traceDb';

export function formatSummary(
  stats: TraceStats,
  file: string,
  collector?: { stats: CollectorStats; problems: readonly string[] },
): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const lines = [
    `cinescope: ${n(stats.events)} events from ${n(stats.processes)} process${stats.processes === 1 ? '' : 'es'}, ` +
      `${n(stats.threads)} thread${stats.threads === 1 ? '' : 's'} over ${(stats.durationMs / 1000).toFixed(2)} s`,
    `  trace file   ${file}`,
  ];
  const byType = Object.entries(stats.byType).sort((a, b) => b[1] - a[1]);
  lines.push(`  by type      ${byType.map(([t, c]) => `${t} ${n(c)}`).join(', ') || 'none'}`);
  const m = stats.messages;
  lines.push(
    `  messages     ${n(m.sent)} sent, ${n(m.received)} received, ${n(m.linked)} linked to their send`,
  );
  if (stats.calls || stats.sites) {
    lines.push(`  calls        ${n(stats.calls)} calls of ${n(stats.sites)} traced functions and classes`);
  }
  if (stats.stateChanges) lines.push(`  state        ${n(stats.stateChanges)} changes of traced objects`);
  lines.push(`  errors       ${n(stats.errors)}`);
  lines.push(
    `  dropped      ${n(stats.dropped)}${stats.dropped ? ' (events lost to full buffers; see the dropped events)' : ''}`,
  );
  if (collector?.stats.rejected) lines.push(`  refused      ${n(collector.stats.rejected)} invalid frames`);
  for (const problem of collector?.problems ?? []) lines.push(`  warning      ${problem}`);
  return lines.join('\n') + '\n';
}

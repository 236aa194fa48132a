/**
 * `cinescope timeline`: the trace as text lanes, one per thread, time running left to right —
 * the terminal's first look at a recording, before the timeline panel.
 */
import { EventType } from '../runtime/eventSchema';
import type { TraceDb } from '../tracedb/traceDb';

/** One character per time bucket; the most telling event in a bucket wins. */
const GLYPHS: Array<[readonly number[], string]> = [
  [[EventType.uncaughtException, EventType.unhandledRejection, EventType.workerError], '!'],
  [[EventType.processExit, EventType.threadExit, EventType.childExit], 'X'],
  [[EventType.processStart, EventType.threadStart], 'S'],
  [[EventType.workerSpawn, EventType.childSpawn], '+'],
  [[EventType.messageSend], '>'],
  [[EventType.messageReceive], '<'],
  [[EventType.mark], 'm'],
];
const RANK = new Map<number, number>();
GLYPHS.forEach(([types], rank) => types.forEach((t) => RANK.set(t, rank)));

export const TIMELINE_LEGEND =
  'S start  + spawn  > send  < receive  ! error  X exit  m mark  . metrics/other';

/** Renders lanes `width` characters wide. */
export function renderTimeline(db: TraceDb, width = 64): string {
  const [first, last] = db.query('SELECT MIN(ts), MAX(ts) FROM events').rows[0] as [
    number | null,
    number | null,
  ];
  if (first === null || last === null) return 'The trace is empty.\n';
  const span = Math.max(last - first, 1e-3);
  const lanes = db.query(
    `SELECT e.pid, e.tid, COALESCE(NULLIF(t.name, ''), CASE e.tid WHEN 0 THEN 'main' ELSE 'worker ' || e.tid END)
     FROM events e LEFT JOIN threads t ON t.pid = e.pid AND t.tid = e.tid
     GROUP BY e.pid, e.tid ORDER BY (SELECT MIN(ts) FROM events x WHERE x.pid = e.pid), e.tid`,
  ).rows as Array<[number, number, string]>;
  const buckets = db.query(
    `SELECT pid, tid, MIN(CAST((ts - ?) / ? * ? AS INTEGER), ? - 1) AS b, type FROM events GROUP BY pid, tid, b, type`,
    [first, span, width, width],
  ).rows as Array<[number, number, number, number]>;
  const rows = new Map<string, string[]>();
  for (const [pid, tid] of lanes) rows.set(`${pid}:${tid}`, new Array<string>(width).fill(' '));
  for (const [pid, tid, bucket, type] of buckets) {
    const row = rows.get(`${pid}:${tid}`)!;
    const rank = RANK.get(type);
    const glyph = rank === undefined ? '.' : GLYPHS[rank][1];
    const current = row[bucket];
    const currentRank = GLYPHS.findIndex(([, g]) => g === current);
    if (
      current === ' ' ||
      current === '.' ||
      (rank !== undefined && (currentRank < 0 || rank < currentRank))
    ) {
      row[bucket] = glyph;
    }
  }
  const labels = lanes.map(([pid, tid, name]) => `${pid} ${tid === 0 ? '' : `t${tid} `}${name}`);
  const labelWidth = Math.min(32, Math.max(...labels.map((l) => l.length)));
  const lines = lanes.map(
    ([pid, tid], i) =>
      `${labels[i].slice(0, labelWidth).padEnd(labelWidth)} |${rows.get(`${pid}:${tid}`)!.join('')}|`,
  );
  const axis = `${' '.repeat(labelWidth)} 0 ms${' '.repeat(Math.max(1, width - 8 - String(Math.round(span)).length))}${Math.round(span)} ms`;
  return [...lines, axis, TIMELINE_LEGEND].join('\n') + '\n';
}

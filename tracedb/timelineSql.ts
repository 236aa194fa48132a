/**
 * The SQL of the timeline panel and the mapping of its rows. Every query is bounded by a time range
 * on an index (events_thread_ts for one lane, events_type_ts for one kind of event, events_corr for
 * a message's other side) and by a LIMIT, so what a window costs follows what it shows, not the size
 * of the trace.
 */
import { EventType as T, eventTypeName } from '../runtime/eventSchema';
import type { EventKind, EventMark } from './timelineTypes';
import type { TraceDb } from './traceDb';

/** Runs one read-only statement; the TraceDB caches nothing for ad-hoc SQL, which is cheap to prepare. */
export function rows(db: TraceDb, sql: string, params: unknown[] = []): unknown[][] {
  return db.query(sql, params).rows;
}

const KINDS = new Map<number, EventKind>();
const kind = (k: EventKind, ...types: number[]) => types.forEach((t) => KINDS.set(t, k));
kind('lifecycle', T.processStart, T.processExit, T.threadStart, T.threadExit, T.workerSpawn, T.childSpawn);
kind('lifecycle', T.childExit, T.signal);
kind('message', T.messageSend, T.messageReceive);
kind('error', T.uncaughtException, T.unhandledRejection, T.workerError, T.dropped);
kind('call', T.call, T.return, T.throw, T.suspend, T.resume);
kind('state', T.state);
kind('mark', T.mark, T.warning);
kind('metric', T.metrics, T.gc, T.siteTable);
kind('tracePoint', T.tracePointHit);

/** The class of an event type; types this version does not know are 'other'. */
export function eventKind(type: number): EventKind {
  return KINDS.get(type) ?? 'other';
}

/** Types drawn one by one even when a lane is zoomed out to counts: few, and they tell the story. */
export const LANDMARK_TYPES = [
  T.processStart,
  T.processExit,
  T.threadStart,
  T.threadExit,
  T.workerSpawn,
  T.childSpawn,
  T.childExit,
  T.signal,
  T.uncaughtException,
  T.unhandledRejection,
  T.workerError,
  T.dropped,
];

/** Drawn one by one when zoomed out only while there are not too many of them in the window. */
export const MINOR_LANDMARK_TYPES = [T.mark, T.warning, T.throw, T.tracePointHit];

const json = (p: string) => `CASE WHEN json_valid(e.payload) THEN json_extract(e.payload, '${p}') END`;

/** A short label per event: the function of a call, the channel of a message, the name of a mark. */
/** `total=579 owner="alice" counter=…`: a trace-point hit's scalars in its label, objects elided. */
const TRACE_POINT_VALUES = `CASE WHEN json_valid(e.payload) THEN (
  SELECT group_concat(v.key || '=' || CASE v.type
    WHEN 'object' THEN '…' WHEN 'array' THEN '…' WHEN 'text' THEN json_quote(v.value)
    WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN 'null' ELSE v.value END, ' ')
  FROM json_each(e.payload, '$.vars') v) END`;

const LABEL = `CASE
  WHEN e.site <> 0 AND s.name IS NOT NULL THEN
    CASE WHEN s.kind = 'constructor' THEN 'new ' || s.name ELSE coalesce(s.class_name || '.', '') || s.name END
  WHEN e.type IN (${T.messageSend}, ${T.messageReceive}) THEN ${json('$.channel')} || ' ' || ${json('$.key')}
  WHEN e.type IN (${T.uncaughtException}, ${T.unhandledRejection}, ${T.workerError}) THEN
    coalesce(${json('$.error.name')} || ': ', '') || coalesce(${json('$.error.message')}, ${json('$.error')})
  WHEN e.type IN (${T.mark}) THEN ${json('$.name')}
  WHEN e.type IN (${T.warning}) THEN ${json('$.message')}
  WHEN e.type IN (${T.workerSpawn}, ${T.threadStart}) THEN ${json('$.name')}
  WHEN e.type = ${T.childSpawn} THEN ${json('$.command')}
  WHEN e.type = ${T.gc} THEN ${json('$.kind')}
  WHEN e.type = ${T.dropped} THEN ${json('$.count')} || ' dropped (' || ${json('$.reason')} || ')'
  WHEN e.type = ${T.tracePointHit} THEN 'line ' || ${json('$.line')} || coalesce(' ' || ${TRACE_POINT_VALUES}, '')
  WHEN e.type IN (${T.processExit}, ${T.threadExit}) THEN 'code ' || ${json('$.code')}
END`;

/** Columns of a mark; `e` is events, `s` the joined site. */
export const MARK_COLUMNS = `e.id, e.pid, e.tid, e.ts, e.type, ${LABEL}, e.eid, e.parent, e.site`;
export const SITE_JOIN = `LEFT JOIN sites s ON e.site <> 0 AND s.pid = e.pid AND s.tid = e.tid AND s.site = e.site`;

/** A mark as the page gets it: the row's eid, parent and site left out. */
export function wireMark(m: EventMark): EventMark {
  return {
    id: m.id,
    pid: m.pid,
    tid: m.tid,
    ts: m.ts,
    type: m.type,
    typeName: m.typeName,
    kind: m.kind,
    label: m.label,
  };
}

/** A row of MARK_COLUMNS as an EventMark plus its eid, parent and site. */
export function toMark(r: unknown[]): EventMark & { eid: number; parent: number; site: number } {
  const type = r[4] as number;
  const label = r[5];
  return {
    id: r[0] as number,
    pid: r[1] as number,
    tid: r[2] as number,
    ts: r[3] as number,
    type,
    typeName: eventTypeName(type),
    kind: eventKind(type),
    label: label === null || label === undefined ? '' : String(label).slice(0, 200),
    eid: r[6] as number,
    parent: r[7] as number,
    site: r[8] as number,
  };
}

/** Params: pid, tid, fromTs, toTs, limit. */
export const LANE_EVENTS_SQL = `SELECT ${MARK_COLUMNS} FROM events e INDEXED BY events_thread_ts ${SITE_JOIN}
WHERE e.pid = ? AND e.tid = ? AND e.ts >= ? AND e.ts <= ? ORDER BY e.ts, e.id LIMIT ?`;

/** Params: fromTs, bucketMs, pid, tid, fromTs, toTs. Reads the index only. */
export const LANE_BUCKETS_SQL = `SELECT CAST((ts - ?) / ? AS INTEGER) AS b, count(*) FROM events
WHERE pid = ? AND tid = ? AND ts >= ? AND ts <= ? GROUP BY b`;

/** Params: fromTs, toTs, limit. One index range per type. */
export const landmarksSql = (types: readonly number[]) => `SELECT ${MARK_COLUMNS} FROM events e ${SITE_JOIN}
WHERE e.type IN (${types.join(', ')}) AND e.ts >= ? AND e.ts <= ? ORDER BY e.ts LIMIT ?`;

/** Params: fromTs, toTs. Index-only. */
export const countSql = (types: readonly number[]) =>
  `SELECT count(*) FROM events WHERE type IN (${types.join(', ')}) AND ts >= ? AND ts <= ?`;

/** Params: sendFrom, toTs, fromTs, limit. Sends up to the window's end whose receive is after its start. */
export const MESSAGES_SQL = `SELECT s.id, r.id, s.pid, s.tid, r.pid, r.tid, s.ts, r.ts,
  CASE WHEN json_valid(s.payload) THEN json_extract(s.payload, '$.channel') END
FROM events s JOIN events r ON r.corr = s.corr AND r.corr <> 0 AND +r.type = ${T.messageReceive}
WHERE s.type = ${T.messageSend} AND s.ts >= ? AND s.ts <= ? AND r.ts >= ?
ORDER BY s.ts LIMIT ?`;

/** Params: fromTs, toTs. */
export const MESSAGE_COUNT_SQL = countSql([T.messageSend]);

/** Params: fromTs, toTs, limit. */
export const STATE_MARKS_SQL = `SELECT c.pid, c.tid, c.object_id, max(c.class), c.call_eid, max(s.name), max(c.ts), count(*)
FROM state_changes c LEFT JOIN sites s ON s.pid = c.pid AND s.tid = c.tid AND s.site = c.site
WHERE c.ts >= ? AND c.ts <= ? GROUP BY c.pid, c.tid, c.object_id, c.call_eid ORDER BY 7 LIMIT ?`;

/** Params: pid, tid, name, fromTs, toTs, fromTs, bucketMs. Largest value per bucket. */
export const METRIC_BUCKETS_SQL = `SELECT min(ts), max(value) FROM metrics
WHERE pid = ? AND tid = ? AND name = ? AND ts >= ? AND ts <= ?
GROUP BY CAST((ts - ?) / ? AS INTEGER) ORDER BY 1`;

/** Params: pid, tid, name, ts: the sample just before ts. */
export const METRIC_BEFORE_SQL = `SELECT ts, value FROM metrics WHERE pid = ? AND tid = ? AND name = ? AND ts < ?
ORDER BY ts DESC LIMIT 1`;
/** Params: pid, tid, name, ts: the sample just after ts. */
export const METRIC_AFTER_SQL = `SELECT ts, value FROM metrics WHERE pid = ? AND tid = ? AND name = ? AND ts > ?
ORDER BY ts LIMIT 1`;

/** Params: pid, tid, fromTs, toTs, fromTs, bucketMs. gc.<kind> rows: pause per bucket, summed. */
export const GC_BUCKETS_SQL = `SELECT min(ts), total(value) FROM metrics
WHERE pid = ? AND tid = ? AND name >= 'gc.' AND name < 'gc/' AND ts >= ? AND ts <= ?
GROUP BY CAST((ts - ?) / ? AS INTEGER) ORDER BY 1`;

/** Params: pid, tid, fromTs, toTs. CPU time samples, to turn into percent of one core. */
export const CPU_SQL = `SELECT u.ts, u.value + coalesce((SELECT v.value FROM metrics v
  WHERE v.pid = u.pid AND v.tid = u.tid AND v.name = 'cpuSystem' AND v.ts = u.ts), 0)
FROM metrics u WHERE u.pid = ? AND u.tid = ? AND u.name = 'cpuUser' AND u.ts >= ? AND u.ts <= ? ORDER BY u.ts`;

export const EVENT_SQL = `SELECT ${MARK_COLUMNS}, e.corr, e.flags, e.payload FROM events e ${SITE_JOIN} WHERE e.id = ?`;

/** Params: pid, tid, ts, eid: the call with that eid at or before ts, found by walking back in time. */
export const CALL_BY_EID_SQL = `SELECT e.id, e.ts FROM events e INDEXED BY events_thread_ts
WHERE e.pid = ? AND e.tid = ? AND e.ts <= ? AND e.eid = ? AND e.type = ${T.call} ORDER BY e.ts DESC LIMIT 1`;

/** Params: pid, tid, ts: the first event of a thread at or after ts (its eid and ts). */
export const FIRST_AT_SQL = `SELECT eid, ts FROM events INDEXED BY events_thread_ts
WHERE pid = ? AND tid = ? AND ts >= ? ORDER BY ts, id LIMIT 1`;

/** Params: pid, tid, fromTs, toTs, eid. */
export const CALL_BETWEEN_SQL = `SELECT ${MARK_COLUMNS} FROM events e INDEXED BY events_thread_ts ${SITE_JOIN}
WHERE e.pid = ? AND e.tid = ? AND e.ts >= ? AND e.ts <= ? AND e.eid = ? AND e.type = ${T.call} LIMIT 1`;

/** Params: pid, tid, ts, eid: how the call with that eid ended. */
export const CALL_END_SQL = `SELECT e.type, e.ts, e.payload FROM events e INDEXED BY events_thread_ts
WHERE e.pid = ? AND e.tid = ? AND e.ts >= ? AND e.parent = ? AND e.type IN (${T.return}, ${T.throw})
ORDER BY e.ts LIMIT 1`;

export const SITE_SQL = `SELECT file, line, col, name, class_name FROM sites WHERE pid = ? AND tid = ? AND site = ?`;

/** Params: pid, tid, callEid. */
export const CALL_STATE_SQL = `SELECT object_id, class, path, op, old, new FROM state_changes
WHERE pid = ? AND tid = ? AND call_eid = ? ORDER BY object_id, rowid`;

/** Params: corr, id. */
export const PEER_SQL = `SELECT ${MARK_COLUMNS} FROM events e ${SITE_JOIN}
WHERE e.corr = ? AND e.corr <> 0 AND e.id <> ? AND e.type IN (${T.messageSend}, ${T.messageReceive}) LIMIT 1`;

/** Params: pid, tid, ts, ts, id. The next event of the lane, skipping the ends of calls. */
export const NEXT_SQL = `SELECT ${MARK_COLUMNS} FROM events e INDEXED BY events_thread_ts ${SITE_JOIN}
WHERE e.pid = ? AND e.tid = ? AND e.ts >= ? AND (e.ts > ? OR e.id > ?) AND e.type <> ${T.return}
ORDER BY e.ts, e.id LIMIT 1`;
export const PREV_SQL = `SELECT ${MARK_COLUMNS} FROM events e INDEXED BY events_thread_ts ${SITE_JOIN}
WHERE e.pid = ? AND e.tid = ? AND e.ts <= ? AND (e.ts < ? OR e.id < ?) AND e.type <> ${T.return}
ORDER BY e.ts DESC, e.id DESC LIMIT 1`;

/** Params: pattern (LIKE), type ids matching the text as JSON array, limit. */
export const SEARCH_SQL = `SELECT ${MARK_COLUMNS} FROM events e ${SITE_JOIN}
WHERE e.type NOT IN (${T.return}, ${T.siteTable}) AND (s.name LIKE ?1 ESCAPE '\\' OR e.payload LIKE ?1 ESCAPE '\\'
  OR e.type IN (SELECT value FROM json_each(?2)))
ORDER BY e.ts, e.id LIMIT ?3`;

/** The JSON text of a value column, parsed; text that is not JSON stays text. */
export function parseValue(v: unknown): unknown {
  if (typeof v !== 'string') return v ?? null;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

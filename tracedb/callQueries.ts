/**
 * Queries over traced functions and objects: the call tree of a thread, the calls of one function,
 * the state timeline of one object and who changed one of its fields. Sites, calls and state
 * changes join on (pid, tid, site) and (pid, tid, eid).
 */
import { EventType } from '../runtime/eventSchema';

/** One recorded call with its outcome; `args`, `returned` and `threw` are JSON text. */
export interface CallRow {
  pid: number;
  tid: number;
  eid: number;
  parent: number;
  ts: number;
  name: string | null;
  file: string | null;
  line: number | null;
  args: string | null;
  returned: string | null;
  threw: string | null;
}

/** One changed path of an object, with the method call that changed it. */
export interface StateRow {
  ts: number;
  callEid: number;
  method: string | null;
  path: string;
  op: string;
  old: string | null;
  new: string | null;
}

const CALL_COLUMNS = `c.pid, c.tid, c.eid, c.parent, c.ts, s.name, s.file, s.line,
  c.payload -> '$.args' AS args,
  (SELECT r.payload -> '$.value' FROM events r
     WHERE r.type = ${EventType.return} AND r.pid = c.pid AND r.tid = c.tid AND r.parent = c.eid
     ORDER BY r.eid DESC LIMIT 1) AS returned,
  (SELECT x.payload -> '$.error' FROM events x
     WHERE x.type = ${EventType.throw} AND x.pid = c.pid AND x.tid = c.tid AND x.parent = c.eid
     ORDER BY x.eid DESC LIMIT 1) AS threw`;

export const CALL_TREE_SQL = `SELECT ${CALL_COLUMNS}
FROM events c INDEXED BY events_thread_ts
LEFT JOIN sites s ON s.pid = c.pid AND s.tid = c.tid AND s.site = c.site
WHERE c.pid = ? AND c.tid = ? AND c.ts >= ? AND c.ts <= ? AND c.type = ${EventType.call}
ORDER BY c.eid LIMIT ?`;

export const CALLS_OF_SQL = `SELECT ${CALL_COLUMNS}
FROM sites s
JOIN events c ON c.site = s.site AND c.site <> 0 AND c.pid = s.pid AND c.tid = s.tid AND c.type = ${EventType.call}
WHERE s.name = ? AND (? IS NULL OR s.file = ?)
ORDER BY c.ts LIMIT ?`;

const STATE_COLUMNS = `c.ts, c.call_eid AS callEid, s.name AS method, c.path, c.op, c.old, c.new`;

export const STATE_TIMELINE_SQL = `SELECT ${STATE_COLUMNS}
FROM state_changes c LEFT JOIN sites s ON s.pid = c.pid AND s.tid = c.tid AND s.site = c.site
WHERE c.pid = ? AND c.tid = ? AND c.object_id = ?
ORDER BY c.ts, c.rowid`;

/** Changes of one path or anything below it (`owner` covers `owner.name` and `owner[0]`). */
export const WHO_CHANGED_SQL = `SELECT ${STATE_COLUMNS}
FROM state_changes c LEFT JOIN sites s ON s.pid = c.pid AND s.tid = c.tid AND s.site = c.site
WHERE c.pid = ? AND c.tid = ? AND c.object_id = ?
  AND (c.path = ? OR substr(c.path, 1, length(?) + 1) IN (? || '.', ? || '['))
ORDER BY c.ts, c.rowid`;

/**
 * What the timeline shows about one selection: an event with its payload, source, call outcome,
 * error, message peer, state changes and trace-point values; the lane's next or previous event; a
 * traced object's history; a text search.
 */
import { EventType as T, eventTypeName } from '../runtime/eventSchema';
import type { EventDetail, EventMark, StateTimeline } from './timelineTypes';
import { isObject, parseJson } from './queries';
import * as Q from './timelineSql';
import type { TraceDb } from './traceDb';

export function eventDetail(db: TraceDb, eventId: number): EventDetail | undefined {
  const r = Q.rows(db, Q.EVENT_SQL, [eventId])[0];
  if (!r) return undefined;
  const raw = Q.toMark(r);
  const mark = Q.wireMark(raw);
  const payload = Q.parseValue(r[11]);
  const detail: EventDetail = {
    mark,
    eid: raw.eid,
    parent: raw.parent,
    corr: r[9] as number,
    flags: r[10] as number,
    payload,
    source: null,
    call: null,
    error: null,
    peer: null,
    stateChanges: [],
    values: null,
  };
  if (raw.site !== 0) {
    const site = Q.rows(db, Q.SITE_SQL, [raw.pid, raw.tid, raw.site])[0];
    if (site && typeof site[0] === 'string') {
      detail.source = {
        file: site[0],
        line: (site[1] as number | null) ?? 1,
        column: ((site[2] as number | null) ?? 0) + 1,
        name: site[3] as string | null,
      };
    }
  }
  const p = isObject(payload) ? payload : {};
  if (raw.type === T.call) {
    const end = Q.rows(db, Q.CALL_END_SQL, [raw.pid, raw.tid, raw.ts, raw.eid])[0];
    const endPayload = end ? parseJson(end[2]) : undefined;
    const ended = isObject(endPayload) ? endPayload : {};
    detail.call = {
      args: p.args ?? null,
      returned: end?.[0] === T.return ? (ended.value ?? null) : null,
      threw: end?.[0] === T.throw ? (ended.error ?? null) : null,
      endTs: end ? (end[1] as number) : null,
      outcome: !end ? 'open' : end[0] === T.return ? 'returned' : 'threw',
    };
    detail.stateChanges = callStateChanges(db, raw.pid, raw.tid, raw.eid);
  }
  if (raw.type === T.throw) detail.error = describeError(p.error);
  if (raw.type === T.uncaughtException || raw.type === T.unhandledRejection || raw.type === T.workerError) {
    detail.error = describeError(p.error);
  }
  if (raw.type === T.messageSend || raw.type === T.messageReceive) {
    const peer = Q.rows(db, Q.PEER_SQL, [detail.corr, eventId])[0];
    detail.peer = peer ? Q.wireMark(Q.toMark(peer)) : null;
  }
  if (raw.type === T.tracePointHit) {
    detail.values = isObject(p.vars) ? p.vars : {};
    if (typeof p.file === 'string' && typeof p.line === 'number') {
      detail.source = { file: p.file, line: p.line, column: 1, name: null };
    }
  }
  return detail;
}

function callStateChanges(
  db: TraceDb,
  pid: number,
  tid: number,
  callEid: number,
): EventDetail['stateChanges'] {
  const byObject = new Map<number, EventDetail['stateChanges'][number]>();
  for (const [objectId, className, path, op, old, now] of Q.rows(db, Q.CALL_STATE_SQL, [pid, tid, callEid])) {
    const id = objectId as number;
    if (!byObject.has(id))
      byObject.set(id, { objectId: id, className: className as string | null, changes: [] });
    byObject.get(id)!.changes.push({
      path: path as string,
      op: op as string,
      old: Q.parseValue(old),
      new: Q.parseValue(now),
    });
  }
  return [...byObject.values()];
}

function describeError(error: unknown): EventDetail['error'] {
  if (isObject(error)) {
    return {
      name: typeof error.name === 'string' ? error.name : null,
      message: typeof error.message === 'string' ? error.message : JSON.stringify(error),
      stack: typeof error.stack === 'string' ? error.stack : null,
    };
  }
  return {
    name: null,
    message: typeof error === 'string' ? error : JSON.stringify(error ?? null),
    stack: null,
  };
}

export function neighbor(db: TraceDb, eventId: number, direction: 'next' | 'prev'): EventMark | null {
  const r = Q.rows(db, Q.EVENT_SQL, [eventId])[0];
  if (!r) return null;
  const m = Q.toMark(r);
  const sql = direction === 'next' ? Q.NEXT_SQL : Q.PREV_SQL;
  const found = Q.rows(db, sql, [m.pid, m.tid, m.ts, m.ts, m.id])[0];
  return found ? Q.wireMark(Q.toMark(found)) : null;
}

export function stateTimeline(db: TraceDb, pid: number, tid: number, objectId: number): StateTimeline {
  const [className] = (Q.rows(
    db,
    'SELECT max(class) FROM state_changes WHERE pid = ? AND tid = ? AND object_id = ?',
    [pid, tid, objectId],
  )[0] ?? [null]) as Array<string | null>;
  const steps: StateTimeline['steps'] = [];
  for (const row of db.stateTimeline(pid, tid, objectId)) {
    let step = steps[steps.length - 1];
    if (!step || step.callEid !== row.callEid) {
      const call = Q.rows(db, Q.CALL_BY_EID_SQL, [pid, tid, row.ts, row.callEid])[0];
      step = {
        ts: row.ts,
        callEid: row.callEid,
        callId: call ? (call[0] as number) : null,
        method: row.method,
        changes: [],
      };
      steps.push(step);
    }
    step.changes.push({ path: row.path, op: row.op, old: Q.parseValue(row.old), new: Q.parseValue(row.new) });
  }
  return { pid, tid, objectId, className, steps };
}

export function search(db: TraceDb, text: string, limit: number): { hits: EventMark[]; more: boolean } {
  const needle = text.trim().toLowerCase();
  if (needle === '') return { hits: [], more: false };
  const pattern = `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const types = Object.values(T).filter((t) => eventTypeName(t).toLowerCase().includes(needle));
  const n = Math.max(1, Math.min(1000, Math.floor(limit)));
  const found = Q.rows(db, Q.SEARCH_SQL, [pattern, JSON.stringify(types), n + 1]).map((r) =>
    Q.wireMark(Q.toMark(r)),
  );
  return { hits: found.slice(0, n), more: found.length > n };
}

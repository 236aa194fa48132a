/**
 * The timeline's first answer: the trace's time bounds, its processes and thread lanes, its traced
 * objects. Read from the small derived tables (processes, threads, state_changes by index), never
 * by scanning events, so it stays cheap for a million events and can be asked again and again while
 * a live trace grows.
 */
import { EventType as T } from '../runtime/eventSchema';
import type { LaneInfo, ProcessInfo, StateObject, TraceOverview } from './timelineTypes';
import type { ProcessNode } from './queries';
import { rows } from './timelineSql';
import type { TraceDb } from './traceDb';

/** What changes when a live trace grows: compared to decide whether cached counts still hold. */
export function generation(db: TraceDb): string {
  const [events, last] = rows(db, 'SELECT total(events), max(last_ts) FROM threads')[0];
  return `${String(events)}@${String(last)}`;
}

export function overview(db: TraceDb, live: boolean): TraceOverview {
  const processes: ProcessInfo[] = [];
  const lanes: LaneInfo[] = [];
  let fromTs = Infinity;
  let toTs = -Infinity;
  const widen = (...values: Array<number | null>) => {
    for (const v of values) {
      if (v === null) continue;
      fromTs = Math.min(fromTs, v);
      toTs = Math.max(toTs, v);
    }
  };
  const visit = (p: ProcessNode) => {
    processes.push({
      pid: p.pid,
      ppid: p.ppid,
      label: processLabel(p),
      spawnTs: p.spawnTs,
      startTs: p.startTs,
      endTs: p.endTs,
      exitCode: p.exitCode,
      exitReason: p.exitReason,
      exitSignal: p.exitSignal,
    });
    widen(p.spawnTs, p.firstTs, p.lastTs);
    for (const t of p.threads) {
      if (t.events === 0 && t.spawnTs === null) continue;
      widen(t.spawnTs, t.firstTs, t.lastTs);
      lanes.push({
        key: `${p.pid}:${t.tid}`,
        pid: p.pid,
        tid: t.tid,
        label: t.name ? t.name : t.tid === 0 ? 'main' : `worker ${t.tid}`,
        isMain: t.tid === 0,
        spawnTs: t.spawnTs,
        startTs: t.startTs,
        endTs: t.endTs,
        exitCode: t.exitCode,
        events: t.events,
      });
    }
    p.children.forEach(visit);
  };
  db.spawnTree().forEach(visit);
  const events = lanes.reduce((n, l) => n + l.events, 0);
  const objects: StateObject[] = rows(
    db,
    `SELECT pid, tid, object_id, max(class), count(*) FROM state_changes GROUP BY pid, tid, object_id`,
  ).map((r) => ({
    pid: r[0] as number,
    tid: r[1] as number,
    objectId: r[2] as number,
    className: r[3] as string | null,
    changes: r[4] as number,
  }));
  const [errors] = rows(
    db,
    `SELECT count(*) FROM events WHERE type IN (${T.uncaughtException}, ${T.unhandledRejection}, ${T.workerError})`,
  )[0] as number[];
  const [dropped] = rows(
    db,
    `SELECT total(CASE WHEN json_valid(payload) THEN json_extract(payload, '$.count') END) FROM events WHERE type = ${T.dropped}`,
  )[0] as number[];
  const empty =
    events > 0
      ? null
      : live
        ? 'No events yet: the timeline fills in as the program runs.'
        : 'The trace is empty: the recording ended before any event was written.';
  if (!Number.isFinite(fromTs)) fromTs = toTs = 0;
  // A trace of one instant still needs a width to draw.
  if (toTs - fromTs < 1e-3) toTs = fromTs + 1;
  return {
    empty,
    fromTs,
    toTs,
    events,
    processes,
    lanes,
    objects,
    errors,
    dropped,
    live,
  };
}

/** A traced Node process by its script; an untraced child by its command line. */
function processLabel(p: ProcessNode): string {
  if (p.argv) {
    const script = p.argv.slice(1).find((a) => !a.startsWith('-'));
    return `${basename(script ?? p.argv[0] ?? 'node')} [${p.pid}]`;
  }
  const line = p.command ? [basename(p.command), ...(p.args ?? [])].join(' ') : 'process';
  return `${line.length > 40 ? `${line.slice(0, 39)}…` : line} [${p.pid}]`;
}

function basename(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

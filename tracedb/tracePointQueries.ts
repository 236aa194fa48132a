/**
 * Queries over trace point hits: the values of the variables at a traced line each time it ran.
 * Hits are plain events (type `tracePointHit`); the runtime names the trace point by id only and
 * the TraceDB's ingest adds its file and line (from the point's `tracePoint` event) to the stored
 * payload. The index on (type, ts) keeps them in time order.
 */
import { EventType } from '../runtime/eventSchema';

/** One hit of a trace point; `vars` and `self` are JSON text (docs/value-encoding.md). */
export interface TracePointHitRow {
  pid: number;
  tid: number;
  eid: number;
  /** The enclosing traced call's event id, 0 when none was traced. */
  parent: number;
  ts: number;
  id: number;
  file: string;
  line: number;
  vars: string | null;
  self: string | null;
  /** Names of the variables that were in their temporal dead zone at this hit. */
  tdz: string[];
  via: 'probe' | 'breakpoint';
}

/** Params: file (or null), file, line (or null), line, limit. */
export const TRACE_POINT_HITS_SQL = `SELECT pid, tid, eid, parent, ts,
  payload ->> '$.id', payload ->> '$.file', payload ->> '$.line',
  payload -> '$.vars', payload -> '$.this', payload -> '$.tdz', payload ->> '$.via'
FROM events INDEXED BY events_type_ts
WHERE type = ${EventType.tracePointHit} AND json_valid(payload)
  AND (? IS NULL OR payload ->> '$.file' = ?) AND (? IS NULL OR payload ->> '$.line' = ?)
ORDER BY ts, id LIMIT ?`;

/** A result row of TRACE_POINT_HITS_SQL as a {@link TracePointHitRow}. */
export function toTracePointHitRow(r: unknown[]): TracePointHitRow {
  let tdz: string[] = [];
  if (typeof r[10] === 'string') {
    try {
      const parsed = JSON.parse(r[10]) as unknown;
      if (Array.isArray(parsed)) tdz = parsed.filter((n): n is string => typeof n === 'string');
    } catch {
      // Not a list: no names.
    }
  }
  return {
    pid: r[0] as number,
    tid: r[1] as number,
    eid: r[2] as number,
    parent: r[3] as number,
    ts: r[4] as number,
    id: Number(r[5]),
    file: String(r[6] ?? ''),
    line: Number(r[7]),
    vars: (r[8] as string | null) ?? null,
    self: (r[9] as string | null) ?? null,
    tdz,
    via: r[11] === 'breakpoint' ? 'breakpoint' : 'probe',
  };
}

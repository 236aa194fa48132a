/** Trace point hits in the TraceDB: the file and line added at ingest, and the hits query. */
import { describe, expect, it } from 'vitest';
import { EventType } from '../runtime/eventSchema';
import { TraceDb } from './traceDb';
import type { TraceEvent } from './traceEvent';

const T0 = 1_700_000_000_000;
let eid = 0;
function event(pid: number, type: number, payload: object): TraceEvent {
  eid++;
  return {
    pid,
    tid: 0,
    eid,
    parent: 0,
    site: 0,
    corr: 0,
    ts: T0 + eid,
    type,
    flags: 0,
    payload: JSON.stringify(payload),
  };
}

describe('trace point hits', () => {
  it('get the file and line of their trace point, per process, across batches', async () => {
    const db = await TraceDb.create();
    db.ingest([
      event(1, EventType.tracePoint, { id: 1, file: '/app/a.js', line: 12 }),
      event(2, EventType.tracePoint, { id: 1, file: '/app/b.js', line: 3 }),
      event(1, EventType.tracePointHit, { id: 1, vars: { file: 'not the place', n: 1 } }),
    ]);
    db.ingest([
      event(2, EventType.tracePointHit, { id: 1, vars: { n: 2 }, tdz: ['later'], via: 'breakpoint' }),
      event(1, EventType.tracePointHit, { id: 1, vars: { n: 3 }, this: { a: 1 } }),
      // A hit whose trace point was never described keeps what it has.
      event(1, EventType.tracePointHit, { id: 9, vars: {} }),
    ]);
    const hits = db.tracePointHits();
    expect(hits.map((h) => [h.pid, h.id, h.file, h.line, JSON.parse(h.vars!).n, h.tdz, h.via])).toEqual([
      [1, 1, '/app/a.js', 12, 1, [], 'probe'],
      [2, 1, '/app/b.js', 3, 2, ['later'], 'breakpoint'],
      [1, 1, '/app/a.js', 12, 3, [], 'probe'],
      [1, 9, '', 0, undefined, [], 'probe'],
    ]);
    expect(JSON.parse(hits[0].vars!)).toEqual({ file: 'not the place', n: 1 });
    expect(JSON.parse(hits[2].self!)).toEqual({ a: 1 });
    // The stored payload itself carries the place, for readers that do not use the query.
    expect(
      db.query(`SELECT payload ->> '$.line' FROM events WHERE type = ${EventType.tracePointHit} LIMIT 1`)
        .rows,
    ).toEqual([[12]]);

    expect(db.tracePointHits({ file: '/app/a.js' }).map((h) => h.eid)).toEqual([hits[0].eid, hits[2].eid]);
    expect(db.tracePointHits({ line: 3 })).toHaveLength(1);
    expect(db.tracePointHits({ file: '/app/a.js', line: 3 })).toEqual([]);
    expect(db.tracePointHits({ limit: 1 })).toHaveLength(1);
    db.close();
  });
});

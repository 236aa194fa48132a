/**
 * What a trace file opened in VS Code shows: real trace files written by a real TraceDB, damaged
 * on purpose, answered through the timeline's real data source.
 */
import { describe, expect, it } from 'vitest';
import { sourceFromBytes } from '../../extension/traceFileSource';
import { TraceDb } from '../../tracedb/traceDb';
import { EventType } from '../../runtime/eventSchema';

async function traceBytes(events: number): Promise<Uint8Array> {
  const db = await TraceDb.create();
  const rows = Array.from({ length: events }, (_, i) => ({
    pid: 7,
    tid: 0,
    eid: i + 1,
    parent: 0,
    site: 0,
    corr: 0,
    ts: 1000 + i,
    type: EventType.mark,
    flags: 0,
    payload: JSON.stringify({ name: `m${i}` }),
  }));
  db.ingest(rows);
  const bytes = db.export();
  db.close();
  return bytes;
}

async function overview(bytes: Uint8Array) {
  const source = await sourceFromBytes(bytes, '/traces/run.cinescope');
  try {
    return await source.handle({ type: 'request', id: 1, query: { type: 'overview' } });
  } finally {
    source.dispose();
  }
}

describe('sourceFromBytes', () => {
  it('answers from a good trace file', async () => {
    const answer = await overview(await traceBytes(3));
    expect(answer).toMatchObject({ type: 'response', id: 1, result: { type: 'overview' } });
    if (answer.type === 'response' && answer.result.type === 'overview') {
      expect(answer.result.overview.events).toBe(3);
    }
  });

  it.each([
    ['random bytes', () => new TextEncoder().encode('this is not a trace at all, just text')],
    ['an empty file', () => new Uint8Array(0)],
    ['a truncated trace', async () => (await traceBytes(50)).slice(0, 3000)],
  ])('answers every request for %s with a sentence naming the file', async (_name, make) => {
    const answer = await overview(await make());
    expect(answer.type).toBe('error');
    if (answer.type === 'error') {
      expect(answer.message).toContain('/traces/run.cinescope');
      expect(answer.message).not.toMatch(/\n\s+at /); // a sentence, not a stack
    }
  });
});

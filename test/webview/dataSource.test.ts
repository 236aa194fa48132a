/**
 * The host side of the timeline on real sql.js TraceDbs: level of detail (counts when a window
 * holds many events, every event and call span when it holds few), a live trace that grows between
 * requests, and errors as values in the protocol.
 */
import { describe, expect, it } from 'vitest';
import { EventType as T } from '../../runtime/eventSchema';
import { TraceDb } from '../../tracedb/traceDb';
import type { TraceEvent } from '../../tracedb/traceEvent';
import { generation, overview } from '../../tracedb/timelineOverview';
import { DETAIL_LIMIT, TimelineWindows } from '../../tracedb/timelineWindow';
import { CODICON_STYLE, TimelineDataSource, timelineHtml } from '../../webview/host';
import type { HostMessage, ResultOf, TimelineQuery } from '../../webview/protocol';

const T0 = 1_700_000_000_000;
let id = 0;

async function ask<Q extends TimelineQuery>(
  source: TimelineDataSource,
  query: Q,
): Promise<ResultOf<Q['type']>> {
  const reply: HostMessage = await source.handle({ type: 'request', id: ++id, query });
  if (reply.type !== 'response') throw new Error(`expected a response, got ${JSON.stringify(reply)}`);
  expect(reply.id).toBe(id);
  return reply.result as ResultOf<Q['type']>;
}

/** One event of process 1, thread `tid`. */
function event(
  tid: number,
  eid: number,
  type: number,
  ts: number,
  parent: number,
  site: number,
  payload: unknown,
): TraceEvent {
  return { pid: 1, tid, eid, parent, site, corr: 0, ts, type, flags: 0, payload: JSON.stringify(payload) };
}

/** `calls` calls of f (each calling g) on thread `tid`, 0.1 ms apart from `from`. */
function calls(tid: number, from: number, count: number, firstEid: number): TraceEvent[] {
  const out: TraceEvent[] = [];
  let eid = firstEid;
  const e = (type: number, ts: number, parent: number, site: number, payload: unknown): number => {
    out.push(event(tid, ++eid, type, ts, parent, site, payload));
    return eid;
  };
  for (let i = 0; i < count; i++) {
    const ts = from + i * 0.1;
    const f = e(T.call, ts, 0, 1, { args: [i] });
    const g = e(T.call, ts + 0.01, f, 2, { args: ['x'] });
    e(T.return, ts + 0.02, g, 2, { value: i * 2 });
    e(T.return, ts + 0.05, f, 1, { value: 'done' });
  }
  return out;
}

async function traceWithCalls(count: number): Promise<TraceDb> {
  const db = await TraceDb.create();
  const sites = [
    { kind: 'function', name: 'f', line: 3, column: 2, arity: 1 },
    { kind: 'function', name: 'g', line: 9, column: 2, arity: 1 },
  ];
  db.ingest([
    {
      pid: 1,
      tid: 0,
      eid: 1,
      parent: 0,
      site: 0,
      corr: 0,
      ts: T0,
      type: T.threadStart,
      flags: 0,
      payload: JSON.stringify({ threadId: 0, name: 'main', isMainThread: true }),
    },
    {
      pid: 1,
      tid: 0,
      eid: 2,
      parent: 0,
      site: 0,
      corr: 0,
      ts: T0,
      type: T.siteTable,
      flags: 0,
      payload: JSON.stringify({ file: '/app/a.js', base: 1, sites }),
    },
  ]);
  db.ingest(calls(0, T0 + 1, count, 2));
  return db;
}

describe('TimelineDataSource', () => {
  it('sends counts for a busy window and every call, paired and nested, for a narrow one', async () => {
    const db = await traceWithCalls(3000);
    const source = new TimelineDataSource(db);
    const { overview } = await ask(source, { type: 'overview' });
    expect(overview.events).toBe(2 + 3000 * 4);
    expect(overview.lanes.map((l) => l.label)).toEqual(['main']);
    const wide = await ask(source, {
      type: 'window',
      fromTs: overview.fromTs,
      toTs: overview.toTs,
      buckets: 500,
    });
    const lane = wide.window.lanes[0];
    expect(lane.mode).toBe('buckets');
    expect(lane.counts).toHaveLength(500);
    expect(lane.counts.reduce((a, b) => a + b, 0)).toBe(overview.events);
    expect(lane.total).toBeGreaterThan(DETAIL_LIMIT);

    // From between two calls to between two others: no call is cut by the window's edges.
    const narrow = await ask(source, { type: 'window', fromTs: T0 + 10.98, toTs: T0 + 11.98, buckets: 500 });
    const detail = narrow.window.lanes[0];
    expect(detail.mode).toBe('detail');
    const f = detail.spans.filter((s) => s.name === 'f');
    const g = detail.spans.filter((s) => s.name === 'g');
    expect(f).toHaveLength(10);
    expect(g).toHaveLength(10);
    expect(f.every((s) => s.depth === 0 && s.outcome === 'returned')).toBe(true);
    expect(g.every((s) => s.depth === 1)).toBe(true);
    expect(f[0].endTs - f[0].startTs).toBeCloseTo(0.05, 3);

    // The call's details: arguments, return value, source.
    const { detail: call } = await ask(source, { type: 'event', eventId: f[0].id });
    expect(call.call).toMatchObject({ outcome: 'returned', returned: 'done' });
    expect(call.source).toEqual({ file: '/app/a.js', line: 3, column: 3, name: 'f' });
    const next = await ask(source, { type: 'neighbor', eventId: f[0].id, direction: 'next' });
    expect(next.event).toMatchObject({ typeName: 'call', label: 'g' });
    const found = await ask(source, { type: 'search', text: 'g', limit: 5 });
    expect(found.hits).toHaveLength(5);
    expect(found.more).toBe(true);
    source.dispose();
    db.close();
  });

  it('finds the calls that enclose a window but started before it', async () => {
    const db = await traceWithCalls(0);
    let eid = 2;
    const e = (type: number, ts: number, parent: number, site: number, payload: unknown) => {
      db.ingest([event(0, ++eid, type, ts, parent, site, payload)]);
      return eid;
    };
    const outer = e(T.call, T0 + 1, 0, 1, { args: [] });
    const middle = e(T.call, T0 + 1.5, outer, 2, { args: [] });
    for (let i = 0; i < 100; i++) {
      const inner = e(T.call, T0 + 2 + i * 0.1, middle, 1, { args: [i] });
      e(T.return, T0 + 2.05 + i * 0.1, inner, 1, { value: i });
    }
    e(T.return, T0 + 19, middle, 2, { value: null });
    e(T.return, T0 + 20, outer, 1, { value: null });
    const source = new TimelineDataSource(db);
    await ask(source, { type: 'overview' });
    const { window } = await ask(source, {
      type: 'window',
      fromTs: T0 + 5.02,
      toTs: T0 + 5.98,
      buckets: 100,
    });
    const spans = window.lanes[0].spans;
    const byDepth = (d: number) => spans.filter((s) => s.depth === d);
    expect(byDepth(0)).toMatchObject([{ name: 'f', clipped: true, startTs: T0 + 5.02 }]);
    expect(byDepth(1)).toMatchObject([{ name: 'g', clipped: true }]);
    // Nine calls inside the window, and the one that started at +5.00 and returned inside it.
    expect(byDepth(2).map((s) => s.name)).toEqual(new Array(10).fill('f'));
    expect(byDepth(2).map((s) => s.clipped)).toEqual([true, ...new Array(9).fill(false)]);
    db.close();
  });

  it('follows a live trace that grows between requests', async () => {
    const db = await traceWithCalls(10);
    const source = new TimelineDataSource(db, { live: true });
    const before = (await ask(source, { type: 'overview' })).overview;
    expect(before.live).toBe(true);
    db.ingest(calls(0, T0 + 100, 10, 1000));
    db.ingest([
      {
        pid: 1,
        tid: 3,
        eid: 1,
        parent: 0,
        site: 0,
        corr: 0,
        ts: T0 + 120,
        type: T.threadStart,
        flags: 0,
        payload: JSON.stringify({ threadId: 3, name: '', isMainThread: false }),
      },
      {
        pid: 1,
        tid: 3,
        eid: 2,
        parent: 0,
        site: 0,
        corr: 0,
        ts: T0 + 121,
        type: 99,
        flags: 0,
        payload: JSON.stringify({ something: 'new' }),
      },
    ]);
    const after = (await ask(source, { type: 'overview' })).overview;
    expect(after.events).toBe(before.events + 42);
    expect(after.toTs).toBeGreaterThan(before.toTs);
    expect(after.lanes.map((l) => l.key)).toEqual(['1:0', '1:3']);
    const w = await ask(source, { type: 'window', fromTs: T0 + 119, toTs: T0 + 122, buckets: 100 });
    const unknown = w.window.lanes.find((l) => l.key === '1:3')!.events.find((e) => e.type === 99)!;
    expect(unknown).toMatchObject({ typeName: 'type99', kind: 'other' });
    const { detail } = await ask(source, { type: 'event', eventId: unknown.id });
    expect(detail.payload).toEqual({ something: 'new' });
    // A trace-point hit: on its thread's lane with its values, and its line as the source.
    const vars = { total: 579, owner: 'alice' };
    db.ingest([
      {
        pid: 1,
        tid: 3,
        eid: 3,
        parent: 0,
        site: 0,
        corr: 0,
        ts: T0 + 121.5,
        type: T.tracePointHit,
        flags: 0,
        payload: JSON.stringify({ id: 1, file: '/app/a.js', line: 12, vars }),
      },
    ]);
    const again = await ask(source, { type: 'window', fromTs: T0 + 119, toTs: T0 + 122, buckets: 100 });
    const hit = again.window.lanes.find((l) => l.key === '1:3')!.events.find((e) => e.kind === 'tracePoint')!;
    expect(hit.label).toBe('line 12 total=579 owner="alice"');
    const { detail: hitDetail } = await ask(source, { type: 'event', eventId: hit.id });
    expect(hitDetail.values).toEqual(vars);
    expect(hitDetail.source).toEqual({ file: '/app/a.js', line: 12, column: 1, name: null });
    db.close();
  });

  it('builds the whole-trace histogram only zoomed out, and extends it with only the new events', async () => {
    const db = await traceWithCalls(3000);
    const windows = new TimelineWindows(db);
    const ask = (fromTs: number, toTs: number) => {
      const o = overview(db, true);
      const w = windows.window(o.lanes, o, generation(db), fromTs, toTs, 500);
      return { o, counts: w.lanes[0].counts, total: w.lanes[0].total, mode: w.lanes[0].mode };
    };
    // Zoomed in, as a live trace is panned or told it changed: no whole-trace scan, however often.
    for (let i = 0; i < 5; i++) {
      db.ingest(calls(0, T0 + 400 + i, 1, 50_000 + i * 10));
      expect(ask(T0 + 10, T0 + 11).mode).toBe('detail');
    }
    expect(windows.stats).toEqual({ builds: 0, extensions: 0, eventsAdded: 0, merges: 0 });

    // Zoomed out: built once; counts are exact.
    const first = ask(T0, T0 + 500);
    expect(windows.stats.builds).toBe(1);
    expect(first.mode).toBe('buckets');
    expect(first.total).toBe(first.o.events);

    // The trace grows to twice its span: only the new events are counted, and buckets merge to fit.
    const more = calls(0, T0 + 600, 3000, 100_000);
    db.ingest(more);
    const grown = ask(T0, T0 + 1000);
    expect(windows.stats).toMatchObject({ builds: 1, extensions: 1, eventsAdded: more.length });
    expect(windows.stats.merges).toBeGreaterThan(0);
    expect(grown.total).toBe(grown.o.events);
    expect(grown.o.events).toBe(first.o.events + more.length);
    // Each event in its place: the new ones after the gap, the old ones before it.
    expect(ask(T0 + 599, T0 + 1000).total).toBe(more.length);
    expect(ask(T0, T0 + 500).total).toBe(first.o.events);

    // Nothing new: nothing counted again.
    ask(T0, T0 + 1000);
    expect(windows.stats).toMatchObject({ builds: 1, extensions: 1 });
    db.close();
  });

  it('answers with the error sentence, as a value, for bad requests and unreadable files', async () => {
    const db = await traceWithCalls(1);
    const source = new TimelineDataSource(db);
    const reply = await source.handle({ type: 'request', id: 7, query: { type: 'event', eventId: 123456 } });
    expect(reply).toEqual({
      type: 'error',
      id: 7,
      code: 'bad-query',
      message: 'The trace has no event 123456.',
    });
    const nan = await source.handle({
      type: 'request',
      id: 8,
      query: { type: 'window', fromTs: NaN, toTs: 1, buckets: 1 },
    });
    expect(nan).toMatchObject({ type: 'error', id: 8, code: 'bad-query' });
    const missing = await TimelineDataSource.open('/nonexistent/trace.cinescope');
    expect(await missing.handle({ type: 'request', id: 9, query: { type: 'overview' } })).toEqual({
      type: 'error',
      id: 9,
      code: 'unreadable',
      message: 'Cannot read trace file /nonexistent/trace.cinescope: the file does not exist.',
    });
    db.close();
  });

  it('writes a page with a strict CSP and the nonce on its only script', () => {
    const options = {
      scriptUri: 'vscode-resource:/t.js',
      styleUri: 'vscode-resource:/t.css',
      codiconUri: 'vscode-resource:/c.css',
      cspSource: 'vscode-webview:',
      nonce: 'abc123',
      title: 'A <b> title',
    };
    const html = timelineHtml(options);
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/
      .exec(html)![1]
      .replaceAll('&#39;', "'");
    expect(csp).toBe(
      "default-src 'none'; script-src 'nonce-abc123'; style-src vscode-webview:; img-src vscode-webview: data:; font-src vscode-webview:",
    );
    expect(html).toContain('<script nonce="abc123" src="vscode-resource:/t.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="vscode-resource:/c.css">');
    // Codicons beside the style, under the same CSP source (the font loads by font-src).
    expect(
      timelineHtml({
        ...options,
        codiconUri: undefined,
        styleUri: 'https://x.test/dist/webview/timeline.css?token=t',
      }),
    ).toContain(`<link rel="stylesheet" href="https://x.test/dist/webview/${CODICON_STYLE}?token=t">`);
    expect(html).toContain('<title>A &#60;b&#62; title</title>');
    expect(html).not.toContain('connect-src');
  });
});

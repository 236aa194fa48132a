/**
 * The extension's live traces with real parts: a real collector on loopback, real Node programs
 * running the built runtime (dist/, `npm run build`), a real sql.js TraceDB, a real saved file.
 */
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { LiveTraces } from '../../extension/liveTraces';
import { DEFAULT_MAX_EVENTS, liveTraceLimits } from '../../extension/liveTraceLimits';
import { formatRecordingStatus } from '../../extension/recordingStatusText';
import type { LiveTrace } from '../../extension/liveTrace';
import { TraceDb } from '../../tracedb/traceDb';
import { PRELOAD, run, tempDir } from '../helpers';

let traces: LiveTraces;
afterEach(async () => {
  await traces?.dispose();
});

/** Runs `source` as a traced program reporting to `trace`'s collector. */
async function runTraced(trace: LiveTrace, source: string, rules: string[] = []) {
  const dir = tempDir();
  const program = join(dir, 'app.js');
  writeFileSync(program, source);
  const config = {
    url: trace.collector.url,
    token: trace.collector.token,
    session: trace.id,
    cwd: dir,
    trace: rules,
  };
  return run(process.execPath, [program], {
    cwd: dir,
    env: {
      ...process.env,
      NODE_OPTIONS: `--require ${JSON.stringify(PRELOAD)}`,
      CINESCOPE_RUNTIME: JSON.stringify(config),
    },
  });
}

describe('LiveTraces', () => {
  it('stores a traced program’s events as they arrive and saves a trace file the CLI can read', async () => {
    traces = new LiveTraces();
    const trace = await traces.startFor('session-1', 'Launch app');
    expect(trace.collector.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/$/);
    const result = await runTraced(
      trace,
      `const { Worker } = require('node:worker_threads');
       const w = new Worker('require("node:worker_threads").parentPort.postMessage("hi")', { eval: true });
       w.on('message', (m) => { console.log('got', m); });`,
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('got hi\n');
    // Events land while the session is still open, without ending it.
    await trace.collector.stored();
    const live = trace.sample();
    expect(live.events).toBeGreaterThan(0);
    expect(live.dropped).toBe(0);
    expect(trace.recording).toBe(true);
    const stats = trace.stats();
    expect(stats.processes).toBe(1);
    expect(stats.threads).toBe(2);

    await traces.end('session-1');
    expect(trace.recording).toBe(false);
    const file = join(tempDir(), 'saved.cinescope');
    await trace.save(file);
    const saved = await TraceDb.open(file);
    try {
      expect(saved.stats().events).toBe(trace.stats().events);
      expect(saved.getMeta('session')).toBe('session-1');
      expect(saved.getMeta('endedAt')).toMatch(/^\d{4}-/);
    } finally {
      saved.close();
    }
  });

  it('refuses a runtime with the wrong token and stores nothing from it', async () => {
    traces = new LiveTraces();
    const trace = await traces.startFor('s', 'Bad token');
    const forged = { ...trace, collector: { url: trace.collector.url, token: 'x'.repeat(48) } };
    const result = await runTraced(forged as unknown as LiveTrace, 'console.log("still runs")');
    expect(result.stdout).toBe('still runs\n');
    await trace.collector.stored();
    expect(trace.sample().events).toBe(0);
    expect(trace.collector.problems.join(' ')).toMatch(/wrong or missing session token/);
  });

  it('shares one trace between concurrent starts and keeps only the last ended traces', async () => {
    traces = new LiveTraces();
    const [a, b] = await Promise.all([traces.startFor('1', 'one'), traces.startFor('1', 'one')]);
    expect(a).toBe(b);
    let changes = 0;
    traces.onDidChange(() => changes++);
    const others = [];
    // Started within the same millisecond or not, the start order decides which is latest.
    for (const id of ['2', '3', '4']) others.push(await traces.startFor(id, id));
    expect(traces.latest()?.id).toBe('4');
    for (const id of ['1', '2', '3', '4']) await traces.end(id);
    expect(a.isDisposed).toBe(true);
    expect(others[0].isDisposed).toBe(true);
    expect(traces.all().map((t) => t.id)).toEqual(['3', '4']);
    expect(traces.latest()?.id).toBe('4');
    expect(changes).toBe(3 + 4);
    await expect(a.save(join(tempDir(), 'x.cinescope'))).rejects.toThrow(/already discarded/);
  });

  it('stores at most the configured number of events and counts the rest as drops the status bar shows', async () => {
    traces = new LiveTraces(() => liveTraceLimits(40));
    const trace = await traces.startFor('capped', 'Capped');
    expect(trace.limits.maxEvents).toBe(40);
    const result = await runTraced(
      trace,
      `function f(i) { return i * 2; }
       let s = 0;
       for (let i = 0; i < 500; i++) s += f(i);
       console.log(s);`,
      ['app.js'],
    );
    expect(result.stdout).toBe('249500\n');
    await trace.collector.stored();
    const live = trace.sample();
    expect(live.events).toBe(40);
    expect(live.dropped).toBeGreaterThan(0);
    const status = formatRecordingStatus(trace.name, live, 0, true);
    expect(status.warning).toBe(true);
    expect(status.text).toMatch(/dropped$/);
    expect(status.tooltip).toContain(
      'The trace is full (40 events, the cinescope.liveTrace.maxEvents setting)',
    );

    // Once ended, the drops are stored as a `dropped` event and still counted once.
    await traces.end('capped');
    expect(trace.sample().dropped).toBe(live.dropped);
  });

  it('falls back to the default cap for a setting that is not a positive whole number', () => {
    for (const bad of [undefined, 0, -5, 1.5, '100', Number.NaN]) {
      expect(liveTraceLimits(bad).maxEvents).toBe(DEFAULT_MAX_EVENTS);
    }
    expect(liveTraceLimits(123_456).maxEvents).toBe(123_456);
  });
});

/**
 * The runtime against an in-process collector (the OpenTelemetry pattern: a real program as a
 * child process, pointed at a test collector): drops are counted exactly, the connection comes
 * back after it is cut, user marks arrive, and a broken configuration leaves the program alone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Collector } from '../tracedb/collector';
import { TraceDb } from '../tracedb/traceDb';
import { PRELOAD, ROOT, run, tempDir } from './helpers';

let db: TraceDb | undefined;
let collector: Collector | undefined;
afterEach(async () => {
  await collector?.close();
  db?.close();
  collector = undefined;
  db = undefined;
});

async function traced(
  source: string,
  config: Record<string, unknown> = {},
  onStdout?: (text: string) => void,
) {
  db = await TraceDb.create();
  collector = await Collector.start({ db });
  const file = join(tempDir(), 'app.js');
  writeFileSync(file, source);
  const env = {
    ...process.env,
    NODE_OPTIONS: `--require ${PRELOAD}`,
    CINESCOPE_RUNTIME: JSON.stringify({
      url: collector.url,
      token: collector.token,
      session: 't',
      ...config,
    }),
  };
  const result = await run(process.execPath, [file], {
    env,
    onStdout: onStdout && ((text) => onStdout(text)),
  });
  await collector.idle(5000);
  return result;
}

const count = (sql: string) => Number(db!.query(sql).rows[0][0]);

describe('runtime', () => {
  it('counts every event a full ring drops, and records the drops', async () => {
    // A 4 KiB ring and a burst far larger than it, with no chance for the drain to keep up.
    const result = await traced(
      `const { mark } = require(${JSON.stringify(join(ROOT, 'dist/runtime/mark.js'))});
       let accepted = 0;
       for (let i = 0; i < 20000; i++) if (mark('burst', i)) accepted++;
       console.log(accepted);`,
      { ringBytes: 4096, metricsIntervalMs: 0 },
    );
    const accepted = Number(result.stdout.trim());
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(20000);
    const stored = count(`SELECT COUNT(*) FROM events WHERE type = 17`);
    const dropped = count(`SELECT SUM(json_extract(payload, '$.count')) FROM events WHERE type = 16`);
    expect(stored).toBe(accepted);
    expect(stored + dropped).toBe(20000);
    // The ring's reserve kept the events that say how the program ended.
    expect(count(`SELECT COUNT(*) FROM events WHERE type = 2`)).toBe(1);
    expect(db!.stats().dropped).toBe(dropped);
  });

  it('reconnects after the collector cuts the connection and keeps sending', async () => {
    const program = traced(
      `const { mark } = require(${JSON.stringify(join(ROOT, 'dist/runtime/mark.js'))});
       let i = 0;
       const timer = setInterval(() => {
         mark('tick', ++i);
         if (i === 100) { clearInterval(timer); console.log('done'); }
       }, 10);`,
      { metricsIntervalMs: 0 },
    );
    // Cut as soon as the first events arrived (the collector exists once traced() started it).
    for (let i = 0; i < 500 && !(collector && collector.stats.events > 0); i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    const before = collector!.stats.events;
    collector!.dropConnections();
    const result = await program;
    expect(result.stdout).toBe('done\n');
    expect(before).toBeGreaterThan(0);
    expect(collector!.stats.connections).toBe(2);
    // Events kept arriving over the new connection, up to the last tick and the exit.
    expect(count(`SELECT MAX(json_extract(payload, '$.data')) FROM events WHERE type = 17`)).toBe(100);
    expect(count(`SELECT COUNT(*) FROM events WHERE type = 2`)).toBe(1);
  });

  it('leaves the program alone when its configuration is unusable', async () => {
    const file = join(tempDir(), 'app.js');
    writeFileSync(file, 'console.log("still runs")');
    const env = {
      ...process.env,
      NODE_OPTIONS: `--require ${PRELOAD}`,
      CINESCOPE_RUNTIME: '{"url":"ws://example.com/"}',
    };
    const result = await run(process.execPath, [file], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('still runs\n');
    expect(result.stderr).toContain(
      'cinescope: tracing is off: CINESCOPE_RUNTIME.url must be a loopback ws:// URL.',
    );
  });

  it('records thread and process metrics and GC', async () => {
    await traced(
      `const a = []; for (let i = 0; i < 2e5; i++) a.push({ i }); setTimeout(() => console.log(a.length), 250);`,
      { metricsIntervalMs: 50 },
    );
    expect(count(`SELECT COUNT(*) FROM events WHERE type = 14`)).toBeGreaterThanOrEqual(3);
    expect(count(`SELECT COUNT(*) FROM events WHERE type = 15`)).toBeGreaterThanOrEqual(1);
    const series = db!.metricsSeries(process.pid, 0, 'heapUsed');
    expect(series).toEqual([]); // the series belongs to the child's pid, not ours
    const [pid] = db!.query(`SELECT pid FROM processes`).rows[0] as number[];
    const heap = db!.metricsSeries(pid, 0, 'heapUsed');
    expect(heap.length).toBeGreaterThanOrEqual(3);
    expect(heap.every((p) => p.value > 1e5)).toBe(true);
    const elu = db!.metricsSeries(pid, 0, 'elu');
    expect(elu.every((p) => p.value >= 0 && p.value <= 1)).toBe(true);
  });
});

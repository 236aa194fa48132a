// The timeline page in headless Chromium on traces of 10K, 100K and 1M events (synthetic, written
// through the real TraceDb) and on a real recording: how long `cinescope view` takes to open the
// file, time to first render (navigation → first frame drawn with data) and frame times while
// panning and zooming, plus the round trip of the window requests those moves trigger.
//
// Synthetic threads call nested functions, send messages to each other, mark, collect garbage and
// sample metrics, in proportions close to a traced program (about 60% calls and returns).
// The functions given to page.evaluate run in the page, where these are defined.
/* global window, document, requestAnimationFrame */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInternals, median, nowMs, printBenchJson, printTable, quick, round, rootDir } from './lib.mjs';

const { TraceDb, EventType: T } = loadInternals();
const { chromium } = createRequire(import.meta.url)('playwright-core');
const CHROMIUM = process.env.CINESCOPE_CHROMIUM ?? '/usr/bin/chromium';
const CLI = join(rootDir, 'bin', 'cinescope.js');
const SIZES = quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
const STEPS = quick ? 20 : 40;
const dir = mkdtempSync(join(tmpdir(), 'cinescope-bench-timeline-'));
/** Screenshots of each trace, overview and deepest zoom (test-results/ is not committed). */
const SHOTS = join(rootDir, 'test-results', 'webview');
mkdirSync(SHOTS, { recursive: true });

function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** A synthetic trace of about `total` events in 4 threads of one process, saved to a file. */
async function synthetic(total) {
  const db = await TraceDb.create();
  const PID = 7000;
  const THREADS = 4;
  const eid = new Array(THREADS).fill(0);
  const t0 = Date.now();
  let ts = t0;
  let corr = 1;
  let batch = [];
  let count = 0;
  const ev = (tid, type, payload, extra = {}) => {
    batch.push({
      pid: PID,
      tid,
      eid: ++eid[tid],
      parent: 0,
      site: 0,
      corr: 0,
      ts,
      type,
      flags: 0,
      payload: payload === null ? null : JSON.stringify(payload),
      ...extra,
    });
    count++;
    if (batch.length >= 5000) {
      db.ingest(batch);
      batch = [];
    }
    return eid[tid];
  };
  ev(0, T.processStart, {
    pid: PID,
    ppid: 1,
    argv: ['/usr/bin/node', '/app/synthetic.js'],
    execArgv: [],
    cwd: '/app',
    title: 'node',
    nodeVersion: process.version,
    platform: process.platform,
    timeOrigin: t0,
  });
  for (let tid = 0; tid < THREADS; tid++) {
    if (tid > 0) ev(0, T.workerSpawn, { threadId: tid, name: `worker-${tid}`, filename: '/app/worker.js' });
    ev(tid, T.threadStart, { threadId: tid, name: tid === 0 ? 'main' : '', isMainThread: tid === 0 });
    const sites = ['handle', 'parse', 'compute', 'store', 'Queue.push'].map((name, i) => ({
      kind: 'function',
      name,
      line: 10 + i * 7,
      column: 0,
      arity: 1,
    }));
    ev(tid, T.siteTable, { file: '/app/synthetic.js', base: 1, sites });
  }
  let nextMetrics = ts + 100;
  let step = 0;
  while (count < total) {
    const tid = step % THREADS;
    step++;
    ts += 0.05 + (step % 7) * 0.01;
    const outer = ev(tid, T.call, { args: [step, 'job'] }, { site: 1 });
    const inner = ev(tid, T.call, { args: [{ id: step }] }, { site: 2 + (step % 3), parent: outer });
    ts += 0.01;
    ev(tid, T.return, { value: step * 2 }, { site: 2 + (step % 3), parent: inner });
    if (step % 3 === 0) {
      const to = (tid + 1) % THREADS;
      const c = corr++;
      ev(
        tid,
        T.messageSend,
        { channel: 'worker', key: `${tid}->${to}`, seq: c, peer: to, data: { n: step } },
        { corr: c, parent: outer },
      );
      ts += 0.02;
      ev(
        to,
        T.messageReceive,
        { channel: 'parentPort', key: `${tid}->${to}`, seq: c, peer: tid, data: { n: step } },
        { corr: c },
      );
    }
    if (step % 50 === 0) ev(tid, T.mark, { name: 'batch.done', data: { step } });
    if (step % 400 === 0) ev(tid, T.gc, { kind: 'minor', durationMs: 0.4 + (step % 5) / 10 });
    ts += 0.01;
    ev(tid, T.return, { value: { ok: true } }, { site: 1, parent: outer });
    if (ts >= nextMetrics) {
      nextMetrics += 100;
      for (let m = 0; m < THREADS; m++) {
        ev(m, T.metrics, {
          elu: 0.3 + (step % 10) / 30,
          delayP50: 10,
          delayP90: 11,
          delayP99: 12 + (step % 13),
          delayMax: 20,
          heapUsed: 5e6 + (step % 1000) * 1e4,
          heapTotal: 16e6,
          external: 1e6,
          rss: 60e6,
          cpuUser: 60_000 + (step % 17) * 1000,
          cpuSystem: 5000,
          activeHandles: 2,
          heapSpaces: {},
        });
      }
    }
  }
  db.ingest(batch);
  const file = join(dir, `synthetic-${total}.cinescope`);
  await db.save(file);
  const events = db.stats().events;
  db.close();
  return { file, events };
}

function recordReal() {
  const file = join(dir, 'message-storm.cinescope');
  const r = spawnSync(
    process.execPath,
    [
      CLI,
      'record',
      '--out',
      file,
      '--trace',
      'examples/**',
      '--',
      'node',
      'examples/message-storm/main.js',
      quick ? '2000' : '10000',
    ],
    { cwd: rootDir, encoding: 'utf8' },
  );
  const m = /cinescope: ([\d,]+) events/.exec(r.stdout + r.stderr);
  if (!m) throw new Error(`recording failed: ${r.stderr}`);
  return { file, events: Number(m[1].replaceAll(',', '')) };
}

/** Starts `cinescope view`; resolves with its link and how long it took to print it. */
function startView(file) {
  const started = nowMs();
  const child = spawn(process.execPath, [CLI, 'view', file, '--no-open'], {
    cwd: rootDir,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
      if (m) resolve({ url: m[1], openMs: nowMs() - started, child });
    });
    child.once('exit', (code) => reject(new Error(`cinescope view exited with ${code}`)));
  });
}

const inspect = (page) => page.evaluate(() => window.__cinescopeTimeline.inspect());
const nextFrame = (page) =>
  page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

async function until(page, fn, ms = 60_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await page.evaluate(fn)) return;
    await page.waitForTimeout(10);
  }
  throw new Error('timed out');
}

async function measure(browser, name, file, events) {
  const { url, openMs, child } = await startView(file);
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 820 } });
    await page.goto(url);
    await until(
      page,
      () => document.body.dataset.firstFrame === 'yes' || document.body.dataset.state === 'error',
    );
    const first = await inspect(page);
    if (first.state !== 'ready') throw new Error(`${name}: ${first.message}`);
    const firstRenderMs = first.firstFrameAt;
    const slug = name.replace(/\W+/g, '-').toLowerCase();
    await page.screenshot({ path: join(SHOTS, `bench-${slug}-overview.png`) });
    const frames = [];
    const { fromTs, toTs } = first.view;
    const span = toTs - fromTs;
    // Pan across the whole trace zoomed to a tenth, then zoom in to a thousandth of it and out again.
    const moves = [];
    for (let i = 0; i < STEPS; i++)
      moves.push([fromTs + (i / STEPS) * span * 0.9, fromTs + (i / STEPS) * span * 0.9 + span / 10]);
    const mid = fromTs + span / 2;
    for (let i = 0; i < STEPS; i++) {
      const half = (span / 2) * Math.pow(0.84, i);
      moves.push([mid - half, mid + half]);
    }
    let modesDeep = '';
    for (let i = STEPS - 1; i >= 0; i--) {
      const half = (span / 2) * Math.pow(0.84, i);
      moves.push([mid - half + span * 0.001, mid + half + span * 0.001]);
    }
    for (const [i, [a, b]] of moves.entries()) {
      await page.evaluate(([x, y]) => window.__cinescopeTimeline.app.setView(x, y), [a, b]);
      await nextFrame(page);
      frames.push((await inspect(page)).lastFrameMs);
      if (i === 2 * STEPS - 1) {
        // The deepest zoom: wait for its window, to see the detail it brings.
        await until(page, () => window.__cinescopeTimeline.inspect().pending === 0);
        await nextFrame(page);
        modesDeep = (await inspect(page)).lanes.map((l) => l.mode).join(',');
        await page.screenshot({ path: join(SHOTS, `bench-${slug}-zoomed.png`) });
      }
    }
    await until(page, () => window.__cinescopeTimeline.inspect().pending === 0);
    const end = await inspect(page);
    const modes = end.lanes.map((l) => l.mode).join(',');
    await page.close();
    return {
      name,
      events,
      fileMB: round(statSync(file).size / 1e6, 3),
      openMs: round(openMs),
      firstRenderMs: round(firstRenderMs),
      frameP50: round(percentile(frames, 50)),
      frameP95: round(percentile(frames, 95)),
      windowP50: round(percentile(end.windowMs, 50)),
      windowP95: round(percentile(end.windowMs, 95)),
      windows: end.windowsLoaded,
      modesAtEnd: modes,
      modesDeep,
    };
  } finally {
    child.kill('SIGTERM');
  }
}

const traces = [];
for (const size of SIZES) {
  const started = nowMs();
  const t = await synthetic(size);
  console.log(
    `generated ${t.events.toLocaleString('en-US')} events in ${((nowMs() - started) / 1000).toFixed(1)} s`,
  );
  traces.push({ name: `synthetic ${size / 1000}K`, ...t });
}
traces.push({ name: 'message-storm (recorded)', ...recordReal() });

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
const results = [];
try {
  // One untimed page first: Chromium's own start-up is not the timeline's.
  await measure(browser, 'warm-up', traces[0].file, traces[0].events);
  for (const t of traces) results.push(await measure(browser, t.name, t.file, t.events));
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}

printTable(
  'Timeline page (headless Chromium, 1400x820): open, first render, frames while panning and zooming',
  [
    [
      'trace',
      'events',
      'file MB',
      'view open ms',
      'first render ms',
      'frame p50 ms',
      'frame p95 ms',
      'window p50 ms',
      'window p95 ms',
      'windows',
    ],
    ...results.map((r) => [
      r.name,
      r.events,
      r.fileMB,
      r.openMs,
      r.firstRenderMs,
      r.frameP50,
      r.frameP95,
      r.windowP50,
      r.windowP95,
      r.windows,
    ]),
  ],
);
const big = results.find((r) => r.events >= 900_000) ?? results[results.length - 2];
const small = results[0];
console.log(
  `\nratio first render ${big.name} / ${small.name}: ${(big.firstRenderMs / small.firstRenderMs).toFixed(2)}x; frame p95 ratio: ${(big.frameP95 / small.frameP95).toFixed(2)}x`,
);
console.log(
  `(median first render over all traces: ${median(results.map((r) => r.firstRenderMs)).toFixed(0)} ms)`,
);
printBenchJson('timeline', results);

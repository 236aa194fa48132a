// Overhead of function tracing: each example run plain, with VM capture only, and with every
// function of the examples' own code traced (`--trace 'examples/**'`), side by side, alternating.
// Program-only wall time (spawn → exit) against an in-process collector that stores after the run,
// as `cinescope record` does. Target (issue 3): full tracing of user code ≤ 1.5× wall time.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  fmt,
  loadInternals,
  median,
  nowMs,
  printBenchJson,
  printTable,
  quick,
  rootDir,
  rotate,
} from './lib.mjs';

const { Collector, TraceDb } = loadInternals();
const PRELOAD = join(rootDir, 'dist/runtime/preload.js');
const cacheDir = mkdtempSync(join(tmpdir(), 'cinescope-bench-cache-'));
process.on('exit', () => rmSync(cacheDir, { recursive: true, force: true }));

const workloads = [
  { name: 'worker-pipeline', args: ['examples/worker-pipeline/main.mjs'] },
  { name: 'bank-account', args: ['examples/bank-account/index.js'] },
  { name: 'ipc-parent', args: ['examples/ipc-parent/parent.js'] },
  { name: 'http-self-test', args: ['examples/http-server/server.js', '--self-test'] },
  { name: 'message-storm 20000', args: ['examples/message-storm/main.js', '20000'] },
];
const VARIANTS = ['plain', 'capture', 'functions'];
const ROUNDS = quick ? 2 : 5;

function env(variant, collector) {
  const base = { ...process.env };
  delete base.NODE_OPTIONS;
  delete base.CINESCOPE_RUNTIME;
  if (variant === 'plain') return base;
  const config = { url: collector.url, token: collector.token, session: 'bench', cwd: rootDir, cacheDir };
  if (variant === 'functions') config.trace = ['examples/**'];
  return { ...base, NODE_OPTIONS: `--require "${PRELOAD}"`, CINESCOPE_RUNTIME: JSON.stringify(config) };
}

async function runOnce(workload, variant) {
  const db = await TraceDb.create();
  const collector = await Collector.start({ db, deferStoring: true });
  const t0 = nowMs();
  const ms = await new Promise((resolve) => {
    const child = spawn(process.execPath, workload.args, {
      cwd: rootDir,
      env: env(variant, collector),
      stdio: 'ignore',
    });
    child.on('exit', () => resolve(nowMs() - t0));
  });
  await collector.idle(10_000);
  await collector.close();
  const stats = db.stats();
  db.close();
  return { ms, calls: stats.calls, events: stats.events };
}

const samples = Object.fromEntries(
  workloads.map((w) => [w.name, Object.fromEntries(VARIANTS.map((v) => [v, []]))]),
);
const counts = {};
for (const w of workloads) await runOnce(w, 'functions'); // warm-up: fills the transform cache
for (let r = 0; r < ROUNDS; r++) {
  for (const w of workloads) {
    for (const v of rotate(VARIANTS, r)) {
      const result = await runOnce(w, v);
      samples[w.name][v].push(result.ms);
      if (v === 'functions') counts[w.name] = result;
    }
  }
}

const results = {};
const rows = [['program', 'plain ms', 'capture ms', 'functions ms', 'capture x', 'functions x', 'calls']];
for (const w of workloads) {
  const m = Object.fromEntries(VARIANTS.map((v) => [v, median(samples[w.name][v])]));
  results[w.name] = {
    plainMs: m.plain,
    captureMs: m.capture,
    functionsMs: m.functions,
    captureRatio: m.capture / m.plain,
    functionsRatio: m.functions / m.plain,
    calls: counts[w.name].calls,
  };
  rows.push([
    w.name,
    m.plain,
    m.capture,
    m.functions,
    fmt(m.capture / m.plain),
    fmt(m.functions / m.plain),
    counts[w.name].calls,
  ]);
}
printTable(`tracing: program-only wall time, median of ${ROUNDS} rounds; target functions <= 1.5x`, rows);
printBenchJson('tracing', { programs: results }, { rounds: ROUNDS, targets: { functionsRatio: 1.5 } });

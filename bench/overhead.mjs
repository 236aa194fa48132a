// Recording overhead on the examples: wall time traced / wall time plain, VM capture + metrics.
//
// Three ways of running each program, alternating within every round (order rotated per round):
//   plain    `node <program>`, timed from spawn to the child's exit.
//   runtime  the same command with the runtime injected exactly as the CLI does it
//            (NODE_OPTIONS=--require dist/runtime/preload.js, CINESCOPE_RUNTIME pointing at a
//            collector started in this process), timed from spawn to the child's exit: the
//            program-only cost of tracing, without the CLI's own startup and file writing.
//   cli      `node bin/cinescope.js record --out <tmp> -- node <program>`, timed from spawn to the
//            CLI's exit: the whole command as a user runs it (loads sql.js, collects, writes the
//            trace file).
// Ratios are median(traced) / median(plain). The HTTP workload starts examples/http-server plain,
// under the runtime and under the CLI, waits for its `PORT <n>` line, sends a fixed number of
// GET /work?n=2 requests over keep-alive connections on 127.0.0.1 and compares requests/s.
import { spawn } from 'node:child_process';
import { clearTimeout, setTimeout } from 'node:timers';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  loadInternals,
  median,
  nowMs,
  printBenchJson,
  printTable,
  quick,
  rootDir,
  round,
  rotate,
} from './lib.mjs';

const { Collector, TraceDb } = loadInternals();

const ROUNDS = quick ? 2 : 5;
const STORM_N = 100_000;
const HTTP_REQUESTS = quick ? 1000 : 3000;
const HTTP_CONCURRENCY = 16;
const RUN_TIMEOUT_MS = 60_000;
const PRELOAD = join(rootDir, 'dist/runtime/preload.js');
const CLI = join(rootDir, 'bin/cinescope.js');
const tmp = mkdtempSync(join(tmpdir(), 'cinescope-bench-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

const workloads = [
  // No program at all: the fixed cost of starting and stopping the runtime in one process.
  { name: 'empty (node -e 0)', args: ['-e', '0'], exitCode: 0 },
  { name: 'worker-pipeline', args: ['examples/worker-pipeline/main.mjs'], exitCode: 0 },
  { name: 'ipc-parent', args: ['examples/ipc-parent/parent.js'], exitCode: 0 },
  { name: 'bank-account', args: ['examples/bank-account/index.js'], exitCode: 1 },
  { name: 'http-self-test', args: ['examples/http-server/server.js', '--self-test'], exitCode: 0 },
  {
    name: `message-storm ${STORM_N}`,
    args: ['examples/message-storm/main.js', String(STORM_N)],
    exitCode: 0,
  },
];
const VARIANTS = ['plain', 'runtime', 'cli'];

/** The environment without anything that would trace (or not trace) the child by accident. */
function baseEnv() {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.CINESCOPE_RUNTIME;
  return env;
}

/** Starts a collector with a fresh TraceDb, as the CLI does for one recording (storing after the run). */
async function startCollector() {
  const db = await TraceDb.create();
  const collector = await Collector.start({ db, deferStoring: true });
  return { db, collector };
}

let sessions = 0;
function runtimeEnv(collector) {
  const config = {
    url: collector.url,
    token: collector.token,
    session: `bench-${process.pid}-${++sessions}`,
  };
  return {
    ...baseEnv(),
    NODE_OPTIONS: `--require "${PRELOAD.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`,
    CINESCOPE_RUNTIME: JSON.stringify(config),
  };
}

/** What the runtime's recording held, read after the program ended (untimed). */
async function finishCollector({ db, collector }) {
  await collector.idle(10_000);
  await collector.close();
  const stats = db.stats();
  db.close();
  return { events: stats.events, dropped: stats.dropped, problems: collector.problems.slice(0, 2) };
}

/** The command line of a variant: [file, args]. */
function commandOf(variant, args) {
  if (variant === 'cli') {
    return [
      process.execPath,
      [CLI, 'record', '--out', join(tmp, 'trace.cinescope'), '--', process.execPath, ...args],
    ];
  }
  return [process.execPath, args];
}

/** Spawns, resolves with the wall time from spawn to exit, the exit code and stderr's tail. */
function timedRun(file, args, env) {
  return new Promise((resolve) => {
    let stderr = '';
    const t0 = nowMs();
    const child = spawn(file, args, { cwd: rootDir, env, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    let ms = 0;
    child.on('exit', () => (ms = nowMs() - t0));
    // 'close' comes after 'exit' and after stderr ended: the whole summary is in.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ ms, code, signal, stderr });
    });
  });
}

const notes = [];
function note(text) {
  if (!notes.includes(text)) notes.push(text);
}

async function runWorkload(workload, variant) {
  const [file, args] = commandOf(variant, workload.args);
  let rec;
  let env = baseEnv();
  if (variant === 'runtime') {
    rec = await startCollector();
    env = runtimeEnv(rec.collector);
  }
  const run = await timedRun(file, args, env);
  if (run.code !== workload.exitCode) {
    note(
      `${workload.name} (${variant}) exited with ${run.code ?? run.signal}, expected ${workload.exitCode}: ` +
        run.stderr.trim().split('\n').slice(-2).join(' | '),
    );
  }
  const result = { ms: run.ms };
  if (rec) Object.assign(result, await finishCollector(rec));
  if (variant === 'cli') {
    const out = join(tmp, 'trace.cinescope');
    result.traceBytes = existsSync(out) ? statSync(out).size : 0;
    const dropped = /^\s*dropped\s+([\d,]+)/m.exec(run.stderr);
    if (dropped) result.dropped = Number(dropped[1].replace(/,/g, ''));
    const events = /cinescope: ([\d,]+) events/.exec(run.stderr);
    if (events) result.events = Number(events[1].replace(/,/g, ''));
    const warning = /^\s*warning\s+(.*)$/m.exec(run.stderr);
    if (warning) note(`${workload.name} (cli): the CLI warned: ${warning[1].trim()}`);
  }
  for (const p of result.problems ?? []) note(`${workload.name} (runtime): the collector said: ${p}`);
  return result;
}

// ---- HTTP server under a bounded loopback load.

/** Starts the server, resolves when it printed its port. */
function startServer(variant) {
  return new Promise((resolve, reject) => {
    const serverArgs = ['examples/http-server/server.js'];
    const [file, args] = commandOf(variant, serverArgs);
    const env = variant === 'runtime' ? runtimeEnv(startServer.collector.collector) : baseEnv();
    const t0 = nowMs();
    const child = spawn(file, args, { cwd: rootDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let port = 0;
    const exited = new Promise((r) => child.on('exit', (code, signal) => r({ code, signal })));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`http-server (${variant}) printed no PORT line in time: ${stderr.slice(-300)}`));
    }, 20_000);
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
    child.stdout.on('data', (d) => {
      if (port) return; // keep reading (the server logs every request) but stop parsing
      stdout += d;
      const m = /^PORT (\d+)$/m.exec(stdout);
      if (m) {
        port = Number(m[1]);
        clearTimeout(timer);
        resolve({ child, port, startupMs: nowMs() - t0, exited, stderr: () => stderr });
      }
    });
    child.on('error', reject);
  });
}

function get(port, path, agent) {
  return new Promise((resolve) => {
    const t0 = nowMs();
    const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200 ? nowMs() - t0 : -1));
      res.on('error', () => resolve(-1));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(-1));
  });
}

/** Sends `total` requests over `concurrency` keep-alive connections; bounded by `total`. */
async function load(port, total, concurrency) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies = [];
  let next = 0;
  let errors = 0;
  const t0 = nowMs();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        const ms = await get(port, '/work?n=2', agent);
        if (ms < 0) errors++;
        else latencies.push(ms);
      }
    }),
  );
  const ms = nowMs() - t0;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  return { ms, rps: (total - errors) / (ms / 1000), p50: pct(50), p99: pct(99), errors };
}

async function runHttp(variant) {
  if (variant === 'runtime') startServer.collector = await startCollector();
  const server = await startServer(variant);
  // Measure the steady state: the runtime's start-up (the drain worker booting on the other core)
  // is counted by the whole-program rows above, not here.
  await sleep(300);
  const result = await load(server.port, HTTP_REQUESTS, HTTP_CONCURRENCY);
  result.startupMs = server.startupMs;
  await get(server.port, '/shutdown', false);
  const stopBy = setTimeout(() => server.child.kill('SIGTERM'), 10_000);
  const { code, signal } = await server.exited;
  clearTimeout(stopBy);
  if (code !== 0)
    note(`http-server (${variant}) exited with ${code ?? signal}: ${server.stderr().slice(-200)}`);
  if (result.errors) note(`http-server (${variant}): ${result.errors} requests failed`);
  if (variant === 'runtime') Object.assign(result, await finishCollector(startServer.collector));
  return result;
}

// ---- Rounds.

const started = nowMs();
// Warm-up (not counted): file caches, sql.js loaded in this process.
await (await startCollector()).collector.close();
for (const w of workloads) await runWorkload(w, 'plain');

const samples = {};
for (const w of workloads) samples[w.name] = Object.fromEntries(VARIANTS.map((v) => [v, []]));
samples.http = Object.fromEntries(VARIANTS.map((v) => [v, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const w of workloads) {
    for (const v of rotate(VARIANTS, r)) samples[w.name][v].push(await runWorkload(w, v));
  }
  for (const v of rotate(VARIANTS, r)) samples.http[v].push(await runHttp(v));
  // Let the machine settle a moment between rounds (the CLI's writes, the collectors' GC).
  await sleep(50);
}
rmSync(tmp, { recursive: true, force: true });

// ---- Report.

const med = (list, key) => median(list.map((x) => x[key]).filter((x) => typeof x === 'number'));
/** Median over rounds of the per-round ratio: robust to drift between rounds. */
const pairedRatio = (a, b, key) => median(a.map((x, i) => x[key] / b[i][key]));

const results = { programs: {}, http: {} };
const rows = [
  ['program', 'plain ms', 'runtime ms', 'program-only x', 'cli ms', 'whole-command x', 'events', 'dropped'],
];
for (const w of workloads) {
  const s = samples[w.name];
  const plain = med(s.plain, 'ms');
  const runtime = med(s.runtime, 'ms');
  const cli = med(s.cli, 'ms');
  const r = {
    plainMs: plain,
    runtimeMs: runtime,
    cliMs: cli,
    programOnlyRatio: runtime / plain,
    wholeCommandRatio: cli / plain,
    programOnlyPairedRatio: pairedRatio(s.runtime, s.plain, 'ms'),
    wholeCommandPairedRatio: pairedRatio(s.cli, s.plain, 'ms'),
    events: med(s.runtime, 'events'),
    dropped: med(s.runtime, 'dropped'),
    cliEvents: med(s.cli, 'events'),
    cliDropped: med(s.cli, 'dropped'),
    traceBytes: med(s.cli, 'traceBytes'),
  };
  results.programs[w.name] = r;
  rows.push([
    w.name,
    r.plainMs,
    r.runtimeMs,
    r.programOnlyRatio,
    r.cliMs,
    r.wholeCommandRatio,
    r.events,
    r.dropped,
  ]);
}
printTable(
  `overhead: wall time, median of ${ROUNDS} rounds (${quick ? 'quick' : 'full'}); target program-only <= 1.02x`,
  rows,
);

const h = samples.http;
const httpRows = [
  ['variant', 'requests/s', 'load ms', 'p50 ms', 'p99 ms', 'startup ms', 'x plain rps', 'events', 'dropped'],
];
for (const v of VARIANTS) {
  const r = {
    rps: med(h[v], 'rps'),
    loadMs: med(h[v], 'ms'),
    p50Ms: med(h[v], 'p50'),
    p99Ms: med(h[v], 'p99'),
    startupMs: med(h[v], 'startupMs'),
    errors: h[v].reduce((n, x) => n + x.errors, 0),
  };
  r.rpsRatio = r.rps / med(h.plain, 'rps');
  // Load wall time traced / plain: the same kind of ratio as the programs'.
  r.loadTimeRatio = r.loadMs / med(h.plain, 'ms');
  r.loadTimePairedRatio = pairedRatio(h[v], h.plain, 'ms');
  if (v === 'runtime') {
    r.events = med(h[v], 'events');
    r.dropped = med(h[v], 'dropped');
  }
  results.http[v] = r;
  httpRows.push([
    v,
    r.rps,
    r.loadMs,
    r.p50Ms,
    r.p99Ms,
    r.startupMs,
    r.rpsRatio,
    r.events ?? '-',
    r.dropped ?? '-',
  ]);
}
printTable(
  `overhead: http-server, ${HTTP_REQUESTS} x GET /work?n=2 over ${HTTP_CONCURRENCY} keep-alive connections, median of ${ROUNDS}`,
  httpRows,
);
console.log(
  '\nprogram-only x = runtime ms / plain ms (spawn to exit, collector in this process); ' +
    'whole-command x = cli ms / plain ms (includes the CLI loading sql.js and writing the trace).',
);
for (const n of notes) console.log(`note: ${n}`);
console.log(`overhead: ${((nowMs() - started) / 1000).toFixed(1)} s`);

const rounded = (o) =>
  Object.fromEntries(
    Object.entries(o).map(([k, v]) => [
      k,
      typeof v === 'number' ? round(v) : v && typeof v === 'object' ? rounded(v) : v,
    ]),
  );
printBenchJson('overhead', rounded(results), {
  rounds: ROUNDS,
  httpRequests: HTTP_REQUESTS,
  httpConcurrency: HTTP_CONCURRENCY,
  notes,
  targets: { programOnlyRatio: 1.02 },
});

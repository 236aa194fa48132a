// Load-time instrumentation: what the transform costs and what its probes cost.
//   (1) transform time per 1,000 lines, cold (the first call in a fresh Node process, after loading
//       the bundled transform) and warm (repeated calls in this process), on real files: ws's
//       websocket.js, sender.js and receiver.js, and @babel/parser's 15,000-line lib/index.js as a
//       stress case;
//   (2) per-call cost of the inserted probes in a tight loop: the plain function against the same
//       function instrumented, with no runtime (the no-op fallback), with its flag off, and with its
//       flag on and minimal probes that only count (so the figure is the guard, the wrapper, the
//       argument array and three calls, not a collector).
// The transform is bundled from runtime/instrument/instrument.ts with esbuild, as the build would.
// Variants alternate within every round; figures are medians over rounds.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInThisContext } from 'node:vm';
import { median, nowMs, printBenchJson, printTable, quick, rootDir, rotate, round } from './lib.mjs';

const COLD_ROUNDS = quick ? 3 : 7;
const WARM_ROUNDS = quick ? 5 : 15;
const PROBE_ROUNDS = quick ? 5 : 15;
const CALLS = quick ? 2_000_000 : 10_000_000;
const PROBES_KEY = Symbol.for('cinescope.probes');

const FILES = [
  ['ws/lib/websocket.js', 'node_modules/ws/lib/websocket.js'],
  ['ws/lib/sender.js', 'node_modules/ws/lib/sender.js'],
  ['ws/lib/receiver.js', 'node_modules/ws/lib/receiver.js'],
  ['@babel/parser (stress)', 'node_modules/@babel/parser/lib/index.js'],
].map(([name, path]) => {
  const file = join(rootDir, path);
  const source = readFileSync(file, 'utf8');
  return { name, file, source, lines: source.split('\n').length };
});

const work = mkdtempSync(join(tmpdir(), 'cinescope-bench-instrument-'));
try {
  const bundle = join(work, 'instrument.cjs');
  await build({
    entryPoints: [join(rootDir, 'runtime/instrument/instrument.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    keepNames: true,
    outfile: bundle,
    logLevel: 'warning',
  });
  const { instrument } = createRequire(import.meta.url)(bundle);
  const transform = measureTransform(bundle, instrument);
  const probes = measureProbes(instrument);
  printBenchJson(
    'instrument',
    { transform, probes },
    {
      coldRounds: COLD_ROUNDS,
      warmRounds: WARM_ROUNDS,
      probeRounds: PROBE_ROUNDS,
      callsPerRound: CALLS,
      targets: { coldMsPer1000Lines: 15, cachedMsPer1000Lines: 1, disabledOverPlainNs: 1, enabledNs: 60 },
    },
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** (1) Transform time, cold and warm, per file. */
function measureTransform(bundle, instrument) {
  const coldScript = join(work, 'cold.cjs');
  writeFileSync(
    coldScript,
    `const { readFileSync } = require('node:fs');
const ms = (from) => Number(process.hrtime.bigint() - from) / 1e6;
const files = JSON.parse(process.argv[2]);
const sources = files.map((f) => readFileSync(f, 'utf8'));
let t = process.hrtime.bigint();
const { instrument } = require(${JSON.stringify(bundle)});
const loadMs = ms(t);
const callMs = sources.map((source, i) => { t = process.hrtime.bigint(); instrument(source, { filename: files[i] }); return ms(t); });
console.log(JSON.stringify({ loadMs, callMs }));`,
  );
  const cold = (files) => {
    const child = spawnSync(process.execPath, [coldScript, JSON.stringify(files)], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`cold run failed: ${child.stderr}`);
    return JSON.parse(child.stdout);
  };
  const trio = FILES.slice(0, 3);
  const samples = {
    load: [],
    trio: [],
    ...Object.fromEntries(FILES.map((f) => [f.name, { cold: [], warm: [] }])),
  };

  // Warm-up of this process's copy, then rounds that alternate cold runs and warm calls.
  for (const f of FILES) for (let i = 0; i < 3; i++) instrument(f.source, { filename: f.file });
  for (let r = 0; r < Math.max(COLD_ROUNDS, WARM_ROUNDS); r++) {
    for (const f of rotate(FILES, r)) {
      if (r < COLD_ROUNDS) {
        const { loadMs, callMs } = cold([f.file]);
        samples.load.push(loadMs);
        samples[f.name].cold.push(callMs[0]);
      }
      if (r < WARM_ROUNDS) {
        const t0 = nowMs();
        instrument(f.source, { filename: f.file });
        samples[f.name].warm.push(nowMs() - t0);
      }
    }
    if (r < COLD_ROUNDS) samples.trio.push(cold(trio.map((f) => f.file)).callMs.reduce((a, b) => a + b, 0));
  }

  const per1k = (ms, lines) => (ms / lines) * 1000;
  const results = { files: {}, loadMs: round(median(samples.load)) };
  const rows = [
    ['file', 'lines', 'cold ms', 'cold ms/1k lines', 'warm ms', 'warm ms/1k lines', 'out KB', 'map KB'],
  ];
  for (const f of FILES) {
    const out = instrument(f.source, { filename: f.file });
    const coldMs = median(samples[f.name].cold);
    const warmMs = median(samples[f.name].warm);
    const outKb = out.code.length / 1024;
    const mapKb = JSON.stringify(out.map).length / 1024;
    rows.push([
      f.name,
      f.lines,
      coldMs,
      per1k(coldMs, f.lines),
      warmMs,
      per1k(warmMs, f.lines),
      outKb,
      mapKb,
    ]);
    results.files[f.name] = {
      lines: f.lines,
      sites: out.sites.length,
      coldMs: round(coldMs),
      coldMsPer1000Lines: round(per1k(coldMs, f.lines)),
      warmMs: round(warmMs),
      warmMsPer1000Lines: round(per1k(warmMs, f.lines)),
      outputBytes: out.code.length,
      mapBytes: JSON.stringify(out.map).length,
    };
  }
  const trioLines = trio.reduce((n, f) => n + f.lines, 0);
  const trioMs = median(samples.trio);
  rows.push(['ws trio, one fresh process', trioLines, trioMs, per1k(trioMs, trioLines), '', '', '', '']);
  results.wsTrioColdMs = round(trioMs);
  results.wsTrioColdMsPer1000Lines = round(per1k(trioMs, trioLines));
  printTable(
    `instrument: transform time, medians (cold: ${COLD_ROUNDS} fresh processes, first call after loading ` +
      `the bundle, which took ${median(samples.load).toFixed(1)} ms; warm: ${WARM_ROUNDS} calls). ` +
      'Target: cold <= 15 ms/1k lines',
    rows,
  );
  return results;
}

/** (2) Probe cost per call. */
function measureProbes(instrument) {
  // Each workload's `make()` returns the function the benchmark loop calls; only that module is
  // instrumented, the loop (compiled once per variant, so no variant shares type feedback) is not.
  const workloads = {
    add: {
      label: 'a tiny function',
      source: `function add(a, b) { return (a + b) | 0; }
function make() { return add; }`,
      loop: `let acc = 0; for (let i = 0; i < n; i++) acc = f(acc, i & 1023); return acc;`,
      perCall: 1,
    },
    method: {
      label: 'a method updating its object',
      source: `class Counter { constructor() { this.total = 0; } add(n) { this.total += n & 7; return this.total; } }
function make() { const c = new Counter(); return (n) => c.add(n); }`,
      loop: `let acc = 0; for (let i = 0; i < n; i++) acc ^= f(i); return acc;`,
      perCall: 1,
    },
    loopInside: {
      label: 'a loop inside the function (ns per element of 1,000)',
      source: `function sum(values) { let s = 0; for (let i = 0; i < values.length; i++) s += values[i]; return s; }
function make() { const values = Array.from({ length: 1000 }, (_, i) => i & 15); return () => sum(values); }`,
      loop: `let acc = 0; for (let i = 0; i < n; i++) acc += f(); return acc;`,
      perCall: 1000,
    },
  };
  let counted = 0;
  function counting(size, flag) {
    let next = 0;
    return {
      on: new Uint8Array(size).fill(flag),
      enter: () => ++next,
      ret: (_c, v) => v,
      throw: () => {},
      exit: () => void counted++,
      suspend: (_c, v) => v,
      resume: (_c, v) => v,
    };
  }
  const registries = {
    /** A runtime whose flags are all off. */
    off: { module: (_file, sites) => counting(sites.length, 0) },
    /** Minimal probes that count and hand out ids: every flag on. */
    on: { module: (_file, sites) => counting(sites.length, 1) },
  };
  /** Evaluates a module's code with a registry installed (or none) and returns what its `make()` makes. */
  const load = (code, registry) => {
    if (registry) globalThis[PROBES_KEY] = registry;
    else delete globalThis[PROBES_KEY];
    try {
      return runInThisContext(`(function () {${code}\nreturn make();\n})`)();
    } finally {
      delete globalThis[PROBES_KEY];
    }
  };
  const variantNames = {
    plain: 'plain function',
    fallback: 'instrumented, no runtime (fallback)',
    off: 'instrumented, flag off',
    offNoCatch: 'instrumented without catch, flag off',
    on: 'instrumented, flag on, counting probes',
  };
  const results = {};
  let sink = 0;
  for (const [name, { label, source, loop, perCall }] of Object.entries(workloads)) {
    const code = instrument(source, { filename: `${name}.js` }).code;
    const noCatch = instrument(source, { filename: `${name}.js`, captureThrows: false }).code;
    const targets = {
      plain: load(source),
      fallback: load(code),
      off: load(code, registries.off),
      offNoCatch: load(noCatch, registries.off),
      on: load(code, registries.on),
    };
    const names = Object.keys(targets);
    // A distinct source per variant: V8 caches compiled `new Function` code by source, and a shared
    // copy would share its call-site feedback (megamorphic: nothing inlined, every variant slow).
    const compile = (n) => new Function('f', 'n', `/* ${name} ${n} */ ${loop}`).bind(null, targets[n]);
    const loops = Object.fromEntries(names.map((n) => [n, compile(n)]));
    const calls = Math.round(CALLS / perCall);
    const samples = Object.fromEntries(names.map((n) => [n, []]));
    for (const n of names) sink += loops[n](calls / 10); // warm-up
    for (let r = 0; r < PROBE_ROUNDS; r++) {
      for (const n of rotate(names, r)) {
        const t0 = nowMs();
        sink += loops[n](calls);
        samples[n].push(((nowMs() - t0) * 1e6) / (calls * perCall));
      }
    }
    const ns = Object.fromEntries(names.map((n) => [n, median(samples[n])]));
    printTable(
      `instrument: probe cost, ${label} ("${name}"), ns per call, median of ${PROBE_ROUNDS} rounds`,
      [
        ['variant', 'ns/call', 'over plain, ns', 'ratio to plain'],
        ...names.map((n) => [variantNames[n], ns[n], ns[n] - ns.plain, ns[n] / ns.plain]),
      ],
    );
    results[name] = {
      nsPerCall: Object.fromEntries(names.map((n) => [n, round(ns[n])])),
      overPlainNs: Object.fromEntries(names.map((n) => [n, round(ns[n] - ns.plain)])),
      ratioToPlain: Object.fromEntries(names.map((n) => [n, round(ns[n] / ns.plain)])),
    };
  }
  console.log(
    '\nTargets (report only): flag off <= 1 ns over a plain call; flag on (entry + exit, no argument capture) <= 60 ns.',
  );
  if (sink === 0.5 || counted === -1) console.log('');
  return results;
}

// `npm run bench` (after the build): runs every benchmark in its own process, one after the other,
// passes their output through, and ends with a summary of the headline figures read from their
// BENCH_JSON lines.
//
//   node bench/run.mjs [filter…] [--quick]
//
// A filter keeps the benchmarks whose name contains it (`node bench/run.mjs ring`). Benchmarks
// never fail because of a figure; this script exits non-zero only when a benchmark crashed.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { benchDir, fmt, internalsPath, nowMs, printTable } from './lib.mjs';

const BENCHES = ['encode', 'ring', 'tracedb', 'instrument', 'tracing', 'overhead', 'tracepoints', 'timeline'];
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const filters = args.filter((a) => !a.startsWith('--'));
const selected = BENCHES.filter((b) => filters.length === 0 || filters.some((f) => b.includes(f)));

if (selected.length === 0) {
  console.error(`bench: no benchmark matches ${filters.join(', ')}; there are: ${BENCHES.join(', ')}.`);
  process.exit(2);
}
if (!existsSync(internalsPath)) {
  console.error(`bench: ${internalsPath} is missing: run \`npm run build\` (or \`npm run bench\`).`);
  process.exit(2);
}

/** Runs one benchmark, echoing its output; resolves with its exit status and BENCH_JSON line. */
function runBench(name) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(benchDir, `${name}.mjs`), ...(quick ? ['--quick'] : [])], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let json;
    let pending = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) if (line.startsWith('BENCH_JSON ')) json = line.slice('BENCH_JSON '.length);
    });
    child.on('close', (code, signal) => {
      if (pending.startsWith('BENCH_JSON ')) json = pending.slice('BENCH_JSON '.length);
      let parsed;
      try {
        parsed = json ? JSON.parse(json) : undefined;
      } catch {
        parsed = undefined;
      }
      resolve({ code, signal, json: parsed });
    });
  });
}

/** Headline rows of one benchmark's results: [bench, figure, value, target]. */
function headlines(name, r) {
  const x = (v) => (typeof v === 'number' ? `${v.toFixed(2)}x` : '-');
  const M = (v) => (typeof v === 'number' ? `${(v / 1e6).toFixed(2)} M/s` : '-');
  switch (name) {
    case 'encode':
      return [
        ['encode', 'record(mark) header only', `${fmt(r.nsPerEvent.headerOnly)} ns`, '<= 20 ns'],
        ['encode', 'clock read alone (reference)', `${fmt(r.nsPerEvent.timestamp)} ns`, ''],
        ['encode', 'record(mark, small object)', `${fmt(r.nsPerEvent.smallPayload)} ns`, ''],
        ['encode', 'ValueEncoder.encode(small)', `${fmt(r.nsPerEvent.valueEncoder)} ns`, '~130 ns'],
        ['encode', 'JSON.stringify(small)', `${fmt(r.nsPerEvent.jsonStringify)} ns`, '~340 ns'],
        ['encode', 'ValueEncoder / JSON.stringify', x(r.ratios.encodeVsStringify), '~0.38x'],
      ];
    case 'ring': {
      const v = r.variants;
      return [
        ['ring', '1 writer, own ring', M(v.own1.perWriterEps), '>= 20 M/s'],
        ['ring', '2 writers, own rings, per writer', M(v.own2.perWriterEps), '>= 20 M/s'],
        ['ring', '2 writers, shared Atomics.add counter, total', M(v.shared2.totalEps), ''],
        ['ring', 'shared2 / own2 total', x(r.ratios.shared2VsOwn2Total), '< 1x'],
        [
          'ring',
          '1 writer + drain: delivered',
          `${M(v.drain1.deliveredEps)}, ${(v.drain1.dropRate * 100).toFixed(1)}% dropped`,
          '',
        ],
        [
          'ring',
          '2 writers + drain: delivered',
          `${M(v.drain2.deliveredEps)}, ${(v.drain2.dropRate * 100).toFixed(1)}% dropped`,
          '',
        ],
      ];
    }
    case 'tracedb':
      return [
        ['tracedb', `ingest (${fmt(r.events)} events)`, `${fmt(r.ingestEps)} ev/s`, '>= 500,000 ev/s'],
        ['tracedb', 'decodeBatch', `${fmt(r.decodeEps)} ev/s`, ''],
        ...Object.entries(r.queriesMs).map(([q, ms]) => ['tracedb', q, `${fmt(ms)} ms`, '']),
      ];
    case 'instrument':
      return [
        ...Object.entries(r.transform.files).map(([f, t]) => [
          'instrument',
          `${f}: cold / warm per 1,000 lines`,
          `${fmt(t.coldMsPer1000Lines)} / ${fmt(t.warmMsPer1000Lines)} ms`,
          '<= 15 ms cold',
        ]),
        ...Object.entries(r.probes).map(([w, p]) => [
          'instrument',
          `${w}: probe off / on over a plain call`,
          `${fmt(p.overPlainNs.off)} / ${fmt(p.overPlainNs.on)} ns`,
          '<= 1 ns off, <= 60 ns on',
        ]),
      ];
    case 'tracing':
      return Object.entries(r.programs).map(([p, o]) => [
        'tracing',
        `${p}: capture / all functions traced`,
        `${x(o.captureRatio)} / ${x(o.functionsRatio)}`,
        '<= 1.5x traced',
      ]);
    case 'overhead':
      return [
        ...Object.entries(r.programs).flatMap(([p, o]) => [
          ['overhead', `${p}: program only`, x(o.programOnlyRatio), '<= 1.02x'],
          ['overhead', `${p}: whole command`, x(o.wholeCommandRatio), ''],
        ]),
        ['overhead', 'http load: runtime rps / plain rps', x(r.http.runtime.rpsRatio), '>= 0.98x'],
        ['overhead', 'http load: cli rps / plain rps', x(r.http.cli.rpsRatio), ''],
      ];
    case 'timeline':
      return r.flatMap((t) => [
        [
          'timeline',
          `${t.name}: view open / first render`,
          `${fmt(t.openMs)} / ${fmt(t.firstRenderMs)} ms`,
          '~1 s at 1M',
        ],
        [
          'timeline',
          `${t.name}: frame p50 / p95 panning`,
          `${fmt(t.frameP50)} / ${fmt(t.frameP95)} ms`,
          '<= 16 ms',
        ],
      ]);
    case 'tracepoints':
      return [
        ['tracepoints', 'probe hit, recording the variables', `${fmt(r.hitNs.probeOn)} ns`, '<= 1,000 ns'],
        ['tracepoints', 'CDP logpoint (condition false) hit', `${fmt(r.hitNs.logpoint)} ns`, '~60,000 ns'],
        ['tracepoints', 'logpoint / probe', x(r.ratios.logpointVsProbe), '>= 50x'],
        ['tracepoints', 'probe switched off', `${fmt(r.hitNs.probeOff)} ns`, ''],
        [
          'tracepoints',
          'stall switching on (live edit) / idle',
          `${fmt(r.stallMs.editMaxGap)} / ${fmt(r.stallMs.idleMaxGap)} ms`,
          '',
        ],
      ];
  }
  return [];
}

const started = nowMs();
const outcomes = [];
for (const name of selected) {
  console.log(`\n=== bench ${name}${quick ? ' (quick)' : ''} ===`);
  const t0 = nowMs();
  const outcome = await runBench(name);
  outcome.seconds = (nowMs() - t0) / 1000;
  outcomes.push({ name, ...outcome });
}

const rows = [['bench', 'figure', 'value', 'target']];
for (const o of outcomes) {
  if (o.json) {
    try {
      rows.push(...headlines(o.name, o.json.results));
    } catch (error) {
      rows.push([o.name, `(cannot summarise: ${error.message})`, '', '']);
    }
  } else {
    rows.push([o.name, '(no BENCH_JSON line)', '', '']);
  }
}
printTable('=== summary (targets are for reading, not assertions) ===', rows, 2);
const crashed = outcomes.filter((o) => o.code !== 0);
console.log(
  `\nbench: ${outcomes.map((o) => `${o.name} ${o.seconds.toFixed(1)} s`).join(', ')}; ` +
    `total ${((nowMs() - started) / 1000).toFixed(1)} s`,
);
if (crashed.length) {
  console.log(`bench: crashed: ${crashed.map((o) => `${o.name} (${o.code ?? o.signal})`).join(', ')}`);
  process.exitCode = 1;
}

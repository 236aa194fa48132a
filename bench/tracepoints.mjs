// Trace points: the cost of a hit, side by side in one traced program under a real inspector.
//   baseline   a hot loop calling work(i, acc), debugger attached, no breakpoint;
//   logpoint   the same with a CDP conditional breakpoint on the line whose condition is `false`
//              (what a VS Code logpoint costs per hit, before it even logs);
//   fallback   Cinescope's breakpoint mode: a condition that records the variables and is false;
//   probe off  Cinescope's trace point inserted by live edit, switched off (one flag read);
//   probe on   the same switched on: the variables are captured and recorded (~encoder + ring).
// Per-hit cost = (loop time with the variant - baseline loop time) / hits. Also measured: the
// main thread's stall while a trace point is switched on (the live edit of a ~1,000-line file,
// seen as the largest gap of a 1 ms interval timer in the program) against an idle window, and
// the stall of switching it off and on again (a flag flip, no edit).
// The program runs with the runtime preloaded, events go to a real collector. The manager and the
// CDP client are bundled from adapter/ with esbuild, as the build would.
/* global setTimeout */
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInternals, median, nowMs, printBenchJson, printTable, quick, rootDir, round } from './lib.mjs';

const ROUNDS = quick ? 3 : 7;
const FAST_HITS = quick ? 50_000 : 200_000;
const SLOW_HITS = quick ? 500 : 2_000;
const FILLER_FUNCTIONS = 200;

const work = mkdtempSync(join(tmpdir(), 'cinescope-bench-tracepoints-'));
let child;
let cdp;
let collector;
try {
  const bundle = join(work, 'adapter.cjs');
  await build({
    stdin: {
      contents:
        "export { TracePointManager } from './adapter/tracePoints';\n" +
        "export { CdpClient } from './adapter/cdp';\n" +
        "export { planTracePoints } from './adapter/tracePointEdit';\n",
      resolveDir: rootDir,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: bundle,
    logLevel: 'warning',
    external: ['bufferutil', 'utf-8-validate'],
  });
  const { TracePointManager, CdpClient, planTracePoints } = createRequire(import.meta.url)(bundle);
  const { target, line, lines } = writeTarget(work);

  const { TraceDb, Collector } = loadInternals();
  collector = await Collector.start({ db: await TraceDb.create(), deferStoring: true });
  const env = {
    ...process.env,
    NODE_OPTIONS: `--require "${join(rootDir, 'dist/runtime/preload.js')}"`,
    CINESCOPE_RUNTIME: JSON.stringify({
      url: collector.url,
      token: collector.token,
      session: randomBytes(8).toString('hex'),
      metricsIntervalMs: 0,
    }),
  };
  child = spawn(process.execPath, ['--inspect=127.0.0.1:0', target], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = /Debugger listening on (ws:\/\/\S+)/.exec(stderr);
      if (m) resolve(m[1]);
    });
    child.on('exit', () => reject(new Error(`the target exited: ${stderr}`)));
  });
  cdp = await CdpClient.connect(url);
  const scripts = [];
  cdp.Debugger.on('scriptParsed', (e) => {
    if (e.url.endsWith('/target.js')) scripts.push({ scriptId: e.scriptId, url: e.url });
  });
  await cdp.Runtime.enable();
  await cdp.Debugger.enable({});
  const evaluate = async (expression) => {
    const r = await cdp.Runtime.evaluate({ expression, returnByValue: true, awaitPromise: true });
    if (r.exceptionDetails) throw new Error(`target: ${r.exceptionDetails.text}`);
    return r.result.value;
  };
  while (!(await evaluate('typeof globalThis.__bench === "object"'))) await sleep(20);
  const scriptId = scripts[0].scriptId;
  const loop = (hits) => evaluate(`__bench.loop(${hits})`);
  const perHit = (ns, hits) => ns / hits;

  // Warm the loop up (JIT) before anything is measured.
  for (let i = 0; i < 3; i++) await loop(FAST_HITS);

  // Phase 1, original code: baseline, logpoint and the recording fallback alternate.
  const plan = planTracePoints(
    (await cdp.Debugger.getScriptSource({ scriptId })).scriptSource,
    [{ id: 999, line }],
    {
      isModule: false,
    },
  );
  const fallbackCondition = plan.points[0].condition;
  await evaluate(
    `globalThis[Symbol.for('cinescope.control')].defineTracePoints([{ id: 999, file: 'target.js', line: ${line} }], true)`,
  );
  const base = [];
  const logpoint = [];
  const fallback = [];
  for (let r = 0; r < ROUNDS; r++) {
    base.push(perHit(await loop(FAST_HITS), FAST_HITS));
    for (const [condition, out] of [
      ['false', logpoint],
      [fallbackCondition, fallback],
    ]) {
      const { breakpointId } = await cdp.Debugger.setBreakpoint({
        location: { scriptId, lineNumber: line - 1, columnNumber: plan.points[0].column },
        condition,
      });
      out.push(perHit(await loop(SLOW_HITS), SLOW_HITS));
      await cdp.Debugger.removeBreakpoint({ breakpointId });
    }
  }
  await evaluate(`globalThis[Symbol.for('cinescope.control')].enableTracePoints([999], false)`);

  // Phase 2: switching the trace point on (the live edit), with the program's stall measured.
  const manager = new TracePointManager({
    cdp,
    scriptsForPath: () => scripts,
    reapplyBreakpoints: async () => {},
    log: (m) => console.error(`bench: ${m}`),
  });
  const idleStall = await stallDuring(evaluate, () => sleep(150));
  let state;
  let armMs = 0;
  const editStall = await stallDuring(evaluate, async () => {
    const t0 = nowMs();
    [state] = await manager.set(target, [line]);
    armMs = nowMs() - t0;
  });
  if (state.mode !== 'probe') throw new Error(`the trace point is ${state.mode}: ${state.message}`);
  const flipStall = await stallDuring(evaluate, async () => {
    await manager.set(target, []);
    await manager.set(target, [line]);
  });

  // Phase 3, edited code: the probe switched off and on, alternating.
  const off = [];
  const on = [];
  for (let r = 0; r < ROUNDS; r++) {
    await manager.set(target, []);
    off.push(perHit(await loop(FAST_HITS), FAST_HITS));
    await manager.set(target, [line]);
    on.push(perHit(await loop(FAST_HITS), FAST_HITS));
  }
  const info = await evaluate(`globalThis[Symbol.for('cinescope.control')].info()`);
  manager.dispose();

  const b = median(base);
  const results = {
    hitNs: {
      baselineIteration: round(b),
      logpoint: round(median(logpoint) - b),
      fallbackBreakpoint: round(median(fallback) - b),
      probeOff: round(median(off) - b),
      probeOn: round(median(on) - b),
    },
    ratios: {},
    stallMs: {
      idleMaxGap: round(idleStall),
      editMaxGap: round(editStall),
      flipMaxGap: round(flipStall),
    },
    armMs: round(armMs),
    targetLines: lines,
    hitsRecorded: info.hits,
  };
  results.ratios.logpointVsProbe = round(results.hitNs.logpoint / results.hitNs.probeOn);
  results.ratios.fallbackVsProbe = round(results.hitNs.fallbackBreakpoint / results.hitNs.probeOn);

  printTable(
    `trace point hit cost (medians of ${ROUNDS} rounds; ${FAST_HITS.toLocaleString('en-US')} hits a round, ${SLOW_HITS.toLocaleString('en-US')} for breakpoints)`,
    [
      ['variant', 'ns per hit', 'vs probe on'],
      ['loop iteration, no breakpoint (baseline)', results.hitNs.baselineIteration, ''],
      [
        'CDP breakpoint, condition false (= logpoint)',
        results.hitNs.logpoint,
        `${results.ratios.logpointVsProbe.toFixed(1)}x`,
      ],
      [
        'breakpoint fallback, recording the variables',
        results.hitNs.fallbackBreakpoint,
        `${results.ratios.fallbackVsProbe.toFixed(1)}x`,
      ],
      ['trace point probe, switched off', results.hitNs.probeOff, ''],
      ['trace point probe, recording i, acc, x', results.hitNs.probeOn, '1.0x'],
    ],
  );
  printTable(`main-thread stall (largest gap of a 1 ms timer; target ${lines} lines)`, [
    ['window', 'max gap ms'],
    ['idle (reference)', results.stallMs.idleMaxGap],
    ['switching the trace point on (live edit)', results.stallMs.editMaxGap],
    ['switching it off and on again (flag flips)', results.stallMs.flipMaxGap],
  ]);
  console.log(`\nset() took ${fmtMs(armMs)} ms in the adapter (CDP round trips included).`);
  printBenchJson('tracepoints', results, { rounds: ROUNDS, fastHits: FAST_HITS, slowHits: SLOW_HITS });
} finally {
  cdp?.close();
  child?.kill();
  await collector?.close();
  rmSync(work, { recursive: true, force: true });
}

/** The largest gap of the target's 1 ms timer while `action` runs (plus a short tail). */
async function stallDuring(evaluate, action) {
  await evaluate('__bench.gapsStart()');
  await action();
  await sleep(50);
  return evaluate('__bench.gapsStop()');
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function fmtMs(ms) {
  return ms.toFixed(1);
}

/** The traced program: a hot loop over `work`, padded to ~1,000 lines like a real module. */
function writeTarget(dir) {
  const head = [
    "'use strict';",
    'function work(i, acc) {',
    '  const x = i * 2;',
    '  return acc + x; // the trace point',
    '}',
  ];
  const filler = [];
  for (let f = 0; f < FILLER_FUNCTIONS; f++) {
    filler.push(`function filler${f}(a) {`, `  const b = a + ${f};`, '  return b * 2;', '}', '');
  }
  // The bench's own machinery in a block of its own: not in scope at the trace point.
  const tail = [
    '{',
    'let gaps;',
    'globalThis.__bench = {',
    '  loop(n) {',
    '    const t0 = process.hrtime.bigint();',
    '    let acc = 0;',
    '    for (let i = 0; i < n; i++) acc = work(i, acc);',
    '    if (acc < 0) console.log(acc);',
    '    return Number(process.hrtime.bigint() - t0);',
    '  },',
    '  gapsStart() {',
    '    let last = performance.now();',
    '    gaps = { max: 0, timer: setInterval(() => {',
    '      const now = performance.now();',
    '      gaps.max = Math.max(gaps.max, now - last);',
    '      last = now;',
    '    }, 1) };',
    '  },',
    '  gapsStop() {',
    '    clearInterval(gaps.timer);',
    '    return gaps.max;',
    '  },',
    '};',
    '}',
    `globalThis.__keep = [${Array.from({ length: FILLER_FUNCTIONS }, (_, f) => `filler${f}`).join(', ')}];`,
    'setInterval(() => {}, 1 << 30);',
  ];
  const source = [...head, ...filler, ...tail].join('\n') + '\n';
  const target = join(dir, 'target.js');
  writeFileSync(target, source);
  return { target, line: 4, lines: source.split('\n').length };
}

/**
 * ES modules loaded by worker threads are instrumented: each worker registers the module hooks
 * and gets a loader thread of its own (Node 20 does not share the main thread's), whose thread id
 * the runtime hides. Real `cinescope record --trace` on a real program whose workers are .mjs
 * modules: calls are recorded in each worker's thread, and every thread id the program sees —
 * its own `threadId`, `worker.threadId` in the parent, nested workers, workers started back to
 * back while the first one's loader thread starts — is the untraced one.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { queryTrace, recordAndStats, run, tempDir } from './helpers';

const node = process.execPath;

function project(): string {
  const cwd = tempDir();
  mkdirSync(join(cwd, 'src'));
  writeFileSync(
    join(cwd, 'src', 'calc.mjs'),
    `export function square(x) { return x * x; }
export const add = (a, b) => a + b;
`,
  );
  // The worker's entry module is traced too.
  writeFileSync(
    join(cwd, 'src', 'worker.mjs'),
    `import { Worker, parentPort, threadId, workerData } from 'node:worker_threads';
import { add, square } from './calc.mjs';
function describe(n) { return square(n) + ':' + add(n, 1); }
const lines = [workerData.name + ' ' + threadId + ' ' + describe(workerData.n)];
if (workerData.nested) {
  const inner = new Worker(new URL('./worker.mjs', import.meta.url), { workerData: { name: 'nested', n: 10 } });
  lines.push('nested worker.threadId ' + inner.threadId);
  inner.on('message', (m) => lines.push(...m));
  await new Promise((resolve) => inner.on('exit', resolve));
}
parentPort.postMessage(lines);
`,
  );
  // A CommonJS worker whose ES module comes by import().
  writeFileSync(
    join(cwd, 'cjsWorker.cjs'),
    `const { parentPort, threadId } = require('node:worker_threads');
import('./src/calc.mjs').then(({ square }) => parentPort.postMessage(['cjs ' + threadId + ' ' + square(7)]));
`,
  );
  writeFileSync(
    join(cwd, 'app.mjs'),
    `import { Worker, threadId } from 'node:worker_threads';
import { square } from './src/calc.mjs';
console.log('main', threadId, square(2));
const url = new URL('./src/worker.mjs', import.meta.url);
function start(file, workerData) {
  const worker = new Worker(file, { workerData });
  const done = new Promise((resolve) => {
    let lines = [];
    worker.on('message', (m) => (lines = m));
    worker.on('exit', () => resolve(lines));
  });
  return { id: worker.threadId, done };
}
const a = start(url, { name: 'a', n: 3, nested: true });
console.log('a worker.threadId', a.id, ...(await a.done));
// Back to back: c is made while b's loader thread may be starting.
const b = start(url, { name: 'b', n: 4 });
const c = start(url, { name: 'c', n: 5 });
const d = start(new URL('./cjsWorker.cjs', import.meta.url));
console.log('b c d', b.id, c.id, d.id);
for (const w of [b, c, d]) console.log(...(await w.done));
`,
  );
  return cwd;
}

describe('cinescope record --trace with ES modules in workers', () => {
  it('records the calls of every worker thread, with the thread ids of the untraced run', async () => {
    const cwd = project();
    const plain = await run(node, ['app.mjs'], { cwd });
    expect(plain.stderr).toBe('');
    expect(plain.stdout).toBe(
      [
        'main 0 4',
        'a worker.threadId 1 a 1 9:4 nested worker.threadId 2 nested 2 100:11',
        'b c d 3 4 5',
        'b 3 16:5',
        'c 4 25:6',
        'cjs 5 49',
        '',
      ].join('\n'),
    );
    const { recorded, out, stats } = await recordAndStats([node, 'app.mjs'], {
      cwd,
      extraArgs: ['--trace', 'src/**'],
    });
    expect(recorded.code).toBe(0);
    expect(recorded.stdout).toBe(plain.stdout);
    // The loader threads (the main thread's and one per worker) are not the program's.
    expect(stats.threads).toBe(6);

    // Every call, in the thread that made it (events carry the ids the program sees).
    const rows = await queryTrace(
      out,
      `SELECT c.tid, json_extract(s.value, '$.name') AS name,
              json_extract(c.payload, '$.args') AS args, json_extract(r.payload, '$.value') AS ret
       FROM events c
       JOIN events t ON t.type = 19 AND t.pid = c.pid AND t.tid = c.tid
         AND c.site >= json_extract(t.payload, '$.base')
         AND c.site < json_extract(t.payload, '$.base') + json_array_length(t.payload, '$.sites')
       JOIN json_each(t.payload, '$.sites') s ON s.key = c.site - json_extract(t.payload, '$.base')
       LEFT JOIN events r ON r.type = 21 AND r.parent = c.eid AND r.pid = c.pid AND r.tid = c.tid
       WHERE c.type = 20 ORDER BY c.tid, c.eid`,
    );
    // The named functions (worker.mjs's callbacks are traced too, anonymous).
    const byThread = (tid: number) =>
      rows.filter((r) => r.tid === tid && r.name).map((r) => `${r.name}${r.args}=${r.ret}`);
    expect(byThread(0)).toEqual(['square[2]=4']);
    expect(byThread(1)).toEqual(['describe[3]=9:4', 'square[3]=9', 'add[3,1]=4']);
    expect(byThread(2)).toEqual(['describe[10]=100:11', 'square[10]=100', 'add[10,1]=11']);
    expect(byThread(3)).toEqual(['describe[4]=16:5', 'square[4]=16', 'add[4,1]=5']);
    expect(byThread(4)).toEqual(['describe[5]=25:6', 'square[5]=25', 'add[5,1]=6']);
    expect(byThread(5)).toEqual(['square[7]=49']);
    expect(rows.filter((r) => r.name)).toHaveLength(14);
    // Thread a's two arrows: the promise executor, and the nested worker's message listener.
    expect(rows.filter((r) => !r.name).map((r) => [r.tid, r.args])).toEqual([
      [1, expect.stringContaining('function')],
      [1, '[["nested 2 100:11"]]'],
    ]);

    // The threads the trace knows are the program's, under the same ids.
    const threads = await queryTrace(out, `SELECT DISTINCT tid FROM events ORDER BY tid`);
    expect(threads.map((t) => t.tid)).toEqual([0, 1, 2, 3, 4, 5]);
    const warnings = await queryTrace(out, `SELECT payload FROM events WHERE type = 18`);
    expect(warnings).toEqual([]);
  });

  it('keeps thread ids when the program registers module hooks of its own, in a worker too', async () => {
    // Untraced, the program's first register() in a thread starts a loader thread; traced, the
    // runtime's is already there, so the runtime takes that thread id in its place.
    const cwd = tempDir();
    mkdirSync(join(cwd, 'src'));
    writeFileSync(
      join(cwd, 'hooks.mjs'),
      `export async function load(url, context, next) { return next(url, context); }\n`,
    );
    writeFileSync(
      join(cwd, 'register.mjs'),
      `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`,
    );
    writeFileSync(join(cwd, 'src', 'calc.mjs'), `export function cube(x) { return x * x * x; }\n`);
    writeFileSync(
      join(cwd, 'worker.mjs'),
      `import { register } from 'node:module';
import { Worker, threadId } from 'node:worker_threads';
register('./hooks.mjs', import.meta.url);
const { cube } = await import('./src/calc.mjs');
const child = new Worker('0', { eval: true });
console.log('worker', threadId, cube(threadId + 1), 'child', child.threadId);
`,
    );
    writeFileSync(
      join(cwd, 'app.mjs'),
      `import { Worker, threadId } from 'node:worker_threads';
const w = new Worker(new URL('./worker.mjs', import.meta.url), { execArgv: [] });
console.log('main', threadId, 'w', w.threadId);
await new Promise((resolve) => w.on('exit', resolve));
console.log('next', new Worker('0', { eval: true }).threadId);
`,
    );
    const args = ['--import', './register.mjs', 'app.mjs'];
    const plain = await run(node, args, { cwd });
    expect(plain.stderr).toBe('');
    // main's loader thread is 1, the worker's 3.
    expect(plain.stdout).toBe('main 0 w 2\nworker 2 27 child 4\nnext 5\n');
    const { recorded, out } = await recordAndStats([node, ...args], {
      cwd,
      extraArgs: ['--trace', 'src/**'],
    });
    expect(recorded.code).toBe(0);
    expect(recorded.stdout).toBe(plain.stdout);
    const rows = await queryTrace(
      out,
      `SELECT tid, json_extract(payload, '$.args') AS args FROM events WHERE type = 20`,
    );
    expect(rows).toEqual([{ tid: 2, args: '[3]' }]);
  });

  it("does not run the program's --require modules in the runtime's loader threads", async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'src'));
    writeFileSync(
      join(cwd, 'setup.cjs'),
      `console.log('setup in', require('node:worker_threads').threadId);\n`,
    );
    writeFileSync(
      join(cwd, 'src', 'worker.mjs'),
      `export function hello() { return 'hi'; }\nconsole.log(hello());\n`,
    );
    writeFileSync(
      join(cwd, 'app.mjs'),
      `import { Worker } from 'node:worker_threads';
const w = new Worker(new URL('./src/worker.mjs', import.meta.url));
w.on('exit', () => console.log('done', w.threadId));
`,
    );
    const args = ['--require', './setup.cjs', 'app.mjs'];
    const plain = await run(node, args, { cwd });
    expect(plain.stdout).toBe('setup in 0\nsetup in 1\nhi\ndone -1\n');
    const { recorded, out } = await recordAndStats([node, ...args], {
      cwd,
      extraArgs: ['--trace', 'src/**'],
    });
    expect(recorded.stdout).toBe(plain.stdout);
    const rows = await queryTrace(out, `SELECT tid FROM events WHERE type = 20`);
    expect(rows).toEqual([{ tid: 1 }]);
  });
});

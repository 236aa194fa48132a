/**
 * Function tracing end to end (first slice of issue 3): `cinescope record --trace GLOB` rewrites
 * the selected CommonJS files at load time, and every call is recorded with its arguments, return
 * value and enclosing call — while the program prints exactly what it prints untraced.
 */
import { describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, cli, queryTrace, recordAndStats, run, tempDir } from './helpers';
import { TraceDb } from '../tracedb/traceDb';

const node = process.execPath;

function project(): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'src'));
  mkdirSync(join(dir, 'node_modules', 'dep'), { recursive: true });
  writeFileSync(
    join(dir, 'src', 'math.js'),
    `function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
class Counter { constructor() { this.n = 0; } add(k) { this.n += k; return this.n; } }
async function later(x) { await null; return x * 2; }
function fails() { throw new RangeError('too far'); }
module.exports = { fib, Counter, later, fails };
`,
  );
  writeFileSync(join(dir, 'node_modules', 'dep', 'index.js'), 'exports.twice = (x) => x * 2;\n');
  writeFileSync(
    join(dir, 'app.js'),
    `const { fib, Counter, later, fails } = require('./src/math');
const { twice } = require('dep');
const c = new Counter();
console.log(fib(5), c.add(2), c.add(3), twice(4));
try { fails(); } catch (e) { console.log('caught', e.name, e.stack.split('\\n')[1].trim()); }
later(21).then((v) => console.log('later', v));
`,
  );
  return dir;
}

/** Calls with their function name, arguments, return value and parent call. */
async function calls(out: string) {
  return queryTrace(
    out,
    `SELECT c.eid, c.parent, json_extract(s.value, '$.name') AS name,
            json_extract(c.payload, '$.args') AS args, json_extract(r.payload, '$.value') AS ret,
            json_extract(x.payload, '$.error.message') AS threw
     FROM events c
     JOIN events t ON t.type = 19 AND t.pid = c.pid AND t.tid = c.tid
       AND c.site >= json_extract(t.payload, '$.base')
       AND c.site < json_extract(t.payload, '$.base') + json_array_length(t.payload, '$.sites')
     JOIN json_each(t.payload, '$.sites') s ON s.key = c.site - json_extract(t.payload, '$.base')
     LEFT JOIN events r ON r.type = 21 AND r.parent = c.eid AND r.pid = c.pid AND r.tid = c.tid
     LEFT JOIN events x ON x.type = 22 AND x.parent = c.eid AND x.pid = c.pid AND x.tid = c.tid
     WHERE c.type = 20 ORDER BY c.eid`,
  );
}

describe('cinescope record --trace', () => {
  it('records every call of the selected files, nested, with arguments and results', async () => {
    const cwd = project();
    const plain = await run(node, ['app.js'], { cwd });
    const { recorded, out, stats } = await recordAndStats([node, 'app.js'], {
      cwd,
      extraArgs: ['--trace', 'src/**'],
    });
    expect(plain.stdout).toBe(
      '5 2 5 8\ncaught RangeError at fails (' + join(cwd, 'src', 'math.js') + ':4:26)\nlater 42\n',
    );
    // Same output, and the stack frame keeps its line. Its column moves with the probe text
    // inserted before it on its line (docs/runtime.md, known limitations).
    const withoutColumns = (s: string) => s.replace(/(math\.js:\d+):\d+/, '$1');
    expect(withoutColumns(recorded.stdout)).toBe(withoutColumns(plain.stdout));
    expect(recorded.code).toBe(0);
    // fib(5) is 15 calls; the constructor, add twice, fails, later.
    expect(stats.calls).toBe(20);
    expect(stats.sites).toBe(6);
    const rows = await calls(out);
    const fib = rows.filter((r) => r.name === 'fib');
    expect(fib).toHaveLength(15);
    expect(fib[0]).toMatchObject({ parent: 0, args: '[5]', ret: 5 });
    expect(fib[1]).toMatchObject({ parent: fib[0].eid, args: '[4]', ret: 3 });
    expect(rows.filter((r) => r.name === 'add').map((r) => [r.args, r.ret])).toEqual([
      ['[2]', 2],
      ['[3]', 5],
    ]);
    expect(rows.find((r) => r.name === 'fails')).toMatchObject({ ret: null, threw: 'too far' });
    expect(rows.find((r) => r.name === 'later')).toMatchObject({ args: '[21]', ret: 42 });
    // node_modules is left out of `src/**` and of `**`.
    expect(rows.some((r) => r.name === 'exports.twice')).toBe(false);
  });

  it('caches instrumented files, and recomputes a damaged entry', async () => {
    const cwd = project();
    const first = await recordAndStats([node, 'app.js'], { cwd, extraArgs: ['--trace', 'src/**'] });
    const cacheDir = join(cwd, 'node_modules', '.cache', 'cinescope');
    const entries = readdirSync(cacheDir).flatMap((shard) =>
      readdirSync(join(cacheDir, shard)).map((f) => join(cacheDir, shard, f)),
    );
    expect(entries).toHaveLength(1);
    const second = await recordAndStats([node, 'app.js'], { cwd, extraArgs: ['--trace', 'src/**'] });
    expect(await calls(second.out)).toEqual(await calls(first.out));
    writeFileSync(entries[0], 'not json');
    const third = await recordAndStats([node, 'app.js'], { cwd, extraArgs: ['--trace', 'src/**'] });
    expect(await calls(third.out)).toEqual(await calls(first.out));
    expect(JSON.parse(readFileSync(entries[0], 'utf8')).code).toContain('cinescope:instrumented');
  });

  it('leaves node_modules out of ** and brings it in when a glob names it', async () => {
    const cwd = project();
    const all = await recordAndStats([node, 'app.js'], { cwd, extraArgs: ['--trace', '**'] });
    expect((await calls(all.out)).some((r) => r.name === 'exports.twice')).toBe(false);
    expect((await calls(all.out)).some((r) => r.name === 'fib')).toBe(true);
    const deps = await recordAndStats([node, 'app.js'], { cwd, extraArgs: ['--trace', 'node_modules/**'] });
    const rows = await calls(deps.out);
    expect(rows.map((r) => [r.name, r.args, r.ret])).toEqual([['exports.twice', '[4]', 8]]);
  });
});

describe('cinescope record --trace on ES modules', () => {
  it('traces ES modules through the loader hooks, keeping thread ids as untraced', async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'src'));
    writeFileSync(
      join(cwd, 'src', 'shapes.mjs'),
      `export function area(w, h) { return w * h; }
export const perimeter = (w, h) => 2 * (w + h);
export class Box { constructor(w) { this.w = w; } grow(k) { this.w += k; return this.w; } }
export function clash() { var g = 1; function g() {} return typeof g; }
`,
    );
    writeFileSync(
      join(cwd, 'app.mjs'),
      `import { area, perimeter, Box } from './src/shapes.mjs';
import { Worker, threadId } from 'node:worker_threads';
const b = new Box(2);
console.log(area(3, 4), perimeter(3, 4), b.grow(5), threadId);
const w = new Worker('const wt = require("node:worker_threads"); console.log("worker", wt.threadId)', { eval: true });
console.log('spawned', w.threadId);
`,
    );
    const plain = await run(node, ['app.mjs'], { cwd });
    const { recorded, out, stats } = await recordAndStats([node, 'app.mjs'], {
      cwd,
      extraArgs: ['--trace', 'src/**'],
    });
    expect(plain.stdout).toBe('12 14 7 0\nspawned 1\nworker 1\n');
    expect(recorded.stdout).toBe(plain.stdout);
    // The runtime's own threads (drain, module loader) are not the program's.
    expect(stats.threads).toBe(2);
    expect(stats.messages.sent).toBe(0);
    const rows = await calls(out);
    // The loader thread's warnings reach the trace: clash() is left untraced, and says so.
    const warnings = await queryTrace(
      out,
      `SELECT json_extract(payload, '$.message') AS message FROM events WHERE type = 18`,
    );
    expect(warnings.map((w) => w.message)).toEqual([
      `${join(cwd, 'src', 'shapes.mjs')}:4:8: function 'clash' is not traced: it declares 'g' both as a function and as a var`,
    ]);
    expect(rows.map((r) => [r.name, r.args, r.ret])).toEqual([
      ['Box', '[2]', null],
      ['area', '[3,4]', 12],
      ['perimeter', '[3,4]', 14],
      ['grow', '[5]', 7],
    ]);
  });
});

describe('cinescope instrument', () => {
  it('writes instrumented copies that run as before, and are traced when recorded', async () => {
    const cwd = project();
    const out = join(tempDir(), 'out');
    const done = await cli(['instrument', join(cwd, 'src'), '--out', out]);
    expect(done.code).toBe(0);
    expect(done.stdout).toBe(
      `cinescope: instrumented 1 files (6 functions and classes), copied 0 into ${out}\n`,
    );
    expect(readFileSync(join(out, 'math.js'), 'utf8')).toMatch(/^\/\*cinescope:instrumented v2\*\//);
    expect(JSON.parse(readFileSync(join(out, 'math.js.map'), 'utf8')).version).toBe(3);
    // Swap the instrumented copy in: untraced it behaves as before; recorded, its calls show.
    writeFileSync(join(cwd, 'src', 'math.js'), readFileSync(join(out, 'math.js')));
    writeFileSync(join(cwd, 'src', 'math.js.map'), readFileSync(join(out, 'math.js.map')));
    const plain = await run(node, ['app.js'], { cwd });
    expect(plain.stdout.split('\n')[0]).toBe('5 2 5 8');
    const { stats } = await recordAndStats([node, 'app.js'], { cwd });
    expect(stats.calls).toBe(20);
  });

  it('explains bad input', async () => {
    const missing = await cli(['instrument', '/no/such/src', '--out', tempDir()]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Nothing to instrument at /no/such/src: no such file or folder.');
    const cwd = project();
    const inside = await cli(['instrument', cwd, '--out', join(cwd, 'out')]);
    expect(inside.code).toBe(2);
    expect(inside.stderr).toContain('--out must be outside the folder being instrumented.');
  });
});

describe('cinescope record --state', () => {
  it('records what each method changed in the selected objects, with the call that changed it', async () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, 'bank.js'),
      `class Account {
  constructor(owner, balance) { this.owner = owner; this.balance = balance; this.history = []; }
  deposit(n) { this.balance += n; this.history.push(n); return this.balance; }
  withdraw(n) { if (n > this.balance) throw new Error('insufficient funds'); this.balance -= n; this.history.push(-n); }
  get summary() { return this.owner + ':' + this.balance; }
}
class Audit { check(a) { return a.balance >= 0; } }
const a = new Account('ann', 100);
a.deposit(50);
try { a.withdraw(500); } catch (e) { console.log(e.message); }
a.withdraw(30);
console.log(a.summary, new Audit().check(a));
`,
    );
    const plain = await run(node, ['bank.js'], { cwd });
    const { recorded, out, stats } = await recordAndStats([node, 'bank.js'], {
      cwd,
      extraArgs: ['--trace', '*.js', '--state', 'Account'],
    });
    expect(recorded.stdout).toBe(plain.stdout);
    expect(plain.stdout).toBe('insufficient funds\nann:120 true\n');
    const changes = await queryTrace(
      out,
      `SELECT json_extract(s.value, '$.name') AS method, c.path, c.op, c.old, c.new
       FROM state_changes c
       JOIN events t ON t.type = 19 AND t.pid = c.pid AND t.tid = c.tid
         AND c.site BETWEEN json_extract(t.payload, '$.base')
                        AND json_extract(t.payload, '$.base') + json_array_length(t.payload, '$.sites') - 1
       JOIN json_each(t.payload, '$.sites') s ON s.key = c.site - json_extract(t.payload, '$.base')
       ORDER BY c.ts, c.rowid`,
    );
    // The constructor's changes come first; the failed withdraw changed nothing.
    expect(changes).toEqual([
      { method: 'Account', path: 'owner', op: 'added', old: null, new: '"ann"' },
      { method: 'Account', path: 'balance', op: 'added', old: null, new: '100' },
      { method: 'Account', path: 'history', op: 'added', old: null, new: '[]' },
      { method: 'deposit', path: 'balance', op: 'changed', old: '100', new: '150' },
      { method: 'deposit', path: 'history[0]', op: 'added', old: null, new: '50' },
      { method: 'withdraw', path: 'balance', op: 'changed', old: '150', new: '120' },
      { method: 'withdraw', path: 'history[1]', op: 'added', old: null, new: '-30' },
    ]);
    expect(stats.stateChanges).toBe(7);
    // Only Account is tracked: one object, and Audit's calls leave no state rows.
    const objects = await queryTrace(out, 'SELECT DISTINCT object_id, class FROM state_changes');
    expect(objects).toEqual([{ object_id: 1, class: 'Account' }]);
  });
});

describe('cinescope.config.json', () => {
  it('holds the same rules as the command line', async () => {
    const cwd = project();
    writeFileSync(
      join(cwd, 'cinescope.config.json'),
      JSON.stringify({ trace: ['src/**'], state: ['Counter'] }),
    );
    const { stats } = await recordAndStats([node, 'app.js'], { cwd });
    expect(stats.calls).toBe(20);
    expect(stats.stateChanges).toBe(3); // the constructor adds n, each of the two add() calls changes it
  });

  it('explains a broken file', async () => {
    const cwd = project();
    writeFileSync(join(cwd, 'cinescope.config.json'), '{"trace": "src/**", }');
    const bad = await cli(['record', '--', node, 'app.js'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${join(cwd, 'cinescope.config.json')} is not valid JSON`);
    writeFileSync(join(cwd, 'cinescope.config.json'), '{"tracing": ["src/**"]}');
    const unknown = await cli(['record', '--', node, 'app.js'], { cwd });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      'unknown setting "tracing"; it may have trace, state, reducers, overflow, metricsIntervalMs.',
    );
  });
});

describe('TraceDB queries over a traced run', () => {
  it('answers the call tree, the calls of a function, and who changed a field', async () => {
    const cwd = project();
    const { out } = await recordAndStats([node, 'app.js'], {
      cwd,
      extraArgs: ['--trace', 'src/**', '--state', 'Counter'],
    });
    const db = await TraceDb.open(out);
    try {
      const [pid] = db.query('SELECT pid FROM processes').rows[0] as number[];
      const tree = db.callTree(pid, 0);
      expect(tree).toHaveLength(20);
      const fib5 = tree.find((c) => c.name === 'fib' && c.args === '[5]')!;
      expect(fib5).toMatchObject({ parent: 0, returned: '5', file: join(cwd, 'src', 'math.js'), line: 1 });
      expect(tree.filter((c) => c.parent === fib5.eid).map((c) => c.args)).toEqual(['[4]', '[3]']);
      const fails = db.callsOf('fails');
      expect(fails).toHaveLength(1);
      expect(JSON.parse(fails[0].threw!)).toMatchObject({
        $: 'Error',
        name: 'RangeError',
        message: 'too far',
      });
      expect(db.callsOf('add').map((c) => [c.args, c.returned])).toEqual([
        ['[2]', '2'],
        ['[3]', '5'],
      ]);
      const [objectId] = db.query('SELECT DISTINCT object_id FROM state_changes').rows[0] as number[];
      expect(db.stateTimeline(pid, 0, objectId).map((s) => [s.method, s.path, s.op, s.old, s.new])).toEqual([
        ['Counter', 'n', 'added', null, '0'],
        ['add', 'n', 'changed', '0', '2'],
        ['add', 'n', 'changed', '2', '5'],
      ]);
      expect(db.whoChanged(pid, 0, objectId, 'n').map((s) => s.method)).toEqual(['Counter', 'add', 'add']);
      expect(db.whoChanged(pid, 0, objectId, 'm')).toEqual([]);
    } finally {
      db.close();
    }
  });
});

describe('tracing real npm packages', () => {
  it('traces ws and sql.js in node_modules and they behave exactly as untraced', async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'node_modules'));
    for (const pkg of ['ws', 'sql.js'])
      cpSync(join(ROOT, 'node_modules', pkg), join(cwd, 'node_modules', pkg), { recursive: true });
    writeFileSync(
      join(cwd, 'app.js'),
      `const { WebSocketServer, WebSocket } = require('ws');
const initSqlJs = require('sql.js');
const server = new WebSocketServer({ host: '127.0.0.1', port: 0 }, () => {
  const client = new WebSocket('ws://127.0.0.1:' + server.address().port);
  client.on('open', () => client.send(JSON.stringify({ n: 1 })));
  client.on('message', async (data) => {
    console.log('echo', String(data));
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.run('CREATE TABLE t (x); INSERT INTO t VALUES (40), (2)');
    console.log('sum', db.exec('SELECT sum(x) FROM t')[0].values[0][0]);
    client.close();
    server.close();
  });
});
server.on('connection', (socket) => socket.on('message', (m) => socket.send('got ' + m)));
`,
    );
    const plain = await run(node, ['app.js'], { cwd });
    expect(plain.stdout).toBe('echo got {"n":1}\nsum 42\n');
    const { recorded, out, stats } = await recordAndStats([node, 'app.js'], {
      cwd,
      extraArgs: ['--trace', 'node_modules/ws/**', '--trace', 'node_modules/sql.js/dist/sql-wasm.js'],
    });
    expect(recorded.stdout).toBe(plain.stdout);
    expect(recorded.code).toBe(0);
    expect(stats.calls).toBeGreaterThan(100);
    const files = await queryTrace(out, `SELECT DISTINCT file FROM sites ORDER BY file`);
    expect(files.some((f) => f.file.endsWith('ws/lib/websocket.js'))).toBe(true);
    expect(files.some((f) => f.file.endsWith('sql.js/dist/sql-wasm.js'))).toBe(true);
    const warnings = await queryTrace(out, `SELECT payload FROM events WHERE type = 18`);
    expect(warnings).toEqual([]);
  });
});

describe('cinescope record --reducer', () => {
  it('records what each reducer call changed in the state it was given', async () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, 'store.js'),
      `function todos(state, action) {
  switch (action.type) {
    case 'add': return { ...state, items: [...state.items, action.text] };
    case 'done': return { ...state, done: state.done + 1 };
    default: return state;
  }
}
let state = { items: [], done: 0 };
for (const action of [{ type: 'add', text: 'milk' }, { type: 'noop' }, { type: 'done' }]) state = todos(state, action);
console.log(JSON.stringify(state));
`,
    );
    const plain = await run(node, ['store.js'], { cwd });
    const { recorded, out } = await recordAndStats([node, 'store.js'], {
      cwd,
      extraArgs: ['--trace', '*.js', '--reducer', 'todos'],
    });
    expect(recorded.stdout).toBe(plain.stdout);
    const changes = await queryTrace(
      out,
      'SELECT class, path, op, old, new FROM state_changes ORDER BY ts, rowid',
    );
    expect(changes).toEqual([
      { class: 'reducer todos', path: 'items[0]', op: 'added', old: null, new: '"milk"' },
      { class: 'reducer todos', path: 'done', op: 'changed', old: '0', new: '1' },
    ]);
  });
});

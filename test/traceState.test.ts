/**
 * Object state history for classes selected by what they extend (`--state extends:NAME`, decided on
 * the prototype chain at run time) and by the `@cinescope-state` marker comment, end to end with the
 * real `cinescope record`: the selected objects' changes are recorded, nothing else is, and the
 * program prints exactly what it prints untraced.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, queryTrace, recordAndStats, run, tempDir } from './helpers';

const node = process.execPath;

/**
 * Store (base) ← TodoStore (another file) ← UrgentStore (a third file); Bus extends Node's
 * EventEmitter; Plain ← Other extend nothing selected; Cart carries the marker; Wallet does not.
 */
function project(): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'src'));
  writeFileSync(
    join(dir, 'src', 'store.js'),
    `class Store {
  constructor() { this.items = []; }
  add(x) { this.items.push(x); return this.items.length; }
}
module.exports = { Store };
`,
  );
  writeFileSync(
    join(dir, 'src', 'todoStore.js'),
    `const { Store } = require('./store');
class TodoStore extends Store {
  done(i) { this.items[i] = 'done:' + this.items[i]; }
}
module.exports = { TodoStore };
`,
  );
  writeFileSync(
    join(dir, 'src', 'urgent.js'),
    `const { TodoStore } = require('./todoStore');
class UrgentStore extends TodoStore {
  escalate() { this.level = (this.level || 0) + 1; }
}
module.exports = { UrgentStore };
`,
  );
  writeFileSync(
    join(dir, 'src', 'other.js'),
    `const EventEmitter = require('node:events');
class Bus extends EventEmitter {
  publish(m) { this.last = m; return this.emit('message', m); }
}
class Plain { set(v) { this.v = v; } }
class Other extends Plain { bump() { this.v++; } }
/** A cart: its state is recorded whenever this file is traced. @cinescope-state */
class Cart {
  constructor() { this.lines = 0; }
  put(n) { this.lines += n; }
}
class Wallet { pay(n) { this.paid = n; } }
module.exports = { Bus, Plain, Other, Cart, Wallet };
`,
  );
  writeFileSync(
    join(dir, 'app.js'),
    `const { Store } = require('./src/store');
const { TodoStore } = require('./src/todoStore');
const { UrgentStore } = require('./src/urgent');
const { Bus, Other, Cart, Wallet } = require('./src/other');
const plainStore = new Store();
plainStore.add('plain');
const todos = new TodoStore();
todos.add('milk');
todos.done(0);
const urgent = new UrgentStore();
urgent.add('fire');
urgent.escalate();
const bus = new Bus();
bus.on('message', (m) => console.log('got', m));
bus.publish('hello');
const other = new Other();
other.set(1);
other.bump();
const cart = new Cart();
cart.put(2);
new Wallet().pay(3);
console.log(JSON.stringify([plainStore, todos, urgent, other, cart]), bus.last);
`,
  );
  return dir;
}

/** Every recorded change: the object's class, the method that made it, what changed. */
async function changes(out: string) {
  return queryTrace(
    out,
    `SELECT c.object_id AS object, c.class, s.name AS method, c.path, c.op, c.old, c.new
     FROM state_changes c JOIN sites s ON s.pid = c.pid AND s.tid = c.tid AND s.site = c.site
     ORDER BY c.ts, c.rowid`,
  );
}

describe('cinescope record --state extends:NAME', () => {
  it('records the state of subclasses at any depth and in any file, and of nothing else', async () => {
    const cwd = project();
    const plain = await run(node, ['app.js'], { cwd });
    expect(plain.stdout).toBe(
      'got hello\n[{"items":["plain"]},{"items":["done:milk"]},{"items":["fire"],"level":1},{"v":2},{"lines":2}] hello\n',
    );
    const { recorded, out } = await recordAndStats([node, 'app.js'], {
      cwd,
      extraArgs: ['--trace', 'src/**', '--state', 'extends:Store', '--state', 'extends:EventEmitter'],
    });
    expect(recorded.stdout).toBe(plain.stdout);
    expect(recorded.code).toBe(0);
    const rows = await changes(out);
    // Store's constructor (a site named after its class) and add() count when they run on a
    // subclass's instance: the object's class decides. The derived constructors do not snapshot
    // (their `this` may not exist yet). The plain Store, Plain/Other and Wallet leave no rows; Cart
    // is marked.
    expect(rows.map(({ object: _object, ...r }) => r)).toEqual([
      { class: 'TodoStore', method: 'Store', path: 'items', op: 'added', old: null, new: '[]' },
      { class: 'TodoStore', method: 'add', path: 'items[0]', op: 'added', old: null, new: '"milk"' },
      {
        class: 'TodoStore',
        method: 'done',
        path: 'items[0]',
        op: 'changed',
        old: '"milk"',
        new: '"done:milk"',
      },
      { class: 'UrgentStore', method: 'Store', path: 'items', op: 'added', old: null, new: '[]' },
      { class: 'UrgentStore', method: 'add', path: 'items[0]', op: 'added', old: null, new: '"fire"' },
      { class: 'UrgentStore', method: 'escalate', path: 'level', op: 'added', old: null, new: '1' },
      { class: 'Bus', method: 'publish', path: 'last', op: 'added', old: null, new: '"hello"' },
      { class: 'Cart', method: 'Cart', path: 'lines', op: 'added', old: null, new: '0' },
      { class: 'Cart', method: 'put', path: 'lines', op: 'changed', old: '0', new: '2' },
    ]);
    // One object id per instance: todos, urgent, bus, cart.
    expect(new Set(rows.map((r) => r.object)).size).toBe(4);
  });

  it('takes the same rules from cinescope.config.json, and explains a rule that names no class', async () => {
    const cwd = project();
    writeFileSync(
      join(cwd, 'cinescope.config.json'),
      JSON.stringify({ trace: ['src/**'], state: ['extends:*Store', 'Wallet'] }),
    );
    const { recorded, out } = await recordAndStats([node, 'app.js'], { cwd });
    expect(recorded.code).toBe(0);
    const rows = await changes(out);
    // extends:*Store: TodoStore (extends Store) and UrgentStore (extends TodoStore and Store).
    expect([...new Set(rows.map((r) => r.class))]).toEqual(['TodoStore', 'UrgentStore', 'Cart', 'Wallet']);
    expect(rows.filter((r) => r.class === 'Wallet').map((r) => [r.method, r.path, r.new])).toEqual([
      ['pay', 'paid', '3'],
    ]);

    writeFileSync(join(cwd, 'cinescope.config.json'), JSON.stringify({ state: ['extends:'] }));
    const bad = await cli(['record', '--', node, 'app.js'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      `${join(cwd, 'cinescope.config.json')}: The state rule 'extends:' names no class: write it as extends:NAME, e.g. extends:EventEmitter.`,
    );
    writeFileSync(join(cwd, 'cinescope.config.json'), '{}');
    const badFlag = await cli(['record', '--state', 'extends: ', '--', node, 'app.js'], { cwd });
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain("The state rule 'extends: ' names no class");
  });
});

describe('the @cinescope-state marker', () => {
  it('selects the marked class with no rule, and runs unchanged untraced', async () => {
    const cwd = project();
    const plain = await run(node, ['app.js'], { cwd });
    const { recorded, out } = await recordAndStats([node, 'app.js'], {
      cwd,
      extraArgs: ['--trace', 'src/**'],
    });
    expect(recorded.stdout).toBe(plain.stdout);
    expect((await changes(out)).map((r) => [r.class, r.method, r.path, r.op, r.new])).toEqual([
      ['Cart', 'Cart', 'lines', 'added', '0'],
      ['Cart', 'put', 'lines', 'changed', '2'],
    ]);
  });
});

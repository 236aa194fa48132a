/** Fidelity cases: async functions, generators, async generators, modules and timing. */
import type { FidelityCase } from './cases';

export const asyncCases: FidelityCase[] = [
  {
    name: 'async/await keeps its order against microtasks, thenables and nextTick',
    code: `
const log = [];
const tick = (label) => Promise.resolve().then(() => log.push(label));
async function plain() { log.push('plain start'); await null; log.push('plain after await'); return 'plain'; }
async function returnsPromise() { return Promise.resolve('p'); }
async function returnsAwait() { return await Promise.resolve('a'); }
async function thenable() { const v = await { then(r) { log.push('then called'); r('t'); } }; log.push('thenable ' + v); }
async function nested() { log.push('nested 1'); await plain(); log.push('nested 2'); }
const asyncArrow = async () => { await undefined; log.push('arrow'); };
tick('micro 1'); plain(); tick('micro 2'); returnsPromise().then((v) => log.push('rp ' + v));
returnsAwait().then((v) => log.push('ra ' + v)); thenable(); nested(); asyncArrow(); tick('micro 3');
process.nextTick(() => log.push('nextTick'));
setTimeout(() => console.log(log.join('\\n')), 5);`,
    prints: 'plain start',
  },
  {
    name: 'async errors: rejections caught by try/catch, finally after await, unhandled in the end',
    code: `
const log = [];
async function fails(msg) { await null; throw new Error(msg); }
async function catches() { try { await fails('caught'); } catch (e) { log.push('caught ' + e.message); } finally { log.push('finally'); } return 'done'; }
async function rethrows() { try { await fails('again'); } catch (e) { throw new RangeError(e.message + '!'); } }
async function loop() { for (let i = 0; i < 3; i++) { try { if (i === 1) await fails('loop ' + i); else await i; log.push('ok ' + i); } catch (e) { log.push(e.message); } } }
(async () => {
  log.push(await catches());
  await rethrows().catch((e) => log.push(e.name + ' ' + e.message));
  await loop();
  console.log(log.join(' | '));
  await fails('unhandled at last');
})();`,
    exitCode: 1,
    alsoWithoutCatch: true,
    prints: 'caught caught | finally | done',
  },
  {
    name: 'generators: next values, return, throw, yield*, finally',
    code: `
function* counter() { let received = []; try { while (true) { const v = yield received.length; if (v === undefined) continue; received.push(v); } } finally { console.log('counter finally', received.join()); } }
const c = counter(); c.next(); c.next('a'); c.next('b'); console.log(JSON.stringify(c.return('done')), JSON.stringify(c.next()));
function* thrower() { try { yield 1; } catch (e) { yield 'caught ' + e; } return 'end'; }
const t = thrower(); t.next(); console.log(JSON.stringify(t.throw('x')), JSON.stringify(t.next()));
function* inner() { const x = yield 'i1'; yield 'inner got ' + x; return 'inner result'; }
function* outer() { const r = yield* inner(); yield r; yield* [1, 2]; }
const o = outer(); console.log(o.next().value, o.next('X').value, o.next().value, [...o].join());
function* naturals() { let n = 0; while (true) yield n++; }
function* take(it, k) { for (const v of it) { if (k-- <= 0) return; yield v; } }
console.log([...take(naturals(), 5)].join(), [...(function* () { yield; yield })()].length);
const gm = { *items() { yield* Object.keys(this); }, a: 1 }; console.log([...gm.items()].join());
function* early() { yield 1; throw new Error('gen error'); }
try { for (const v of early()) console.log('got', v); } catch (e) { console.log(e.message); }`,
    prints: 'counter finally a,b',
  },
  {
    name: 'async generators with for await, early break, yield* and rejection',
    code: `
const log = [];
async function* ticks(n) { try { for (let i = 0; i < n; i++) { await null; yield i; } } finally { log.push('ticks finally'); } }
async function* doubled(src) { for await (const v of src) yield v * 2; }
async function* delegating() { yield* ticks(2); yield 'after'; }
async function main() {
  for await (const v of ticks(3)) log.push('v' + v);
  for await (const v of doubled(ticks(2))) log.push('d' + v);
  for await (const v of ticks(10)) { if (v === 1) break; log.push('b' + v); }
  outer: for await (const v of ticks(3)) { for await (const w of ticks(3)) { if (w === 1) continue outer; log.push(v + ':' + w); } }
  for await (const v of [Promise.resolve('sync-iterable'), 'plain']) log.push(v);
  for await (const v of delegating()) log.push('del ' + v);
  try { for await (const v of [Promise.reject(new Error('rejected item'))]) log.push(v); } catch (e) { log.push(e.message); }
  const it = ticks(5); await it.next(); log.push(JSON.stringify(await it.return('early')));
  const obj = { async *[Symbol.asyncIterator]() { yield 'custom'; } };
  for await (const v of obj) log.push(v);
  return log;
}
main().then((l) => console.log(l.join('\\n')));`,
    prints: 'v0',
  },
  {
    name: 'timers, promises and async methods interleave the same way',
    code: `
const log = [];
class Service { async load(id) { await new Promise((r) => setTimeout(r, id)); log.push('loaded ' + id); return id; }
  static async all(ids) { const s = new Service(); return Promise.all(ids.map((id) => s.load(id))); } }
Service.all([60, 20, 40]).then((r) => { log.push('all ' + r.join()); console.log(log.join('\\n')); });
Promise.race([new Service().load(40), new Promise((r) => setTimeout(() => r('timeout'), 5000).unref())]).then((v) => log.push('race ' + v));`,
    prints: 'loaded 20',
  },
  {
    name: 'an ES module: imports, exports, top-level await, import.meta',
    ext: '.mjs',
    code: `
import { basename } from 'node:path';
export function double(x) { return x * 2; }
export default async function () { return 'default export'; }
export const arrow = (x) => x + 1;
const value = await Promise.resolve(double(21));
const { sep } = await import('node:path');
console.log(value, arrow(1), basename(import.meta.url), typeof this, sep);`,
    prints: '42 2',
  },
  {
    name: 'ESM import cycle calls a hoisted function before its module body ran',
    files: {
      'main.mjs': `
import { fromB } from './b.mjs';
export function helper(x) { return 'helper(' + x + ')'; }
console.log('main body', fromB);`,
      'b.mjs': `
import { helper } from './main.mjs';
export const fromB = helper('called from b before main ran');
export function unused() { return helper('later'); }`,
    },
    prints: 'main body helper(called from b before main ran)',
  },
  {
    name: 'CommonJS require cycle and module-level code',
    files: {
      'main.js': `
exports.early = function () { return 'early'; };
const b = require('./b.js');
exports.late = () => 'late';
console.log(b.result, b.lateSeen);`,
      'b.js': `
const main = require('./main.js');
exports.result = main.early();
exports.lateSeen = typeof main.late;
function unusedHelper() { return 1; }
return;
console.log('not reached');`,
    },
    prints: 'early undefined',
  },
];

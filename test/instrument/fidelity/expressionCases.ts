/** Fidelity cases: await/yield in every expression position, method forms, implicit calls. */
import type { FidelityCase } from './cases';

export const expressionCases: FidelityCase[] = [
  {
    name: 'await in every expression position, evaluation order included',
    code: `
const log = [];
const v = (x) => { log.push('eval ' + x); return x; };
const later = (x) => Promise.resolve().then(() => { log.push('resolve ' + x); return x; });
async function positions() {
  const sum = v(1) + await later(2);
  const cond = await later(true) ? 'yes' : 'no';
  const member = (await later({ p: 'prop' })).p;
  const seq = await (v('a'), later('b'));
  const array = [await later(3), v(4), await later(5)];
  const call = Math.max(await later(6), v(7));
  const nested = await await later(8);
  const template = \`t\${await later(9)}\`;
  const unary = typeof await later(10) + -await later(11);
  const constructed = new (await later(Array))(2).length;
  const chained = await later(null)?.missing;
  const logical = (await later(0)) || await later('fallback');
  let assigned; assigned = await later('assigned');
  const obj = { [await later('k')]: await later('v') };
  return [sum, cond, member, seq, array.join(), call, nested, template, unary, constructed, chained, logical, assigned, JSON.stringify(obj)].join(' | ');
}
positions().then((r) => { console.log(r); console.log(log.join(', ')); });`,
    prints: '3 | yes | prop | b | 3,4,5 | 7 | 8 | t9 | number-11 | 2 |  | fallback | assigned | {"k":"v"}',
  },
  {
    name: 'yield in every expression position, values in and out',
    code: `
function* positions() {
  const a = 1 + (yield 'first');
  const b = yield yield 'nested';
  const c = [yield, yield 'x'];
  const d = Math.max(yield 'arg', 0);
  const e = \`t\${yield 'template'}\`;
  yield
  const f = (yield 'paren', yield 'seq');
  return [a, b, c.join(), d, e, f].join(' | ');
}
const it = positions();
const out = [];
let r = it.next();
for (let i = 10; !r.done; i++) { out.push(String(r.value)); r = it.next(i); }
console.log(out.join(','));
console.log(r.value);`,
    prints: 'first,nested',
  },
  {
    name: 'method forms: async, generator and async generator methods, static and private',
    code: `
const o = {
  async am(x) { await null; return 'am ' + x; },
  *gm(n) { for (let i = 0; i < n; i++) yield i; },
  async *agm() { yield await Promise.resolve('agm'); },
  __proto__: { inherited() { return 'inherited'; } },
  'quoted key'() { return 'quoted'; },
  42() { return 'numeric'; },
};
class K {
  static async sam() { return 'sam'; }
  static *sgm() { yield 'sgm'; }
  static async *sagm() { yield 'sagm'; }
  static #priv() { return 'static private'; }
  static callPriv() { return K.#priv(); }
  async #pam() { return 'private async'; }
  callPam() { return this.#pam(); }
}
(async () => {
  const results = [await o.am(1), [...o.gm(3)].join(), o.inherited(), o['quoted key'](), o[42](), await K.sam(), [...K.sgm()].join(), K.callPriv(), await new K().callPam()];
  for await (const v of o.agm()) results.push(v);
  for await (const v of K.sagm()) results.push(v);
  console.log(results.join(' | '));
})();`,
    prints:
      'am 1 | 0,1,2 | inherited | quoted | numeric | sam | sgm | static private | private async | agm | sagm',
  },
  {
    name: 'implicit calls: toJSON, valueOf, toString, Symbol.toPrimitive, iterators in spread',
    code: `
const money = { amount: 5, valueOf() { return this.amount; }, toString() { return '$' + this.amount; }, toJSON() { return { usd: this.amount }; } };
const prim = { [Symbol.toPrimitive](hint) { return hint === 'number' ? 1 : 'prim:' + hint; } };
class Bag { constructor(...items) { this.items = items; } *[Symbol.iterator]() { yield* this.items; } }
console.log(money + 1, \`\${money}\`, JSON.stringify({ money }), +prim, \`\${prim}\`, prim + '', Math.max(...new Bag(1, 9, 3)));
const sorted = [new Bag(3), new Bag(1)].sort((a, b) => a.items[0] - b.items[0]).map((b) => b.items[0]);
console.log(sorted.join(), Array.from(new Bag('x', 'y'), (v, i) => v + i).join());`,
    prints: '6 $5 {"money":{"usd":5}} 1 prim:string prim:default 9',
  },
  {
    name: 'switch, loops and returns from every kind of block',
    code: `
function classify(x) {
  switch (typeof x) {
    case 'number':
      if (x < 0) return 'negative';
    case 'bigint':
      return 'numeric';
    case 'string': {
      for (const ch of x) if (ch === '!') return 'exclaims';
      break;
    }
    default:
      do { return 'other'; } while (false);
  }
  let i = 0;
  while (true) { if (i++ > 2) return 'string ' + i; }
}
console.log(['a!', 'abc', -1, 2, 10n, null].map(classify).join(', '));`,
    prints: 'exclaims, string 4, negative, numeric, numeric, other',
  },
  {
    name: 'async generator return values and rejections are awaited as before',
    code: `
const log = [];
async function* g() { try { yield 1; return Promise.resolve('returned promise'); } finally { log.push('finally'); } }
async function* rejecting() { yield 1; return Promise.reject(new Error('rejected return')); }
(async () => {
  const it = g(); log.push(JSON.stringify(await it.next())); log.push(JSON.stringify(await it.next()));
  const r = rejecting(); await r.next();
  try { await r.next(); } catch (e) { log.push(e.message); }
  console.log(log.join(' | '));
})();`,
    prints: '{"value":1,"done":false} | finally | {"value":"returned promise","done":true} | rejected return',
  },
];

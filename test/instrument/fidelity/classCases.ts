/** Fidelity cases: classes, methods, accessors, fields, static blocks, derived constructors. */
import type { FidelityCase } from './cases';

export const classCases: FidelityCase[] = [
  {
    name: 'getters and setters on objects and classes',
    code: `
const o = { _v: 1, get v() { return this._v * 10; }, set v(x) { this._v = x; } };
o.v = 4; console.log(o.v);
class Temp { #c = 0; static #count = 0; get f() { return this.#c * 9 / 5 + 32; } set f(v) { this.#c = (v - 32) * 5 / 9; Temp.#count++; }
  static get count() { return Temp.#count; } get #secret() { return 's'; } reveal() { return this.#secret; } }
const t = new Temp(); t.f = 212; console.log(t.f, Temp.count, t.reveal());
const setterResult = (o.v = 7); console.log(setterResult, o.v);
const d = Object.defineProperty({}, 'lazy', { get: function () { return 'lazy'; }, configurable: true });
console.log(d.lazy);`,
    prints: '40',
  },
  {
    name: 'super in class and object methods',
    code: `
class A { hello() { return 'A'; } static make() { return 'A.make'; } get who() { return 'a'; } }
class B extends A { hello() { return super.hello() + 'B'; } static make() { return super.make() + '+B'; } get who() { return super.who + 'b'; }
  arrowSuper() { return (() => super.hello())(); } }
const proto = { greet() { return 'proto'; } };
const obj = { greet() { return super.greet() + '+obj'; } };
Object.setPrototypeOf(obj, proto);
console.log(new B().hello(), B.make(), new B().who, new B().arrowSuper(), obj.greet());`,
    prints: 'AB A.make+B ab A proto+obj',
  },
  {
    name: 'class fields, private methods and static blocks',
    code: `
let order = [];
class Widget {
  static registry = [];
  static { order.push('static block 1'); this.registry.push('from block'); var hoisted = 1; order.push(typeof hoisted); }
  id = Widget.nextId++;
  handler = () => this.id;
  #secret = 'private';
  static nextId = 1;
  static { order.push('static block 2:' + this.nextId); }
  ['computed' + 1] = 'c';
  #hidden() { return this.#secret; }
  static isWidget(x) { return #secret in x; }
  reveal() { return this.#hidden(); }
}
const w = new Widget(); const h = w.handler;
console.log(order.join(', '), Widget.registry.join(), h(), w.reveal(), Widget.isWidget(w), Widget.isWidget({}), w.computed1);`,
    prints: 'static block 1',
  },
  {
    name: 'derived constructors: super later, arrows before super, returning objects, TDZ errors',
    code: `
class Base { constructor(x) { this.x = x; this.made = new.target.name; } }
class Later extends Base { constructor(x) { const double = () => x * 2; const v = double(); super(v); this.after = this.x + 1; } }
class Conditional extends Base { constructor(flag) { if (flag) { super('yes'); } else { super('no'); } } }
class ReturnsObject extends Base { constructor() { super(1); return { replaced: true }; } }
class NoCtor extends Base {}
class TooEarly extends Base { constructor() { try { this.x = 1; } catch (e) { console.log(e.constructor.name); } super(0); } }
class NeverSuper extends Base { constructor() { } }
class ArrowThis extends Base { constructor() { const get = () => this; super(5); console.log('arrow this x', get().x); } }
console.log(JSON.stringify(new Later(3)), new Conditional(false).x, JSON.stringify(new ReturnsObject()), new NoCtor(9).made);
new TooEarly(); new ArrowThis();
try { new NeverSuper(); } catch (e) { console.log(e.constructor.name); }`,
    prints: '{"x":6,"made":"Later","after":7}',
  },
  {
    name: 'class expressions, names, inheritance from expressions',
    code: `
const Named = class Inner { who() { return Inner.name; } };
const Anonymous = class {};
const mixin = (Base) => class extends Base { mixed() { return 'mixed ' + super.who(); } };
class Final extends mixin(Named) {}
const holder = { Klass: class {} };
console.log(Named.name, Anonymous.name, new Final().mixed(), holder.Klass.name, [class {}][0].name === '');
console.log(typeof class {}, Object.getOwnPropertyNames(Named.prototype).join());`,
    prints: 'Inner Anonymous mixed Inner Klass true',
  },
  {
    name: 'computed keys run in order with their side effects',
    code: `
const log = [];
const key = (k) => (log.push(k), k);
const o = { [key('a')]: 1, [key('b')]() { return 'b'; }, get [key('c')]() { return 'c'; } };
class K { [key('d')]() { return 'd'; } static [key('e')] = key('e-value'); [key('f')] = key('f-value'); }
new K();
console.log(log.join(), o.b(), o.c, new K().d());`,
    prints: 'a,b,c,d,e,f,e-value,f-value',
  },
  {
    name: 'iterator protocol, destructuring from generators calls return',
    code: `
const log = [];
class Range { constructor(n) { this.n = n; }
  [Symbol.iterator]() { let i = 0; const n = this.n; return { next: () => ({ value: i, done: i++ >= n }), return: () => { log.push('return called'); return { done: true }; } }; } }
const [first, second] = new Range(5);
for (const x of new Range(3)) { if (x === 1) break; }
function* g() { try { yield 1; yield 2; } finally { log.push('gen finally'); } }
const [only] = g();
console.log(first, second, only, [...new Range(3)].join(), log.join(' / '));`,
    prints: '0 1 1 0,1,2',
  },
];

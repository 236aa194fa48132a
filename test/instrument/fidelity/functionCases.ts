/** Fidelity cases: plain functions, parameters, `arguments`, `this`, hoisting, control flow. */
import type { FidelityCase } from './cases';

export const functionCases: FidelityCase[] = [
  {
    // Minifiers drop the space: inserted probes must not fuse with the keyword.
    name: 'minified return, await and yield without spaces',
    code: `
function a(x){return(x+1)}
function b(x){return!x}
function c(x){return"s"+x}
function d(x){return[x]}
async function e(x){return await(x*2)}
function*f(){yield(1);yield!0}
console.log(a(1),b(0),c(2),d(3)[0],[...f()].join());
e(4).then((v)=>console.log(v));`,
    prints: '2 true s2 3 1,true\n8',
  },
  {
    name: 'declarations are hoisted and recursion works',
    code: `
console.log(fact(5), fib(15), isEven(10), isOdd(7));
function fact(n) { return n <= 1 ? 1 : n * fact(n - 1); }
function fib(n) { if (n < 2) return n; return fib(n - 1) + fib(n - 2); }
function isEven(n) { return n === 0 ? true : isOdd(n - 1); }
function isOdd(n) { return n === 0 ? false : isEven(n - 1); }
function outer() { return inner() + later; function inner() { return 'in'; } var later = 'x'; }
console.log(outer());
function deep(n) { return n === 0 ? 0 : 1 + deep(n - 1); }
console.log(deep(3000));`,
    prints: '120 610 true true',
  },
  {
    name: 'names and lengths of every function form are unchanged',
    code: `
function a(x, y) {}
const b = function (x, y = 1, z) {};
const c = (x, ...rest) => x;
const d = function named({ p }, [q]) {};
const o = { m(a, b) {}, get g() { return 1; }, set g(v) {}, async am(x) {}, *gm() {}, async *agm(a, b, c) {}, ['comp' + 'uted'](x) {} };
class K { constructor(a, b) {} method(a) {} static s(a, b, c) {} get x() { return 1; } #p(a) {} pm() { return this.#p; } }
const fns = [a, b, c, d, o.m, o.am, o.gm, o.agm, o.computed, K, K.prototype.method, K.s, new K().pm(), Object.getOwnPropertyDescriptor(o, 'g').get, Object.getOwnPropertyDescriptor(o, 'g').set, Object.getOwnPropertyDescriptor(K.prototype, 'x').get];
for (const f of fns) console.log(JSON.stringify(f.name), f.length);
const anon = [function () {}, () => {}, class {}];
console.log(anon.map((f) => JSON.stringify(f.name)).join(' '));
let assigned; assigned = () => 1; console.log(assigned.name);
const { dflt = () => 2 } = {}; console.log(dflt.name);`,
    prints: '"a" 2',
  },
  {
    name: 'arrow expression bodies, object literals, sequences, nested arrows',
    code: `
const obj = () => ({ a: 1 });
const objParens = () => ((({ b: 2 })));
const seq = (x) => (x++, x * 10);
const curry = (a) => (b) => (c) => a + b + c;
const cond = (x) => x > 0 ? 'pos' : x < 0 ? 'neg' : 'zero';
const inDefault = (f = (v) => v * 3) => f(2);
const asyncArrow = async (x) => x + 1;
const arrowReturningFn = () => function () { return 'fn'; };
const arrowReturningClass = () => class Z {};
const arrowNoParens = x => x
  * 2;
console.log(JSON.stringify(obj()), JSON.stringify(objParens()), seq(1), curry(1)(2)(3), cond(-3), cond(0));
console.log(inDefault(), arrowReturningFn()(), arrowReturningClass().name, arrowNoParens(21));
asyncArrow(1).then((v) => console.log('async', v));
console.log([1, 2, 3].map((x) => x * x).filter((x) => x > 1).reduce((a, b) => a + b, 0));`,
    prints: '{"a":1} {"b":2} 20 6 neg zero',
  },
  {
    name: 'default, rest and destructured parameters, parameter scope',
    code: `
function f(a, b = a + 1, ...rest) { return [a, b, rest]; }
function g({ a, b: [c, d = 4] } = { b: [] }, [e, ...f2] = [], { ...others } = {}) { return [a, c, d, e, f2, others]; }
function scope(a, get = () => a) { var a = 2; return [a, get()]; }
function defaultsSeeEarlier(a, b = () => a, c = b()) { return c; }
function sideEffects(x = console.log('default evaluated')) { return 'ok'; }
console.log(JSON.stringify(f(1)), JSON.stringify(f(1, 5, 6, 7)));
console.log(JSON.stringify(g({ a: 1, b: [2] }, [3, 4, 5], { z: 1 })), JSON.stringify(g()));
console.log(JSON.stringify(scope(1)), defaultsSeeEarlier(7), sideEffects(), sideEffects(1));
try { g(null); } catch (e) { console.log(e.constructor.name); }`,
    prints: '[1,2,[]] [1,5,[6,7]]',
  },
  {
    name: 'arguments in sloppy functions, aliasing included',
    code: `
function alias(a) { arguments[0] = 2; return a; }
function reverse(a) { a = 3; return arguments[0]; }
function count() { return arguments.length; }
function callee() { return arguments.callee === callee; }
function unmapped(a = 0) { arguments[0] = 9; return a; }
function spread() { return Array.prototype.slice.call(arguments).join('+'); }
const arrowSeesOuter = function () { return (() => arguments[0])(); };
console.log(alias(1), reverse(1), count(), count(1, 2, 3), callee(), unmapped(1), spread(1, 2, 3), arrowSeesOuter('outer'));`,
    prints: '2 3 0 3 true 1 1+2+3 outer',
  },
  {
    name: 'arguments in strict functions',
    code: `'use strict';
function noAlias(a) { arguments[0] = 2; return a; }
function calleeThrows() { try { return arguments.callee; } catch (e) { return e.constructor.name; } }
console.log(noAlias(1), calleeThrows(), (function () { return this; })());`,
    prints: '1 TypeError undefined',
  },
  {
    name: 'this in methods, arrows, call/apply/bind, sloppy and strict',
    code: `
const o = {
  v: 1,
  m() { return this.v; },
  arrow() { return [1, 2].map(() => this.v); },
  nested() { return function () { return this === globalThis; }(); },
};
function sloppyThis() { return this === globalThis; }
function strictThis() { 'use strict'; return this; }
function setX(x) { this.x = x; return this; }
console.log(o.m(), JSON.stringify(o.arrow()), o.nested(), sloppyThis(), strictThis(), strictThis.call(5));
console.log(setX.call({}, 1).x, setX.apply({}, [2]).x, setX.bind({ y: 1 })(3).y, new setX(4).x);
console.log(typeof sloppyThis.call(7), (function () { return typeof this; }).call(7));
const topArrow = () => this === module.exports; console.log(topArrow());`,
    prints: '1 [1,1] true true undefined 5',
  },
  {
    name: 'new.target',
    code: `
function F() { return new.target === F ? 'new' : 'call'; }
function G() { if (!new.target) return new G(); this.made = true; }
class Base { constructor() { this.kind = new.target.name; } }
class Derived extends Base {}
const arrowInF = function () { return (() => new.target)(); };
console.log(new F() instanceof F, F(), G().made, new Derived().kind, Reflect.construct(Base, [], Derived).kind);
console.log(arrowInF() === undefined, new arrowInF() !== undefined);`,
    prints: 'true call true Derived Derived',
  },
  {
    name: 'labels, break label and continue label',
    code: `
function find(grid, target) {
  outer: for (let i = 0; i < grid.length; i++) {
    inner: for (let j = 0; j < grid[i].length; j++) {
      if (grid[i][j] < 0) continue outer;
      if (grid[i][j] === target) return [i, j];
      if (j > 5) break inner;
    }
  }
  return null;
}
function block() { let s = ''; done: { s += 'a'; if (s) break done; s += 'b'; } return s; }
function labelledLoops() { let n = 0; a: b: while (true) { n++; if (n > 3) break a; continue b; } return n; }
console.log(JSON.stringify(find([[1, -1, 9], [2, 9]], 9)), block(), labelledLoops());`,
    prints: '[1,1] a 4',
  },
  {
    name: 'try/finally interplay: return and throw in finally, break overriding return',
    code: `
const log = [];
function returnInFinally() { try { return 'try'; } finally { return 'finally'; } }
function throwInFinally() { try { return 'try'; } finally { throw new Error('from finally'); } }
function finallyOrder() { try { return log.push('returning') && 'value'; } finally { log.push('finally ran'); } }
function swallow() { try { throw new Error('x'); } finally { return 'swallowed'; } }
function breakOverride() { for (;;) { try { return 'try'; } finally { break; } } return 'after loop'; }
function nested() { try { try { throw new Error('inner'); } catch (e) { throw new Error('outer:' + e.message); } } catch (e) { return e.message; } }
function rethrow() { try { null.x; } catch (e) { throw e; } }
console.log(returnInFinally(), finallyOrder(), swallow(), breakOverride(), nested());
try { throwInFinally(); } catch (e) { console.log(e.message); }
try { rethrow(); } catch (e) { console.log(e.constructor.name); }
console.log(log.join(','));`,
    prints: 'finally value swallowed after loop outer:inner',
  },
  {
    name: 'returns without semicolons, ASI and tail positions',
    code: `
function bare() {
  return
  42
}
function postfix() { let x = 1; let y = 0
  return x++
  (y = 5)
}
function arrowAtEnd() {
  return () => { return 'inner' }
  (0)
}
function seq() { return (console.log('side'), 'last') }
function logical(a, b) { return a && b || 'none' }
function conditional(n) { return n > 1 ? conditional(n - 1) : 'base' }
function* gen() { const r = yield
  (1); return r }
const it = gen(); it.next(); console.log(JSON.stringify(it.next('sent')));
console.log(bare(), postfix(), arrowAtEnd()(), seq(), logical(1, 0), conditional(4))`,
    prints: '{"value":"sent","done":true}',
  },
  {
    name: 'functions returning functions, closures over loop variables',
    code: `
function counter() { let n = 0; return { inc: () => ++n, get: function () { return n; } }; }
const c = counter(); c.inc(); c.inc(); console.log(c.get());
const lets = []; for (let i = 0; i < 3; i++) lets.push(() => i);
const vars = []; for (var j = 0; j < 3; j++) vars.push(() => j);
console.log(lets.map((f) => f()).join(), vars.map((f) => f()).join());
const compose = (...fs) => (x) => fs.reduceRight((acc, f) => f(acc), x);
console.log(compose((x) => x + 1, (x) => x * 2)(5));
function memo(fn) { const cache = new Map(); return function (n) { if (!cache.has(n)) cache.set(n, fn.call(this, n)); return cache.get(n); }; }
const slow = memo((n) => n * n); console.log(slow(4), slow(4));`,
    prints: '2',
  },
  {
    name: 'eval and new Function are left alone and still see what they should',
    code: `
function direct(a) { const local = 5; return eval('a + local'); }
function declares() { eval('var made = 7'); return made; }
function indirect() { const local = 1; try { return (0, eval)('typeof local'); } catch (e) { return 'err'; } }
const fromString = new Function('a', 'b', 'return a * b');
function withFunctionInEval() { return eval('(function named(x) { return x + 1; })')(1); }
console.log(direct(1), declares(), indirect(), fromString(6, 7), fromString.length, withFunctionInEval());`,
    prints: '6 7 undefined 42 2 2',
  },
  {
    name: 'use strict stays the first statement of a file',
    code: `'use strict';
'another directive';
function f() { return this; }
try { undeclared = 1; } catch (e) { console.log('strict:', e.constructor.name); }
console.log(f(), (() => typeof this)());`,
    prints: 'strict: ReferenceError',
  },
  {
    name: 'function-level use strict stays a directive',
    code: `
function sloppy() { return this === globalThis; }
function strict() { 'use strict'; return this; }
const strictArrowHost = function () { "use strict"
  return (() => this)(); };
console.log(sloppy(), strict(), strictArrowHost());`,
    prints: 'true undefined undefined',
  },
  {
    name: 'a hashbang line stays first',
    code: `#!/usr/bin/env node
function f() { return 'hashbang ok'; }
console.log(f());`,
    prints: 'hashbang ok',
  },
  {
    name: 'sloppy oddities: with, block functions, var/function name clash',
    code: `
function withReturn(o) { with (o) { return x + (() => x)(); } }
function blockFunctions(flag) { if (flag) { function inBlock() { return 'block'; } } return typeof inBlock; }
function clash() { var g = 1; function g() {} return typeof g; }
function dup() { function h() { return 1; } function h() { return 2; } return h(); }
function paramShadow(p) { function p() {} return typeof p + ':' + typeof arguments[0]; }
function evalDeclares() { eval('var helper = 1'); return typeof helper; function helper() {} }
console.log(withReturn({ x: 2 }), blockFunctions(true), blockFunctions(false), clash(), dup(), paramShadow(1), evalDeclares());`,
    prints: '4 function undefined number 2 function:function number',
    warnings: [
      "function 'clash' is not traced: it declares 'g' both as a function and as a var",
      "function 'dup' is not traced: it declares function 'h' twice",
      "function 'paramShadow' is not traced: its function 'p' has the name of a parameter",
      "function 'evalDeclares' is not traced: it calls eval and declares functions",
      'is not traced: it is written inside a with statement',
    ],
  },
  {
    name: 'callbacks into builtins: sort, replace, JSON reviver, Proxy traps',
    code: `
const sorted = [3, 1, 2].sort((a, b) => b - a);
const replaced = 'a-b-c'.replace(/-(\\w)/g, function (m, c) { return c.toUpperCase(); });
const revived = JSON.parse('{"a":1,"b":[2]}', (k, v) => typeof v === 'number' ? v * 10 : v);
const proxy = new Proxy({}, { get(target, key) { return 'got ' + String(key); }, has() { return true; } });
const descriptor = { get() { return this === holder ? 'holder' : 'other'; } };
const holder = Object.defineProperty({}, 'p', descriptor);
console.log(sorted.join(), replaced, JSON.stringify(revived), proxy.x, 'y' in proxy, holder.p);`,
    prints: '3,2,1 aBC {"a":10,"b":[20]} got x true holder',
  },
  {
    name: 'an uncaught error prints the same stack',
    code: `
function a(x) {
  if (x > 1) return b(x - 1);
  throw new TypeError('boom ' + x);
}
const b = (y) => a(y);
console.log('before');
a(3);`,
    exitCode: 1,
    alsoWithoutCatch: true,
    knownStderrDifference: {
      why:
        'the catch in the wrapper rethrows: V8 reports the rethrow as the throw site, so the source ' +
        'excerpt Node prints above the stack shows a different line and caret (the stack frames are identical)',
      lines: [2],
    },
  },
  {
    name: 'Error().stack inside functions has the original lines and columns',
    code: `
function where() {
  const lines = new Error('here').stack.split('\\n');
  return lines.slice(1, 4).map((l) => l.trim()).join(' | ');
}
const viaArrow = () =>
  where();
class C { m() { return viaArrow(); } }
console.log(new C().m());`,
    prints: 'at where (',
  },
  {
    name: 'process.exitCode and process.exit inside functions',
    code: `
function finish(code) { console.log('finishing', code); process.exitCode = code; return code; }
function hard() { try { process.exit(finish(3)); } finally { console.log('never printed'); } }
finish(2);
setTimeout(() => hard(), 1);`,
    exitCode: 3,
    prints: 'finishing 2',
  },
];

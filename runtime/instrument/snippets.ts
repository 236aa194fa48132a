/**
 * The text the instrumenter inserts. Kept compact and free of line breaks, so every original
 * character stays on its line (stack traces keep their line numbers without a source map). The
 * shapes are documented in `probeApi.ts`.
 */
import { PROBES_KEY } from './probeApi';

/** The identifiers generated code uses; all start with `module`, which the source never contains. */
export interface Ids {
  /** The module's probes object (`__cs`), assigned once, by the module's first statement. */
  module: string;
  /** The hoisted function that registers the module once and returns its probes (`__csm`). */
  init: string;
  /** Where `init` keeps them (`__csr`): `module` itself is never assigned elsewhere, so V8 reads it faster. */
  registered: string;
  /** Per-function local copy of the probes object (`__csp`), set even when a call comes before `module`. */
  probes: string;
  /** Per-function call id (`__csc`). */
  call: string;
  /** The catch parameter of the wrapper (`__cse`). */
  error: string;
}

/**
 * Picks `__cs`, or `__cs1`, `__cs2`… when the text already contains it anywhere (identifiers,
 * strings that `eval` may run, comments): a textual test is stricter than scope analysis and cheap.
 */
export function freshIds(source: string): Ids {
  let base = '__cs';
  for (let n = 1; source.includes(base); n++) base = `__cs${n}`;
  const id = (suffix: string) => `${base}${suffix}`;
  return { module: base, init: id('m'), registered: id('r'), probes: id('p'), call: id('c'), error: id('e') };
}

/** `const __csp=__cs||__csm(),__csc=__csp.on[N]?__csp.enter(N,this,[a,b]):0;try{` */
export function functionHead(ids: Ids, site: number, thisText: string, params: readonly string[]): string {
  const { module, init, probes: p, call: c } = ids;
  return `const ${p}=${module}||${init}(),${c}=${p}.on[${site}]?${p}.enter(${site},${thisText},[${params.join(',')}]):0;try{`;
}

/** Opens `P.ret(c,` around a returned value. */
export const retOpen = (ids: Ids): string => `${ids.probes}.ret(${ids.call},`;
/** Opens `P.resume(c,` around an `await`/`yield` expression. */
export const resumeOpen = (ids: Ids): string => `${ids.probes}.resume(${ids.call},`;
/** Opens `P.suspend(c,` around the operand of an `await`/`yield`. */
export const suspendOpen = (ids: Ids): string => `${ids.probes}.suspend(${ids.call},`;
/** A statement marking the call as running again (start of `catch`/`finally`, after `for await`). */
export const resumeStatement = (ids: Ids): string => `${ids.probes}.resume(${ids.call},void 0);`;
/** A statement marking the call as suspended (end of a `for await` iteration). */
export const suspendStatement = (ids: Ids): string => `${ids.probes}.suspend(${ids.call},void 0);`;

/**
 * Closes the `try` of {@link functionHead}: always pops the call and, with `captureThrows`, records a
 * throw. Without it a body that falls off its end records `ret(undefined)` first, so an exit without
 * `ret` means the call threw.
 */
export function functionTail(ids: Ids, captureThrows: boolean): string {
  const { probes: p, call: c, error: e } = ids;
  const exit = `finally{if(${c})${p}.exit(${c})}`;
  return captureThrows
    ? `}catch(${e}){if(${c})${p}.throw(${c},${e});throw ${e}}${exit}`
    : `;${retOpen(ids)}void 0)}${exit}`;
}

/** Past this size V8 reads a table faster from a JSON string than from an object literal. */
const JSON_PARSE_ABOVE = 10_000;

/** The site table as an expression (`g` is the global object). */
function sites(json: string): string {
  return json.length > JSON_PARSE_ABOVE ? `g.JSON.parse(${JSON.stringify(json)})` : json;
}

/** The first statement of the module: registers it at load. */
export function moduleHeader(ids: Ids): string {
  return `var ${ids.module}=${ids.init}();`;
}

/**
 * The hoisted function, on a line of its own after the last line, that finds the registry (or builds
 * the no-op fallback), registers the module once and returns its probes. `globalThis` is reached
 * through a fresh Function when the module declares a top-level binding of that name.
 */
export function moduleFooter(ids: Ids, file: string, sitesJson: string, globalShadowed: boolean): string {
  const { init: m, registered: r } = ids;
  const global = globalShadowed ? `(function(){}).constructor("return globalThis")()` : 'globalThis';
  const fallback =
    `{module:function(f,s){var n=function(){return 0},v=function(c,x){return x};` +
    `return{on:new g.Uint8Array(s.length),enter:n,ret:v,throw:n,exit:n,suspend:v,resume:v}}}`;
  return (
    `var ${r};function ${m}(){if(${r})return ${r};var g=${global},p=g[g.Symbol.for(${JSON.stringify(PROBES_KEY)})],` +
    `f=${fallback},s=${sites(sitesJson)};` +
    `try{${r}=(p&&typeof p.module==="function"?p:f).module(${JSON.stringify(file)},s)}catch(e){${r}=f.module("",s)}` +
    `return ${r}}`
  );
}

/**
 * The live edit behind trace points: given a script's source (as V8 holds it) and the lines to
 * trace, the same source with a probe inserted before the first statement of each line, on that
 * line, so that no line number and no stack trace changes. Each probe passes every variable in
 * scope there to the runtime (`runtime/tracePoints.ts`), plus `this`.
 *
 * Which variables: those of the probe's own function (locals, parameters, block variables), and of
 * enclosing functions and the module those that some inner function already references. The
 * others are not kept by V8 once their function returns (not context-allocated), and a probe that
 * read one would make V8 keep existing closures on the old code (see ../shared/TRACEPOINTS.md):
 * such a variable could not be read anyway.
 *
 * Temporal dead zone: a `let`/`const`/`class`/import binding that may not be initialised when the
 * line runs (declared later, in an enclosing function, in a `switch`) is read inside its own `try`,
 * and a read that throws passes the runtime's `tdz` marker instead of a value.
 *
 * Lines at the top level of a script (run once, and refused by V8 for ES modules) get no probe:
 * they are traced by a conditional breakpoint, whose condition this module also writes.
 */
import { parse } from '@babel/parser';
import type { ParseResult } from '@babel/parser';
import _traverse from '@babel/traverse';
import type { Binding, NodePath, Scope } from '@babel/traverse';
import type { File, Statement } from '@babel/types';
import { TRACE_POINTS_KEY } from '../runtime/tracePoints';

// @babel/traverse is CommonJS with a `default` export; bundlers and Node's ESM loader differ.
const traverse = ((_traverse as unknown as { default?: typeof _traverse }).default ??
  _traverse) as typeof _traverse;

/** The probes find the thread's trace-point runtime under the key the runtime registers it with. */
export const TRACE_POINTS_SYMBOL = TRACE_POINTS_KEY;

export interface TracePointRequest {
  id: number;
  /** 1-based line in the script's source. */
  line: number;
}

/** Where and how one trace point is inserted. */
export type PlannedTracePoint = {
  id: number;
  /** The line asked for. */
  line: number;
  /** The line of the statement the point is on (the next statement when none starts on `line`). */
  statementLine: number;
  /** 0-based column of that statement in the source. */
  column: number;
  /** Names of the variables recorded, `this` aside. */
  vars: string[];
  /** A breakpoint condition that records the same values and never pauses (the fallback). */
  condition: string;
} & (
  | { kind: 'probe' }
  /** Top-level code: only a breakpoint can trace it; `reason` says why, for the user. */
  | { kind: 'topLevel'; reason: string }
);

export type TracePointPlan =
  | {
      type: 'ok';
      /** The edited source; equal to the input when no point got a probe. */
      source: string;
      points: PlannedTracePoint[];
      /** Requests that have no statement on or after their line, with a sentence each. */
      missing: { id: number; line: number; reason: string }[];
    }
  | { type: 'unparsable'; reason: string };

interface Found {
  path: NodePath<Statement>;
  line: number;
}

/** Plans and writes the probes of `requests` into `source`. Never throws. */
export function planTracePoints(
  source: string,
  requests: readonly TracePointRequest[],
  options: { isModule: boolean },
): TracePointPlan {
  let ast: ParseResult<File>;
  try {
    ast = parse(source, {
      sourceType: options.isModule ? 'module' : 'script',
      allowReturnOutsideFunction: !options.isModule,
      allowNewTargetOutsideFunction: true,
      allowAwaitOutsideFunction: options.isModule,
      errorRecovery: false,
      attachComment: false,
    });
  } catch (error) {
    return { type: 'unparsable', reason: `The script cannot be parsed: ${(error as Error).message}.` };
  }
  try {
    return write(source, ast, requests, options.isModule);
  } catch (error) {
    return { type: 'unparsable', reason: `The trace points cannot be placed: ${(error as Error).message}.` };
  }
}

function write(
  source: string,
  ast: ParseResult<File>,
  requests: readonly TracePointRequest[],
  isModule: boolean,
): TracePointPlan {
  const statements = traceableStatements(ast);
  const names = freshNames(source);
  const hidden = instrumenterBindings(source);
  const insertions: { at: number; text: string; order: number }[] = [];
  const points: PlannedTracePoint[] = [];
  const missing: { id: number; line: number; reason: string }[] = [];
  for (const request of requests) {
    const found = statementAt(statements, request.line);
    if (!found) {
      missing.push({
        id: request.id,
        line: request.line,
        reason: `No statement starts on or after line ${request.line}.`,
      });
      continue;
    }
    const { path } = found;
    // The scope around the statement, not its own (a `for (let i…)` or a function declaration).
    const scope = path.parentPath!.scope;
    const start = path.node.start!;
    const column = path.node.loc!.start.column;
    const reads = variablesAt(scope, path.node.start!).filter((r) => !hidden(r.name));
    const self = thisAt(path);
    const condition = breakpointCondition(request.id, reads, self, names);
    const base = {
      id: request.id,
      line: request.line,
      statementLine: found.line,
      column,
      vars: reads.map((r) => r.name),
      condition,
    };
    if (!scope.getFunctionParent()) {
      const reason = isModule
        ? 'Top-level code of an ES module cannot be edited while it runs: traced by a conditional breakpoint (~100 µs a hit).'
        : 'Top-level code runs once: traced by a conditional breakpoint (~100 µs a hit).';
      points.push({ ...base, kind: 'topLevel', reason });
      continue;
    }
    const probe = probeText(request.id, reads, self, names);
    // A single statement as the body of if/for/while gets braces, so the probe runs only with it.
    const bare = path.key === 'body' || path.key === 'consequent' || path.key === 'alternate';
    if (bare && path.listKey === undefined) {
      insertions.push({ at: start, text: `{${probe}`, order: 0 });
      insertions.push({ at: path.node.end!, text: '}', order: 1 });
    } else {
      insertions.push({ at: start, text: probe, order: 0 });
    }
    points.push({ ...base, kind: 'probe' });
  }
  // From the end, so positions stay valid; at one position closing braces before new probes.
  insertions.sort((a, b) => b.at - a.at || a.order - b.order);
  let edited = source;
  for (const { at, text } of insertions) edited = edited.slice(0, at) + text + edited.slice(at);
  return { type: 'ok', source: edited, points, missing };
}

/** Every statement a probe can precede, in source order. */
function traceableStatements(ast: ParseResult<File>): Found[] {
  const found: Found[] = [];
  traverse(ast, {
    Statement(path) {
      const inList = path.listKey === 'body' || path.listKey === 'consequent';
      const bareBody =
        path.listKey === undefined &&
        (path.key === 'body' || path.key === 'consequent' || path.key === 'alternate') &&
        (path.parentPath?.isLoop() ||
          path.parentPath?.isIfStatement() ||
          path.parentPath?.isLabeledStatement());
      // A labelled statement's body keeps its label: the probe goes before the label instead.
      if (path.parentPath?.isLabeledStatement()) return;
      if ((inList || bareBody) && path.node.loc) found.push({ path, line: path.node.loc.start.line });
    },
  });
  return found.sort((a, b) => a.path.node.start! - b.path.node.start!);
}

/** The first statement starting on `line`, else the next one after it. */
function statementAt(statements: readonly Found[], line: number): Found | undefined {
  return statements.find((s) => s.line === line) ?? statements.find((s) => s.line > line);
}

interface Read {
  name: string;
  /**
   * Whether the variable is in its temporal dead zone when the line runs: 'no'; 'yes' (declared
   * further down in the same function: not read at all); 'maybe' (read inside its own `try`).
   */
  tdz: 'no' | 'maybe' | 'yes';
}

/**
 * The bindings the load-time instrumenter added (`var __cs=__csm()`, then `__csp`, `__csc`… in each
 * function): not the user's variables, so a trace point does not record them. The prefix is read
 * from the module header, since the instrumenter picks one the original source does not contain.
 */
function instrumenterBindings(source: string): (name: string) => boolean {
  const head = source.slice(0, 4096);
  const header = head.includes('/*cinescope:instrumented v') ? /var (__cs\d*)=\1m\(\);/.exec(head) : null;
  if (!header) return () => false;
  const base = header[1];
  return (name) =>
    name.startsWith(base) && name.length <= base.length + 1 && !/\d/.test(name.slice(base.length));
}

/** The variables a probe at `position` in `inner` reads, innermost scope first. */
function variablesAt(inner: Scope, position: number): Read[] {
  const reads: Read[] = [];
  const seen = new Set<string>();
  const probeFunction = functionOf(inner);
  for (let scope: Scope | undefined = inner; scope; scope = scope.parent) {
    const owner = functionOf(scope);
    for (const [name, binding] of Object.entries(scope.bindings)) {
      if (seen.has(name) || name === 'arguments') continue;
      seen.add(name);
      if (isCode(binding)) continue;
      const local = owner === probeFunction;
      if (!local && !capturedByInnerFunction(binding, owner)) continue;
      reads.push({ name, tdz: deadZone(binding, local, position) });
    }
  }
  return reads;
}

/**
 * Bindings that hold code or a module rather than the program's state: declared functions and
 * classes, imports, constants bound to a function, a class or `require(…)`. Recording them at every
 * hit would cost time (a module object is big) and show nothing that changes. (A class's name has
 * one more trap: inside the class V8 resolves it to the class's own binding, which it keeps only
 * when the class body uses it; a probe reading it would leave the methods on their old code.)
 */
function isCode(binding: Binding): boolean {
  if (binding.kind === 'hoisted' || binding.kind === 'module') return true;
  const declaration = binding.path;
  // Also the name of a function or class expression, bound inside it.
  if (declaration.isClass() || declaration.isFunctionExpression()) return true;
  if (!declaration.isVariableDeclarator() || !binding.constant) return false;
  let init = declaration.node.init;
  while (init && (init.type === 'MemberExpression' || init.type === 'AwaitExpression')) {
    init = init.type === 'MemberExpression' ? init.object : init.argument;
  }
  if (!init) return false;
  if (
    init.type === 'FunctionExpression' ||
    init.type === 'ArrowFunctionExpression' ||
    init.type === 'ClassExpression'
  ) {
    return true;
  }
  return (
    (init.type === 'CallExpression' && init.callee.type === 'Identifier' && init.callee.name === 'require') ||
    (init.type === 'CallExpression' && init.callee.type === 'Import')
  );
}

/** The function scope a scope belongs to; the program scope for top-level code. */
function functionOf(scope: Scope): Scope {
  return scope.getFunctionParent() ?? scope.getProgramParent();
}

/** Whether a function nested in `owner` references the binding: only then does V8 keep it. */
function capturedByInnerFunction(binding: Binding, owner: Scope): boolean {
  const uses: NodePath[] = [...binding.referencePaths, ...binding.constantViolations];
  return uses.some((use) => functionOf(use.scope) !== owner);
}

function deadZone(binding: Binding, local: boolean, position: number): Read['tdz'] {
  const lexical = binding.kind === 'let' || binding.kind === 'const' || binding.kind === 'module';
  const classBinding = binding.path.isClassDeclaration() || binding.path.isClassExpression();
  if (!lexical && !classBinding) return 'no';
  if (binding.kind === 'module' || !local) return 'maybe';
  const declaration = binding.path.isVariableDeclarator() ? binding.path.parentPath! : binding.path;
  const { start, end } = declaration.node;
  if (start == null || end == null) return 'maybe';
  // Further down in the same function: code only runs forward to it (a loop iteration or a
  // switch instance has its own bindings), so it is not initialised yet.
  if (start >= position) return 'yes';
  // Earlier in the same function: initialised, except when a switch jumped over it.
  return end <= position && !binding.scope.path.isSwitchStatement() ? 'no' : 'maybe';
}

type SelfRead = 'none' | 'plain' | 'guarded';

/** Whether `this` is worth recording at `path`, and whether it may be uninitialised (before `super()`). */
function thisAt(path: NodePath): SelfRead {
  const owner = path.findParent(
    (p) =>
      (p.isFunction() && !p.isArrowFunctionExpression()) ||
      p.isStaticBlock() ||
      p.isClassProperty() ||
      p.isClassPrivateProperty(),
  );
  if (!owner) return 'none';
  if (owner.isClassMethod() && owner.node.kind === 'constructor') {
    const classPath = owner.findParent((p) => p.isClass());
    if (classPath?.isClass() && classPath.node.superClass) return 'guarded';
  }
  return 'plain';
}

/** Names for the probe's own variables that no text of the source uses. */
function freshNames(source: string): { runtime: string; value: string } {
  let suffix = '';
  for (let n = 1; source.includes(`__cst${suffix}`); n++) suffix = String(n);
  return { runtime: `__cst${suffix}`, value: `__cst${suffix}v` };
}

function key(name: string): string {
  return JSON.stringify(name);
}

/** The probe inserted before a statement: one line, never throws, one flag read when off. */
function probeText(
  id: number,
  reads: readonly Read[],
  self: SelfRead,
  names: { runtime: string; value: string },
): string {
  const t = names.runtime;
  let setup = '';
  const fields: string[] = [];
  reads.forEach((read, i) => {
    if (read.tdz === 'no') fields.push(read.name);
    else if (read.tdz === 'yes') fields.push(`[${key(read.name)}]:${t}.tdz`);
    else {
      setup += `let ${names.value}${i};try{${names.value}${i}=${read.name}}catch{${names.value}${i}=${t}.tdz}`;
      fields.push(`[${key(read.name)}]:${names.value}${i}`);
    }
  });
  let selfArg = '';
  if (self === 'plain') selfArg = ',this';
  if (self === 'guarded') {
    setup += `let ${names.value}t;try{${names.value}t=this}catch{}`;
    selfArg = `,${names.value}t`;
  }
  const hit = reads.some((r) => r.tdz !== 'no') ? 'hitTdz' : 'hit';
  return (
    `try{const ${t}=globalThis[Symbol.for(${key(TRACE_POINTS_SYMBOL)})];` +
    `if(${t}.on[${id}]===1){${setup}${t}.${hit}(${id},{${fields.join(',')}}${selfArg})}}catch{}`
  );
}

/**
 * The condition of the fallback breakpoint: records through the runtime's `bp` and is false, so
 * the program never pauses. When the runtime is absent it is just false.
 */
function breakpointCondition(
  id: number,
  reads: readonly Read[],
  self: SelfRead,
  names: { runtime: string; value: string },
): string {
  const t = names.runtime;
  const v = names.value;
  let body = `const ${t}=globalThis[Symbol.for(${key(TRACE_POINTS_SYMBOL)})];if(!${t})return false;const ${v}={};`;
  // The debugger reads a variable in its dead zone as undefined (no throw): say 'tdz' where the
  // code tells; elsewhere the `try` catches what a debugger evaluation does throw.
  for (const read of reads) {
    const field = `${v}[${key(read.name)}]`;
    body += read.tdz === 'yes' ? `${field}=${t}.tdz;` : `try{${field}=${read.name}}catch{${field}=${t}.tdz}`;
  }
  let selfArg = '';
  if (self !== 'none') {
    body += `let ${v}t;try{${v}t=this}catch{}`;
    selfArg = `,${v}t`;
  }
  return `(()=>{try{${body}return ${t}.bp(${id},${v}${selfArg})}catch{return false}})()`;
}

/**
 * Handlers of the code inside a wrapped body: returns report their value, awaits and yields suspend
 * and resume, `catch`/`finally` of async functions and generators resume, `for await` loops suspend
 * and resume around their hidden awaits; plus the bookkeeping these need (labels, `with`, ASI).
 */
import type * as t from '@babel/types';
import { boundNames } from './siteTable';
import * as text from './snippets';
import type { Visitor } from './visitor';

/** Suspensions get probes here: a wrapped async function or generator, outside any `with`. */
const suspending = (v: Visitor) => v.fn.suspends && v.fn.withDepth === 0;

/**
 * `return x` → `return P.ret(c,x)`; `return;` → `return P.ret(c,void 0);`. In an async generator
 * `return x` awaits `x`: `return P.ret(c,P.suspend(c,x))` (what runs next is `finally` code, which
 * resumes, or the exit).
 */
export function visitReturn(v: Visitor, node: t.ReturnStatement): void {
  v.terminate(node);
  if (v.probing) {
    const ret = text.retOpen(v.ids);
    if (!node.argument) v.close(node.start! + 'return'.length, ` ${ret}void 0)`);
    else if (!v.fn.asyncGenerator) v.wrap(node.argument, ret);
    else {
      v.close(node.argument.end!, ')');
      v.open(node.argument.start!, ret);
      v.wrap(node.argument, text.suspendOpen(v.ids));
    }
  }
  v.children(node);
}

/** `await x` → `P.resume(c,await P.suspend(c,x))`, and the same for `yield`, `yield*`. */
export function visitSuspension(v: Visitor, node: t.AwaitExpression | t.YieldExpression): void {
  if (suspending(v)) {
    v.close(node.end!, ')');
    v.open(node.start!, text.resumeOpen(v.ids));
    if (node.argument) v.wrap(node.argument, text.suspendOpen(v.ids));
    else v.close(node.end!, ` ${text.suspendOpen(v.ids)}void 0)`);
  }
  v.children(node);
}

/** A rejected await or `generator.throw()` lands in a catch or finally without `resume`: mark it there. */
export function visitTry(v: Visitor, node: t.TryStatement): void {
  if (suspending(v)) {
    if (node.handler) v.open(node.handler.body.start! + 1, text.resumeStatement(v.ids));
    if (node.finalizer) v.open(node.finalizer.start! + 1, text.resumeStatement(v.ids));
  }
  v.children(node);
}

/**
 * `for await (x of it) body` awaits without an `await` expression, so:
 * `{for await (x of P.suspend(c,it)) {P.resume(c);try{body}finally{P.suspend(c)}};P.resume(c)}`
 * (the block goes around the loop's labels, if any).
 */
export function visitForOf(v: Visitor, node: t.ForOfStatement, parent: t.Node | null): void {
  if (node.await && suspending(v)) {
    const start = parent?.type === 'LabeledStatement' ? v.labelStart : node.start!;
    v.close(node.end!, `;${text.resumeStatement(v.ids)}}`);
    v.open(start, '{');
    v.wrap(node.right, text.suspendOpen(v.ids));
    v.close(node.body.end!, `}finally{${text.suspendStatement(v.ids)}}}`);
    v.open(node.body.start!, `{${text.resumeStatement(v.ids)}try{`);
  }
  v.children(node);
}

export function visitLabeled(v: Visitor, node: t.LabeledStatement, parent: t.Node | null): void {
  const outer = v.labelStart;
  v.labelStart = parent?.type === 'LabeledStatement' ? outer : node.start!;
  v.visit(node.body, node, 'body');
  v.labelStart = outer;
}

export function visitWith(v: Visitor, node: t.WithStatement): void {
  v.visit(node.object, node, 'object');
  v.fn.withDepth++;
  v.visit(node.body, node, 'body');
  v.fn.withDepth--;
}

export function visitVariables(
  v: Visitor,
  node: t.VariableDeclaration,
  parent: t.Node | null,
  key: string,
): void {
  const inForHead = (key === 'init' && parent?.type === 'ForStatement') || key === 'left';
  if (!inForHead) v.terminate(node);
  if (v.fn === v.program && (node.kind === 'var' || parent?.type === 'Program')) {
    for (const declarator of node.declarations)
      for (const n of boundNames([declarator.id])) v.topLevelNames.add(n);
  }
  v.children(node);
}

export function visitImport(v: Visitor, node: t.ImportDeclaration): void {
  for (const specifier of node.specifiers) v.topLevelNames.add(specifier.local.name);
}

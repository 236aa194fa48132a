/**
 * When wrapping a function body in `try { … }` would change what it means.
 *
 * At the top level of a function body (or class static block), function declarations are var-scoped;
 * inside a block they are lexical. So moving a body into a `try` block is an early SyntaxError when a
 * top-level function's name is also declared by `var` anywhere in the body, or declared twice (an
 * error in strict code, and for async functions and generators); and it changes which binding
 * `arguments[i]` aliases when a top-level function shares a parameter's name, or where a direct
 * `eval('var …')` may declare a var of the same name. Such functions are left uninstrumented (rare:
 * mostly hand-written oddities); everything else keeps its meaning inside the block.
 */
import type * as t from '@babel/types';
import { boundNames } from './siteTable';

/** Top-level function declarations of a body (looking through labels: `l: function f() {}`). */
function topLevelFunctions(body: readonly t.Statement[]): string[] {
  const names: string[] = [];
  for (let statement of body) {
    while (statement.type === 'LabeledStatement') statement = statement.body;
    if (statement.type === 'FunctionDeclaration' && statement.id) names.push(statement.id.name);
  }
  return names;
}

/** Adds the names every `var` in these statements declares (not looking into nested functions). */
function varNames(statement: t.Statement | null | undefined, out: Set<string>): void {
  if (!statement) return;
  switch (statement.type) {
    case 'VariableDeclaration':
      if (statement.kind === 'var') {
        for (const declarator of statement.declarations)
          for (const n of boundNames([declarator.id])) out.add(n);
      }
      return;
    case 'BlockStatement':
      for (const s of statement.body) varNames(s, out);
      return;
    case 'IfStatement':
      varNames(statement.consequent, out);
      varNames(statement.alternate, out);
      return;
    case 'ForStatement':
      if (statement.init?.type === 'VariableDeclaration') varNames(statement.init, out);
      varNames(statement.body, out);
      return;
    case 'ForInStatement':
    case 'ForOfStatement':
      if (statement.left.type === 'VariableDeclaration') varNames(statement.left, out);
      varNames(statement.body, out);
      return;
    case 'WhileStatement':
    case 'DoWhileStatement':
    case 'LabeledStatement':
    case 'WithStatement':
      varNames(statement.body, out);
      return;
    case 'TryStatement':
      varNames(statement.block, out);
      varNames(statement.handler?.body, out);
      varNames(statement.finalizer, out);
      return;
    case 'SwitchStatement':
      for (const c of statement.cases) for (const s of c.consequent) varNames(s, out);
      return;
  }
}

/**
 * Why this body cannot be wrapped in a block without changing its meaning, or null when it can.
 * `source` is the whole file (for the cheap test of a direct `eval`).
 */
export function wrapConflict(
  body: readonly t.Statement[],
  params: readonly string[],
  bodyRange: { start: number; end: number },
  source: string,
): string | null {
  const functions = topLevelFunctions(body);
  if (functions.length === 0) return null;
  const seen = new Set<string>();
  for (const name of functions) {
    if (seen.has(name)) return `it declares function '${name}' twice`;
    seen.add(name);
    if (params.includes(name)) return `its function '${name}' has the name of a parameter`;
  }
  const vars = new Set<string>();
  for (const statement of body) varNames(statement, vars);
  for (const name of functions) {
    if (vars.has(name)) return `it declares '${name}' both as a function and as a var`;
  }
  // A direct eval could declare a var named like one of the functions: be safe if one may exist.
  if (/\beval\s*\(/.test(source.slice(bodyRange.start, bodyRange.end))) {
    return 'it calls eval and declares functions';
  }
  return null;
}

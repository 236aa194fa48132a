/**
 * Handlers of the function-like nodes and classes: each function body is wrapped (head, try, tail)
 * and gets a site; a class gets a site and gives its members their class name.
 */
import type * as t from '@babel/types';
import { wrapConflict } from './bodyCheck';
import { inferredName, methodName } from './names';
import type { Site, SiteKind } from './probeApi';
import { arityOf, boundNames } from './siteTable';
import * as text from './snippets';
import { notWrapped } from './context';
import type { FunctionContext } from './context';
import type { Visitor } from './visitor';

type FunctionNode =
  | t.FunctionDeclaration
  | t.FunctionExpression
  | t.ArrowFunctionExpression
  | t.ObjectMethod
  | t.ClassMethod
  | t.ClassPrivateMethod;

type SiteFields = Omit<Site, 'index' | 'line' | 'column'>;

/** A block body: its statements, where the head and tail go, whether the head follows a directive. */
interface BlockBody {
  statements: readonly t.Statement[];
  head: number;
  afterDirective: boolean;
  tail: number;
  range: t.Node;
}

/** Start of an expression including its outermost parentheses. */
function outerStart(node: t.Node): number {
  const extra = node.extra as { parenthesized?: boolean; parenStart?: number } | undefined;
  return extra?.parenthesized && extra.parenStart !== undefined ? extra.parenStart : node.start!;
}

/** Adds a site and inserts the head and tail of a wrapped body; returns the body's context. */
function wrapBody(
  v: Visitor,
  node: t.Node,
  site: SiteFields,
  body: BlockBody | t.Expression,
  thisUnsafe: boolean,
): FunctionContext {
  const statements = 'statements' in body ? body.statements : [];
  const range = 'statements' in body ? body.range : body;
  const conflict =
    v.fn.withDepth > 0
      ? 'it is written inside a with statement'
      : wrapConflict(statements, site.params, { start: range.start!, end: range.end! }, v.source);
  if (conflict) {
    v.warn(node, site.name, conflict);
    return notWrapped(thisUnsafe, v.fn.withDepth > 0 ? 1 : 0);
  }
  const { line, column } = node.loc!.start;
  const index = v.sites.add({ ...site, line, column });
  const head = text.functionHead(v.ids, index, thisUnsafe ? 'void 0' : 'this', site.params);
  const tail = text.functionTail(v.ids, v.captureThrows);
  if ('statements' in body) {
    const opening = body.afterDirective ? `;${head}` : head;
    // An empty body: head and tail at one index, where closings would come first.
    if (body.head === body.tail) v.open(body.head, opening + tail);
    else {
      v.close(body.tail, tail);
      v.open(body.head, opening);
    }
  } else {
    // Expression body of an arrow: becomes a block that returns it.
    v.close(node.end!, `)${tail}}`);
    v.open(outerStart(body), `{${head}return ${text.retOpen(v.ids)}`);
  }
  const { async, generator } = site;
  return {
    wrapped: true,
    suspends: async || generator,
    asyncGenerator: async && generator,
    thisUnsafe,
    withDepth: 0,
  };
}

/** Every form of function: declarations, expressions, arrows, object and class methods. */
export function visitFunction(v: Visitor, node: FunctionNode, parent: t.Node | null, key: string): void {
  const isMethod =
    node.type === 'ObjectMethod' || node.type === 'ClassMethod' || node.type === 'ClassPrivateMethod';
  // A computed key is evaluated by the enclosing code.
  if (isMethod && node.type !== 'ClassPrivateMethod' && node.computed) v.visit(node.key, node, 'key');
  if (node.type === 'FunctionDeclaration' && node.id && v.fn === v.program) v.topLevelNames.add(node.id.name);
  const className = v.cls?.name ?? '';
  let kind: SiteKind;
  let name: string;
  if (isMethod) {
    kind = ({ method: 'method', get: 'getter', set: 'setter', constructor: 'constructor' } as const)[
      node.kind
    ];
    name = methodName(node, className, v.source);
  } else {
    kind = node.type === 'ArrowFunctionExpression' ? 'arrow' : 'function';
    name =
      node.type !== 'ArrowFunctionExpression' && node.id ? node.id.name : inferredName(parent, key, v.source);
  }
  const derivedConstructor = node.type === 'ClassMethod' && node.kind === 'constructor' && !!v.cls?.derived;
  const thisUnsafe = node.type === 'ArrowFunctionExpression' ? v.fn.thisUnsafe : derivedConstructor;
  // Class members, and arrows or functions that are the value of a class field.
  const member =
    node.type === 'ClassMethod' || node.type === 'ClassPrivateMethod'
      ? node
      : key === 'value' && (parent?.type === 'ClassProperty' || parent?.type === 'ClassPrivateProperty')
        ? parent
        : null;
  const site: SiteFields = {
    kind,
    name,
    arity: arityOf(node.params),
    params: boundNames(node.params),
    async: !!node.async,
    generator: !!node.generator,
    static: !!member?.static,
    ...(member ? { className } : {}),
    ...(member && v.cls?.stateMarked ? { stateMarked: true as const } : {}),
  };
  const body = node.body;
  let block: BlockBody | t.Expression = body as t.Expression;
  if (body.type === 'BlockStatement') {
    const directives = body.directives;
    const afterDirective = directives.length > 0;
    const head = afterDirective ? directives[directives.length - 1].end! : body.start! + 1;
    block = { statements: body.body, head, afterDirective, tail: body.end! - 1, range: body };
  }
  const context = wrapBody(v, node, site, block, thisUnsafe);
  const outer = v.fn;
  const outerClass = v.cls;
  v.fn = context;
  if (node.type !== 'ArrowFunctionExpression') v.cls = null;
  for (const param of node.params) v.visit(param, node, 'params');
  v.visit(body, node, 'body');
  v.fn = outer;
  v.cls = outerClass;
}

export function visitClass(v: Visitor, node: t.Class, parent: t.Node | null, key: string): void {
  const name = node.id ? node.id.name : inferredName(parent, key, v.source);
  const ctor = node.body.body.find(
    (member): member is t.ClassMethod => member.type === 'ClassMethod' && member.kind === 'constructor',
  );
  const { line, column } = node.loc!.start;
  const arity = ctor ? arityOf(ctor.params) : 0;
  const stateMarked = v.stateMarkers.marks(node.start!);
  v.sites.add({
    kind: 'class',
    name,
    line,
    column,
    arity,
    params: [],
    async: false,
    generator: false,
    static: false,
    ...(stateMarked ? { stateMarked: true as const } : {}),
  });
  if (node.type === 'ClassDeclaration' && node.id && v.fn === v.program) v.topLevelNames.add(node.id.name);
  // The heritage and computed keys belong to the enclosing code.
  if (node.superClass) v.visit(node.superClass, node, 'superClass');
  const outerClass = v.cls;
  v.cls = { name, derived: !!node.superClass, stateMarked };
  for (const member of node.body.body) v.visit(member, node.body, 'body');
  v.cls = outerClass;
}

/** Class fields: the key belongs to the enclosing code, the initializer is code of its own (not traced). */
export function visitField(
  v: Visitor,
  node: t.ClassProperty | t.ClassPrivateProperty | t.ClassAccessorProperty,
): void {
  if (node.type !== 'ClassPrivateProperty' && node.computed) v.visit(node.key, node, 'key');
  if (!node.value) return;
  const outer = v.fn;
  v.fn = notWrapped(false, v.fn.withDepth > 0 ? 1 : 0);
  v.visit(node.value, node, 'value');
  v.fn = outer;
}

export function visitStaticBlock(v: Visitor, node: t.StaticBlock): void {
  const open = skipTrivia(v.source, node.start! + 'static'.length);
  const body = {
    statements: node.body,
    head: open + 1,
    afterDirective: false,
    tail: node.end! - 1,
    range: node,
  };
  const site: SiteFields = {
    kind: 'staticBlock',
    name: 'static',
    arity: 0,
    params: [],
    async: false,
    generator: false,
    static: true,
    className: v.cls?.name ?? '',
    ...(v.cls?.stateMarked ? { stateMarked: true as const } : {}),
  };
  const outer = v.fn;
  v.fn = wrapBody(v, node, site, body, false);
  for (const statement of node.body) v.visit(statement, node, 'body');
  v.fn = outer;
}

/** Skips whitespace and comments from `index`; returns the index of the next token. */
function skipTrivia(source: string, index: number): number {
  for (;;) {
    const ch = source.charCodeAt(index);
    if (ch === 47 /* / */ && source.charCodeAt(index + 1) === 42 /* * */) {
      index = source.indexOf('*/', index + 2) + 2;
    } else if (ch === 47 && source.charCodeAt(index + 1) === 47) {
      const newline = source.slice(index).search(/[\n\r\u2028\u2029]/);
      index = newline < 0 ? source.length : index + newline;
    } else if (/\s/.test(source[index] ?? '')) {
      index++;
    } else {
      return index;
    }
  }
}

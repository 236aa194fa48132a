/**
 * Walks a Babel AST and splices probes into the source. A table maps node types to handlers (as in
 * istanbul-lib-instrument: `functions.ts`, `statements.ts`); every other node is walked generically.
 * Edits are insertions only:
 *
 * - text that opens something (a function head, `P.ret(c,`) goes to the right of its index with
 *   `appendRight`, text that closes something (`)`, a function tail) to the left with `prependLeft`;
 * - the walk is pre-order, so at one index openings come outer first and closings inner first, and
 *   closings always come before openings: the nesting of the inserted text is always right.
 */
import type * as t from '@babel/types';
import type MagicString from 'magic-string';
import { visitClass, visitField, visitFunction, visitStaticBlock } from './functions';
import { SiteTable } from './siteTable';
import type { StateMarkers } from './stateMarker';
import type { Insertion } from './sourceMap';
import { VISITOR_KEYS } from './visitorKeys';
import type { Ids } from './snippets';
import type { ClassContext, FunctionContext } from './context';
import { notWrapped } from './context';
import * as s from './statements';

type Handler = (v: Visitor, node: t.Node, parent: t.Node | null, key: string) => void;

const SKIP_KEYS = new Set(['type', 'start', 'end', 'loc', 'range', 'extra']);
const SEMICOLON = 59;

function isNode(value: unknown): value is t.Node {
  return typeof value === 'object' && value !== null && typeof (value as t.Node).type === 'string';
}

export class Visitor {
  readonly sites = new SiteTable();
  readonly warnings: string[] = [];
  /** Names bound at the module's top level (to tell whether `globalThis` is shadowed). */
  readonly topLevelNames = new Set<string>();
  /** The module's top level. */
  readonly program: FunctionContext = notWrapped(false, 0);
  fn: FunctionContext = this.program;
  cls: ClassContext | null = null;
  /** Start of the outermost of a chain of labels, for the statement they label. */
  labelStart = -1;
  /** Every insertion so far (for the source map). */
  readonly insertions: Insertion[] = [];

  constructor(
    readonly source: string,
    readonly ms: MagicString,
    readonly ids: Ids,
    readonly filename: string,
    readonly captureThrows: boolean,
    readonly stateMarkers: StateMarkers,
  ) {}

  visit(node: t.Node, parent: t.Node | null, key: string): void {
    const handler = HANDLERS[node.type];
    if (handler) handler(this, node, parent, key);
    else this.children(node);
  }

  children(node: t.Node): void {
    const record = node as unknown as Record<string, unknown>;
    const keys = VISITOR_KEYS[node.type] ?? Object.keys(record).filter((key) => !SKIP_KEYS.has(key));
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const value = record[key];
      if (typeof value !== 'object' || value === null) continue;
      if (Array.isArray(value)) {
        for (let j = 0; j < value.length; j++) if (isNode(value[j])) this.visit(value[j], node, key);
      } else if (isNode(value)) {
        this.visit(value, node, key);
      }
    }
  }

  /** Whether `return`/`await`/`yield` here get probes. */
  get probing(): boolean {
    return this.fn.wrapped && this.fn.withDepth === 0;
  }

  /**
   * Inserts text that opens something at `index`. Minified code writes `return(x)`, `await(x)`,
   * `yield!0`: text starting with a name must not fuse with a keyword or name just before it.
   */
  open(index: number, content: string): void {
    if (isNameChar(content.charCodeAt(0)) && index > 0 && isNameChar(this.source.charCodeAt(index - 1))) {
      content = ` ${content}`;
    }
    this.ms.appendRight(index, content);
    this.insertions.push({ index, length: content.length });
  }

  /** Inserts text that closes something at `index`. */
  close(index: number, content: string): void {
    this.ms.prependLeft(index, content);
    this.insertions.push({ index, length: content.length });
  }

  /** Wraps an expression in `open … )`, adding parentheses around a comma expression. */
  wrap(expression: t.Node, open: string): void {
    const sequence = expression.type === 'SequenceExpression';
    this.close(expression.end!, sequence ? '))' : ')');
    this.open(expression.start!, sequence ? `${open}(` : open);
  }

  /**
   * Inside a wrapped function, ends a statement that relied on ASI with `;`: inserted text may end
   * it with `)`, which a following line starting with `(` or `[` would call or index.
   */
  terminate(node: t.Node): void {
    if (this.probing && this.source.charCodeAt(node.end! - 1) !== SEMICOLON) this.close(node.end!, ';');
  }

  warn(node: t.Node, name: string, reason: string): void {
    const { line, column } = node.loc!.start;
    const what = name ? `function '${name}'` : 'a function';
    this.warnings.push(`${this.filename}:${line}:${column + 1}: ${what} is not traced: ${reason}`);
  }
}

const terminated: Handler = (v, n) => {
  v.terminate(n);
  v.children(n);
};

const HANDLERS: Partial<Record<string, Handler>> = {
  FunctionDeclaration: (v, n, p, k) => visitFunction(v, n as t.FunctionDeclaration, p, k),
  FunctionExpression: (v, n, p, k) => visitFunction(v, n as t.FunctionExpression, p, k),
  ArrowFunctionExpression: (v, n, p, k) => visitFunction(v, n as t.ArrowFunctionExpression, p, k),
  ObjectMethod: (v, n, p, k) => visitFunction(v, n as t.ObjectMethod, p, k),
  ClassMethod: (v, n, p, k) => visitFunction(v, n as t.ClassMethod, p, k),
  ClassPrivateMethod: (v, n, p, k) => visitFunction(v, n as t.ClassPrivateMethod, p, k),
  ClassDeclaration: (v, n, p, k) => visitClass(v, n as t.ClassDeclaration, p, k),
  ClassExpression: (v, n, p, k) => visitClass(v, n as t.ClassExpression, p, k),
  ClassProperty: (v, n) => visitField(v, n as t.ClassProperty),
  ClassPrivateProperty: (v, n) => visitField(v, n as t.ClassPrivateProperty),
  ClassAccessorProperty: (v, n) => visitField(v, n as t.ClassAccessorProperty),
  StaticBlock: (v, n) => visitStaticBlock(v, n as t.StaticBlock),
  ReturnStatement: (v, n) => s.visitReturn(v, n as t.ReturnStatement),
  AwaitExpression: (v, n) => s.visitSuspension(v, n as t.AwaitExpression),
  YieldExpression: (v, n) => s.visitSuspension(v, n as t.YieldExpression),
  TryStatement: (v, n) => s.visitTry(v, n as t.TryStatement),
  ForOfStatement: (v, n, p) => s.visitForOf(v, n as t.ForOfStatement, p),
  LabeledStatement: (v, n, p) => s.visitLabeled(v, n as t.LabeledStatement, p),
  WithStatement: (v, n) => s.visitWith(v, n as t.WithStatement),
  VariableDeclaration: (v, n, p, k) => s.visitVariables(v, n as t.VariableDeclaration, p, k),
  ImportDeclaration: (v, n) => s.visitImport(v, n as t.ImportDeclaration),
  ExpressionStatement: terminated,
  ThrowStatement: terminated,
};

/** True for characters that can continue an identifier or keyword (ASCII, `$`, `_`, and any non-ASCII). */
function isNameChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 36 ||
    code === 95 ||
    code > 127
  );
}

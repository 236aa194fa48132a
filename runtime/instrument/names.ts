/**
 * Names of functions and classes as a reader would call them: the declared name, else the name the
 * language infers (`const f = () => …`, `{ f: function () {} }`, `f = class {}`), else the target an
 * engine's stack traces would show (`a.b = function () {}` → `a.b`).
 */
import type * as t from '@babel/types';

const MAX_TEXT = 60;

/** Source text of a node, whitespace collapsed and cut to a readable length. */
function textOf(node: t.Node, source: string): string {
  const text = source.slice(node.start ?? 0, node.end ?? 0).replace(/\s+/g, ' ');
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

/** The name of a property or method key: `x`, `#x`, `'a b'` → `a b`, `[Symbol.iterator]`. */
export function keyName(key: t.Node, computed: boolean, source: string): string {
  if (!computed) {
    switch (key.type) {
      case 'Identifier':
        return key.name;
      case 'PrivateName':
        return `#${key.id.name}`;
      case 'StringLiteral':
        return key.value;
      case 'NumericLiteral':
        return String(key.value);
      case 'BigIntLiteral':
        return key.value;
    }
  }
  if (key.type === 'StringLiteral') return key.value;
  return `[${textOf(key, source)}]`;
}

/** `a.b.c`, `this.x`, `a[0]` (as written) for an assignment target. */
function targetName(node: t.Node, source: string): string {
  if (node.type === 'Identifier') return node.name;
  if (node.type === 'ThisExpression') return 'this';
  if (node.type === 'MemberExpression' && !node.computed) {
    const object = targetName(node.object, source);
    return `${object}.${keyName(node.property, false, source)}`;
  }
  return textOf(node, source);
}

/**
 * The name an anonymous function or class expression gets from where it stands (`parent[key]`),
 * or '' when it stands somewhere nameless (an argument, an array element…).
 */
export function inferredName(parent: t.Node | null, key: string, source: string): string {
  if (!parent) return '';
  switch (parent.type) {
    case 'VariableDeclarator':
      return key === 'init' && parent.id.type === 'Identifier' ? parent.id.name : '';
    case 'AssignmentExpression':
      return key === 'right' ? targetName(parent.left, source) : '';
    case 'AssignmentPattern':
      return key === 'right' && parent.left.type === 'Identifier' ? parent.left.name : '';
    case 'ObjectProperty':
      return key === 'value' ? keyName(parent.key, parent.computed, source) : '';
    case 'ClassProperty':
    case 'ClassAccessorProperty':
      return key === 'value' ? keyName(parent.key, parent.computed, source) : '';
    case 'ClassPrivateProperty':
      return key === 'value' ? keyName(parent.key, false, source) : '';
    case 'ExportDefaultDeclaration':
      return 'default';
    default:
      return '';
  }
}

/** The site name of an object or class method: `m`, `get x`, `set x`, `#p`, `[Symbol.iterator]`. */
export function methodName(
  node: t.ObjectMethod | t.ClassMethod | t.ClassPrivateMethod,
  className: string,
  source: string,
): string {
  if (node.kind === 'constructor') return className || 'constructor';
  const key = keyName(node.key, node.type !== 'ClassPrivateMethod' && node.computed, source);
  if (node.kind === 'get') return `get ${key}`;
  if (node.kind === 'set') return `set ${key}`;
  return key;
}

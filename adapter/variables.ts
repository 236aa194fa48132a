/**
 * Variables for the client: scopes and objects become `variablesReference` handles that expand
 * lazily through Runtime.getProperties. Handles live until the thread resumes (CDP's object ids of
 * a pause are released then).
 */
import type Protocol from 'devtools-protocol';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DebugThread } from './thread';

type Reference =
  | { type: 'object'; thread: DebugThread; objectId: string }
  | {
      type: 'scope';
      thread: DebugThread;
      /** More than one when a function scope shows its instrumentation wrapper's block too (wrapperScopes.ts). */
      objectIds: string[];
      self: Protocol.Runtime.RemoteObject | undefined;
    };

const MAX_PROPERTIES = 1000;
/**
 * The variables load-time instrumentation adds to traced functions (runtime/instrument/probeApi.ts:
 * `__cs`, `__csp`, `__csc`, `__cse`, `__csr`, `__csm`, numbered when the file uses the name), hidden
 * from scopes so that the user sees their own.
 */
export const PROBE_NAMES = /^__cs\d*[ceprm]?$/;

export class VariableStore {
  private readonly refs = new Map<number, Reference>();
  private next = 1;

  /** A handle for a scope's objects; `self` is the frame's `this`, listed first in the innermost scope. */
  scope(thread: DebugThread, objectIds: string[], self?: Protocol.Runtime.RemoteObject): number {
    return this.add({ type: 'scope', thread, objectIds: objectIds.filter(Boolean), self });
  }

  /** Drops the handles of a thread that resumed. */
  release(thread: DebugThread): void {
    for (const [id, ref] of this.refs) if (ref.thread === thread) this.refs.delete(id);
  }

  /** The variables of a handle; an unknown handle (the thread resumed) gives none. */
  async variables(reference: number): Promise<DebugProtocol.Variable[]> {
    const ref = this.refs.get(reference);
    if (!ref) return [];
    const objectIds = ref.type === 'scope' ? ref.objectIds : [ref.objectId];
    const result: Protocol.Runtime.PropertyDescriptor[] = [];
    let internalProperties: Protocol.Runtime.InternalPropertyDescriptor[] | undefined;
    for (const objectId of objectIds.filter(Boolean)) {
      const properties = await ref.thread.cdp.Runtime.getProperties({
        objectId,
        ownProperties: true,
        generatePreview: true,
      });
      result.push(...properties.result);
      internalProperties = properties.internalProperties;
    }
    const variables: DebugProtocol.Variable[] = [];
    if (ref.type === 'scope' && ref.self && ref.self.type !== 'undefined') {
      variables.push(this.variable(ref.thread, 'this', ref.self));
    }
    for (const property of result.slice(0, MAX_PROPERTIES)) {
      if (ref.type === 'scope' && PROBE_NAMES.test(property.name)) continue;
      if (property.value) variables.push(this.variable(ref.thread, property.name, property.value));
      else if (property.get && property.get.type !== 'undefined') {
        variables.push({ name: property.name, value: '(getter)', variablesReference: 0 });
      }
    }
    if (ref.type === 'object') {
      for (const internal of internalProperties ?? []) {
        if (internal.value) variables.push(this.variable(ref.thread, internal.name, internal.value));
      }
    }
    return variables;
  }

  /** A DAP variable for a CDP value; objects get a handle. */
  variable(thread: DebugThread, name: string, value: Protocol.Runtime.RemoteObject): DebugProtocol.Variable {
    return {
      name,
      value: describe(value),
      type: value.subtype ?? value.type,
      variablesReference: this.reference(thread, value),
    };
  }

  /** A handle for an object value, 0 for primitives. */
  reference(thread: DebugThread, value: Protocol.Runtime.RemoteObject): number {
    if (!value.objectId || value.subtype === 'null') return 0;
    return this.add({ type: 'object', thread, objectId: value.objectId });
  }

  private add(ref: Reference): number {
    const id = this.next++;
    this.refs.set(id, ref);
    return id;
  }
}

/** How a value reads in the Variables view and the Debug Console. */
export function describe(value: Protocol.Runtime.RemoteObject): string {
  switch (value.type) {
    case 'undefined':
      return 'undefined';
    case 'string':
      return JSON.stringify(value.value);
    case 'number':
    case 'boolean':
      return value.unserializableValue ?? String(value.value);
    case 'bigint':
      return value.unserializableValue ?? `${value.description}n`;
    case 'symbol':
      return value.description ?? 'Symbol()';
    case 'function':
      return `ƒ ${functionName(value.description ?? '')}`;
    default:
      if (value.subtype === 'null') return 'null';
      if (value.preview) return previewText(value.preview, value.description);
      return value.description ?? value.className ?? 'Object';
  }
}

/** `{low: 1, high: 3}`, `(2) ['a', 'b']`: an object's first properties, as a console shows them. */
function previewText(preview: Protocol.Runtime.ObjectPreview, description: string | undefined): string {
  const value = (p: Protocol.Runtime.PropertyPreview) =>
    p.type === 'string' ? `'${p.value ?? ''}'` : p.type === 'function' ? 'ƒ' : (p.value ?? p.type);
  const more = preview.overflow ? ', …' : '';
  if (preview.subtype === 'array' || preview.subtype === 'typedarray') {
    const items = preview.properties.filter((p) => /^\d+$/.test(p.name)).map(value);
    return `${description ?? ''} [${items.join(', ')}${more}]`.trim();
  }
  if (
    preview.type !== 'object' ||
    (preview.subtype && preview.subtype !== 'map' && preview.subtype !== 'set')
  ) {
    return description ?? preview.description ?? 'Object';
  }
  const entries = preview.entries
    ? preview.entries.map(
        (e) =>
          (e.key ? `${previewText(e.key, e.key.description)} => ` : '') +
          previewText(e.value, e.value.description),
      )
    : preview.properties.map((p) => `${p.name}: ${value(p)}`);
  const name = description && description !== 'Object' ? `${description} ` : '';
  return `${name}{${entries.join(', ')}${more}}`;
}

function functionName(description: string): string {
  const match = /^(?:async\s+)?(?:function\s*\*?\s*([\w$]*)|class\s+([\w$]+))/.exec(description);
  const name = match?.[1] || match?.[2];
  return name ? `${name}()` : '(anonymous)';
}

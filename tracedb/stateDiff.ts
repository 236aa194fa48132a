/**
 * Structural diffs of object snapshots, in the JSON form of the value encoding
 * (docs/value-encoding.md): what a method call changed in its object, path by path.
 */
import type { JsonValue } from './valueJson';

/** One change: where, how, and the values before and after (absent for added/removed). */
export interface StateChange {
  path: string;
  op: 'added' | 'removed' | 'changed';
  old?: JsonValue;
  new?: JsonValue;
}

type JsonObject = { [key: string]: JsonValue };

/** The changes from `before` to `after`; class instances are compared by their own properties. */
export function diffStates(before: JsonValue, after: JsonValue, path = ''): StateChange[] {
  const a = fields(before);
  const b = fields(after);
  if (a && b) {
    const changes: StateChange[] = [];
    for (const key of Object.keys(a)) {
      const at = join(path, key);
      if (!(key in b)) changes.push({ path: at, op: 'removed', old: a[key] });
      else changes.push(...diffStates(a[key], b[key], at));
    }
    for (const key of Object.keys(b))
      if (!(key in a)) changes.push({ path: join(path, key), op: 'added', new: b[key] });
    return changes;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const changes: StateChange[] = [];
    const common = Math.min(before.length, after.length);
    for (let i = 0; i < common; i++) changes.push(...diffStates(before[i], after[i], `${path}[${i}]`));
    for (let i = common; i < before.length; i++)
      changes.push({ path: `${path}[${i}]`, op: 'removed', old: before[i] });
    for (let i = common; i < after.length; i++)
      changes.push({ path: `${path}[${i}]`, op: 'added', new: after[i] });
    return changes;
  }
  return JSON.stringify(before) === JSON.stringify(after)
    ? []
    : [{ path: path || '.', op: 'changed', old: before, new: after }];
}

/** The properties to compare: a plain object's own, or a class instance's `props` (same class). */
function fields(value: JsonValue): JsonObject | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  if (!('$' in value)) return value;
  if (
    value.$ === 'instance' &&
    typeof value.props === 'object' &&
    value.props !== null &&
    !Array.isArray(value.props)
  ) {
    return value.props as JsonObject;
  }
  return undefined;
}

function join(path: string, key: string): string {
  const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
  if (!path) return name.startsWith('"') ? `[${name}]` : name;
  return name.startsWith('"') ? `${path}[${name}]` : `${path}.${name}`;
}

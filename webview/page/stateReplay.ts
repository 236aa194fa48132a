/**
 * An object's state rebuilt from its recorded changes, path by path (`balance`, `history[2]`,
 * `owner.name`, `["a b"]`), in the JSON value encoding: a change below a class instance goes into
 * its `props`.
 */
import type { StateChangeRow } from '../protocol';

type Container = Record<string, unknown> | unknown[];

const SEGMENT = /([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;

/** The keys and indexes of a path, or undefined for one this reader does not understand. */
export function pathSegments(path: string): Array<string | number> | undefined {
  const out: Array<string | number> = [];
  let at = 0;
  for (const m of path.matchAll(SEGMENT)) {
    if (m.index !== at && !(m.index === at + 1 && path[at] === '.')) return undefined;
    out.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : (JSON.parse(m[3]) as string)));
    at = m.index + m[0].length;
  }
  return at === path.length && out.length > 0 ? out : undefined;
}

/** The object after applying `steps` of changes in order, as top-level fields. */
export function replayState(steps: Array<{ changes: StateChangeRow[] }>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const step of steps) for (const c of step.changes) apply(root, c);
  return root;
}

function apply(root: Record<string, unknown>, c: StateChangeRow): void {
  const segments = pathSegments(c.path);
  if (!segments) {
    if (c.op === 'removed') delete root[c.path];
    else root[c.path] = c.new;
    return;
  }
  let container: Container = root;
  for (let i = 0; i < segments.length - 1; i++) {
    const key = segments[i];
    let child = (container as Record<string | number, unknown>)[key];
    if (typeof child !== 'object' || child === null) {
      child = typeof segments[i + 1] === 'number' ? [] : {};
      (container as Record<string | number, unknown>)[key] = child;
    } else {
      // Copy on write: earlier steps' values stay as they were recorded.
      child = Array.isArray(child) ? [...(child as unknown[])] : { ...(child as Record<string, unknown>) };
      (container as Record<string | number, unknown>)[key] = child;
    }
    container = fieldsOf(child as Container);
  }
  const last = segments[segments.length - 1];
  if (c.op === 'removed') {
    if (Array.isArray(container) && typeof last === 'number') container.splice(last, 1);
    else delete (container as Record<string | number, unknown>)[last];
  } else {
    (container as Record<string | number, unknown>)[last] = c.new;
  }
}

/** Where an encoded value keeps its fields: a class instance's `props` (copied), else the value itself. */
function fieldsOf(value: Container): Container {
  if (
    !Array.isArray(value) &&
    value.$ === 'instance' &&
    typeof value.props === 'object' &&
    value.props !== null
  ) {
    const props = { ...(value.props as Record<string, unknown>) };
    value.props = props;
    return props;
  }
  return value;
}

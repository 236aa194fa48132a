/** Text for times and for values in the JSON value encoding (docs/value-encoding.md). */

/** A duration in the unit that suits it. */
export function formatMs(ms: number): string {
  const a = Math.abs(ms);
  if (a === 0) return '0';
  if (a < 1e-3) return `${(ms * 1e6).toFixed(0)} ns`;
  if (a < 1) return `${(ms * 1e3).toFixed(a < 0.01 ? 2 : 0)} µs`;
  if (a < 1000) return `${ms.toFixed(a < 10 ? 2 : a < 100 ? 1 : 0)} ms`;
  return `${(ms / 1000).toFixed(a < 10_000 ? 3 : 1)} s`;
}

/** A ruler label: offset `v` ms with as many decimals as the tick `step` needs to tell ticks apart. */
export function formatTick(v: number, step: number): string {
  const digits = (x: number) => Math.max(0, Math.min(9, Math.ceil(-Math.log10(x) - 1e-9)));
  if (Math.abs(v) >= 1000 || step >= 1000) return `${(v / 1000).toFixed(digits(step / 1000))} s`;
  return `${v.toFixed(digits(step))} ms`;
}

/** A point in time as an offset from the start of the trace. */
export function formatOffset(ts: number, origin: number): string {
  const d = ts - origin;
  return d < 0 ? `−${formatMs(-d)}` : `+${formatMs(d)}`;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A one-line rendering of an encoded value, at most about `max` characters. */
export function formatValue(v: unknown, max = 120): string {
  const s = render(v as Json, 3);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function render(v: Json, depth: number): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v !== 'object') return String(v);
  if (Array.isArray(v)) {
    if (depth === 0) return `[…${v.length}]`;
    return `[${v.map((x) => render(x, depth - 1)).join(', ')}]`;
  }
  const tag = v.$;
  if (typeof tag === 'string') {
    switch (tag) {
      case 'undefined':
        return 'undefined';
      case 'number':
      case 'bigint':
        return `${String(v.v)}${tag === 'bigint' ? 'n' : ''}`;
      case 'string':
        return `${JSON.stringify(v.v)}…(${String(v.length)})`;
      case 'instance':
        return `${String(v.class)} ${depth === 0 ? '{…}' : render(v.props ?? {}, depth - 1)}`;
      case 'function':
        return `ƒ ${String(v.name || '(anonymous)')}`;
      case 'opaque':
        return `<${String(v.type)}>`;
      case 'Error':
        return `${String(v.name ?? v.class ?? 'Error')}: ${String(v.message ?? '')}`;
      case 'Date':
        return `Date(${String(v.v)})`;
      case 'more':
        return `…${String(v.count)} more`;
      case 'truncated':
        return `<${String(v.type)} not captured>`;
      case 'symbol':
        return `Symbol(${String(v.description ?? '')})`;
      default:
        return `${tag}${v.size !== undefined ? `(${String(v.size)})` : ''}`;
    }
  }
  if (depth === 0) return '{…}';
  const parts = Object.entries(v).map(
    ([k, x]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${render(x, depth - 1)}`,
  );
  return `{${parts.join(', ')}}`;
}

/** The whole value, indented, for the details panel. */
export function prettyValue(v: unknown): string {
  const text = JSON.stringify(v, null, 2) ?? 'undefined';
  return text.length > 20_000 ? `${text.slice(0, 20_000)}\n…` : text;
}

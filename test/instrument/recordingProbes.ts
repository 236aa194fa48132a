/**
 * A test double of the runtime's probe registry: it keeps every probe call in an array and tracks
 * the call stack the way a runtime must (suspended calls leave the stack, resumed ones come back on
 * top), so tests can check what instrumented code reports. The real implementation, recording into
 * the trace through the runtime's one entry point, is the lead's next step; this one only follows
 * the contract in `runtime/instrument/probeApi.ts`.
 */
import { PROBES_KEY } from '../../runtime/instrument/probeApi';
import type { ModuleProbes, ProbeRegistry, Site } from '../../runtime/instrument/probeApi';

export type ProbeEvent =
  | { type: 'module'; file: string; sites: Site[] }
  | {
      type: 'enter';
      call: number;
      parent: number;
      site: Site;
      file: string;
      thisValue: unknown;
      args: unknown[];
    }
  | { type: 'ret'; call: number; value: unknown }
  | { type: 'throw'; call: number; error: unknown }
  | { type: 'exit'; call: number }
  | { type: 'suspend'; call: number; value: unknown }
  | { type: 'resume'; call: number; value: unknown };

export interface Recording {
  registry: ProbeRegistry;
  events: ProbeEvent[];
  /** Contract violations seen so far (an exit out of order, a probe for an unknown call…). */
  problems: string[];
  /** Site of every call id. */
  sites: Map<number, Site>;
}

/** Creates a registry; `enabled` picks the sites whose flag starts on (all by default). */
export function createRecordingProbes(
  enabled: (site: Site, file: string) => boolean = () => true,
): Recording {
  const events: ProbeEvent[] = [];
  const problems: string[] = [];
  const sites = new Map<number, Site>();
  /** Running calls, innermost last. */
  const stack: number[] = [];
  const suspended = new Set<number>();
  const exited = new Set<number>();
  let nextCall = 1;

  const name = (call: number) => `${sites.get(call)?.name || '?'}#${call}`;
  const live = (call: number, what: string): boolean => {
    if (call === 0) return false;
    if (!sites.has(call)) problems.push(`${what} of unknown call ${call}`);
    else if (exited.has(call)) problems.push(`${what} of ${name(call)} after its exit`);
    return true;
  };

  const registry: ProbeRegistry = {
    module(file, moduleSites) {
      events.push({ type: 'module', file, sites: moduleSites });
      const on = new Uint8Array(moduleSites.length);
      moduleSites.forEach((site, i) => (on[i] = enabled(site, file) ? 1 : 0));
      const probes: ModuleProbes = {
        on,
        enter(site, thisValue, args) {
          const call = nextCall++;
          sites.set(call, moduleSites[site]);
          events.push({
            type: 'enter',
            call,
            parent: stack.length ? stack[stack.length - 1] : 0,
            site: moduleSites[site],
            file,
            thisValue,
            args,
          });
          stack.push(call);
          return call;
        },
        ret(call, value) {
          if (live(call, 'ret')) events.push({ type: 'ret', call, value });
          return value;
        },
        throw(call, error) {
          if (live(call, 'throw')) events.push({ type: 'throw', call, error });
        },
        exit(call) {
          if (!live(call, 'exit')) return;
          events.push({ type: 'exit', call });
          exited.add(call);
          // Exiting while suspended: generator.return() at a yield, a return inside for-await.
          if (suspended.delete(call)) return;
          if (stack[stack.length - 1] === call) stack.pop();
          else problems.push(`exit of ${name(call)} while ${stack.map(name).join(' > ') || 'nothing'} runs`);
        },
        suspend(call, value) {
          if (!live(call, 'suspend')) return value;
          events.push({ type: 'suspend', call, value });
          if (stack[stack.length - 1] === call) {
            stack.pop();
            suspended.add(call);
          } else if (!suspended.has(call)) {
            problems.push(`suspend of ${name(call)} while ${stack.map(name).join(' > ') || 'nothing'} runs`);
          }
          return value;
        },
        resume(call, value) {
          if (!live(call, 'resume')) return value;
          // Also called at the start of catch/finally blocks, where the call may be running already.
          if (suspended.delete(call)) {
            events.push({ type: 'resume', call, value });
            stack.push(call);
          }
          return value;
        },
      };
      return probes;
    },
  };
  return { registry, events, problems, sites };
}

/** Installs a registry where instrumented code looks for it; returns a function that removes it. */
export function installProbes(registry: ProbeRegistry): () => void {
  const key = Symbol.for(PROBES_KEY);
  const global = globalThis as Record<symbol, unknown>;
  const previous = global[key];
  global[key] = registry;
  return () => {
    global[key] = previous;
  };
}

/** A short text of a recorded value, for readable assertions (only ever called after the run). */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return `function ${value.name}`;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (Array.isArray(value)) return `[${value.map(show).join(',')}]`;
  if (value && typeof value === 'object') {
    if (typeof (value as Promise<unknown>).then === 'function') return 'Promise';
    const entries = Object.entries(value).map(([k, v]) => `${k}:${show(v)}`);
    return `{${entries.join(',')}}`;
  }
  return String(value);
}

/**
 * The events as lines such as `enter f(1,2) <- g`, `ret f 3`, `exit f`, `suspend f 1`, `resume f 2`,
 * naming calls by their site (with `#n` only when one site has overlapping calls).
 */
export function describeEvents(events: readonly ProbeEvent[]): string[] {
  const names = new Map<number, string>();
  const lines: string[] = [];
  for (const event of events) {
    if (event.type === 'module') continue;
    if (event.type === 'enter') {
      names.set(event.call, event.site.name || `<${event.site.kind}>`);
      const parent = event.parent ? ` <- ${names.get(event.parent)}` : '';
      lines.push(`enter ${names.get(event.call)}(${event.args.map(show).join(',')})${parent}`);
      continue;
    }
    const who = names.get(event.call) ?? `?${event.call}`;
    if (event.type === 'ret') lines.push(`ret ${who} ${show(event.value)}`);
    else if (event.type === 'throw') lines.push(`throw ${who} ${show(event.error)}`);
    else if (event.type === 'exit') lines.push(`exit ${who}`);
    else lines.push(`${event.type} ${who} ${show(event.value)}`);
  }
  return lines;
}

/**
 * Runtime configuration: one JSON environment variable, `CINESCOPE_RUNTIME`, written by whoever
 * starts the program (the CLI, the debug adapter). Child processes inherit it, so they are traced
 * by the same collector.
 */
import type { OverflowPolicy } from './ring';
import type { EncodeLimits } from './valueEncoder';

export const CONFIG_ENV = 'CINESCOPE_RUNTIME';

export interface RuntimeConfig {
  /** Collector WebSocket URL, loopback only, e.g. ws://127.0.0.1:PORT/ */
  url: string;
  /** Random per-session token the collector demands. */
  token: string;
  session: string;
  /** Ring size of the main thread and of each worker thread, bytes. */
  ringBytes: number;
  workerRingBytes: number;
  overflow: OverflowPolicy;
  /** Interval of VM metrics samples; 0 turns metrics off. */
  metricsIntervalMs: number;
  /** How long the exiting process may wait for its last events to reach the collector. */
  flushTimeoutMs: number;
  limits: Partial<EncodeLimits>;
  /** Globs of files to instrument with function tracing (relative to `cwd`). */
  trace: string[];
  /** Classes whose instances' state is recorded around each method: names, globs of names, `extends:NAME`. */
  state: string[];
  /** Names (or globs) of reducer functions `(state, action) => newState` whose state is recorded. */
  reducers: string[];
  /** The directory globs are relative to: where the recording started. */
  cwd: string;
  /** Where instrumented files are cached between runs; '' turns the cache off. */
  cacheDir: string;
}

const DEFAULTS: Omit<RuntimeConfig, 'url' | 'token' | 'session'> = {
  ringBytes: 8 * 1024 * 1024,
  workerRingBytes: 2 * 1024 * 1024,
  overflow: 'drop-newest',
  metricsIntervalMs: 1000,
  flushTimeoutMs: 3000,
  limits: {},
  trace: [],
  state: [],
  reducers: [],
  cwd: '',
  cacheDir: '',
};

/** Parses the environment variable; returns a sentence for the user when it is unusable. */
export function parseRuntimeConfig(text: string | undefined): RuntimeConfig | string {
  if (!text) return `${CONFIG_ENV} is not set`;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return `${CONFIG_ENV} is not valid JSON`;
  }
  if (typeof raw !== 'object' || raw === null) return `${CONFIG_ENV} must be a JSON object`;
  const c = { ...DEFAULTS, ...(raw as Partial<RuntimeConfig>) };
  if (typeof c.url !== 'string' || !/^ws:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\]):\d+\//.test(c.url)) {
    return `${CONFIG_ENV}.url must be a loopback ws:// URL`;
  }
  if (typeof c.token !== 'string' || c.token.length < 16) return `${CONFIG_ENV}.token is missing`;
  if (typeof c.session !== 'string') c.session = '';
  if (c.overflow !== 'drop-newest' && c.overflow !== 'drop-oldest') {
    return `${CONFIG_ENV}.overflow must be "drop-newest" or "drop-oldest"`;
  }
  for (const key of ['ringBytes', 'workerRingBytes', 'metricsIntervalMs', 'flushTimeoutMs'] as const) {
    if (typeof c[key] !== 'number' || !Number.isFinite(c[key]) || c[key] < 0) {
      return `${CONFIG_ENV}.${key} must be a non-negative number`;
    }
  }
  if (!Array.isArray(c.trace) || c.trace.some((g) => typeof g !== 'string')) {
    return `${CONFIG_ENV}.trace must be an array of glob strings`;
  }
  if (!Array.isArray(c.state) || c.state.some((g) => typeof g !== 'string')) {
    return `${CONFIG_ENV}.state must be an array of class names or globs`;
  }
  if (!Array.isArray(c.reducers) || c.reducers.some((g) => typeof g !== 'string')) {
    return `${CONFIG_ENV}.reducers must be an array of function names or globs`;
  }
  if (typeof c.cwd !== 'string' || c.cwd === '') c.cwd = process.cwd();
  if (typeof c.cacheDir !== 'string') return `${CONFIG_ENV}.cacheDir must be a path`;
  return c as RuntimeConfig;
}

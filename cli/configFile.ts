/**
 * `cinescope.config.json` in the working directory: the same rules as the command line, kept with
 * the project. Command-line rules add to the file's; command-line settings win over the file's.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { stateRuleProblem } from '../runtime/traceRules';
import { UsageError } from './usage';

export const CONFIG_FILE = 'cinescope.config.json';

/** What the file may say. */
export interface ConfigFile {
  trace?: string[];
  state?: string[];
  reducers?: string[];
  overflow?: 'drop-newest' | 'drop-oldest';
  metricsIntervalMs?: number;
}

const KEYS = ['trace', 'state', 'reducers', 'overflow', 'metricsIntervalMs'];

/** Reads the config file of `dir`, or {} when there is none; a bad file is a UsageError. */
export function readConfigFile(dir: string): ConfigFile {
  const file = path.join(dir, CONFIG_FILE);
  if (!existsSync(file)) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}.`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new UsageError(`${file} must hold one JSON object, e.g. {"trace": ["src/**"]}.`);
  }
  const config = raw as Record<string, unknown>;
  const unknown = Object.keys(config).filter((k) => !KEYS.includes(k));
  if (unknown.length) {
    throw new UsageError(
      `${file}: unknown setting ${unknown.map((k) => `"${k}"`).join(', ')}; it may have ${KEYS.join(', ')}.`,
    );
  }
  for (const key of ['trace', 'state', 'reducers'] as const) {
    const v = config[key];
    if (v !== undefined && (!Array.isArray(v) || v.some((g) => typeof g !== 'string'))) {
      throw new UsageError(`${file}: "${key}" must be a list of strings.`);
    }
  }
  for (const rule of (config.state as string[] | undefined) ?? []) {
    const problem = stateRuleProblem(rule);
    if (problem) throw new UsageError(`${file}: ${problem}`);
  }
  if (
    config.overflow !== undefined &&
    config.overflow !== 'drop-newest' &&
    config.overflow !== 'drop-oldest'
  ) {
    throw new UsageError(`${file}: "overflow" must be "drop-newest" or "drop-oldest".`);
  }
  const interval = config.metricsIntervalMs;
  if (
    interval !== undefined &&
    (typeof interval !== 'number' || !Number.isInteger(interval) || interval < 0)
  ) {
    throw new UsageError(`${file}: "metricsIntervalMs" must be a whole number of milliseconds.`);
  }
  return config as ConfigFile;
}

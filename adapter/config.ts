/**
 * Launch and attach configurations of the `cinescope` debugger, and their validation. Attribute
 * names follow VS Code's JavaScript debugger where the meaning is the same; `trace`, `state`,
 * `reducers`, `traceFile` and `sampling` are Cinescope's. Validation turns whatever a client sent
 * into a normalized configuration or one sentence saying what to fix.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import * as path from 'node:path';

/** Attributes shared by launch and attach. */
interface CommonConfiguration {
  /** Globs of files whose functions are traced (relative to `cwd`). */
  trace: string[];
  /** Classes (names or globs) whose instances' state is recorded around each method. */
  state: string[];
  /** Reducer functions (names or globs) whose state is recorded call by call. */
  reducers: string[];
  /** Where the standalone adapter writes the trace when the program ends (absolute). */
  traceFile: string | undefined;
  /** Sampling settings, stored for the runtime's sampling (not used yet). */
  sampling: Record<string, unknown> | undefined;
  /** Globs of files the debugger steps over (matched against absolute paths). */
  skipFiles: string[];
  sourceMaps: boolean;
  outFiles: string[];
  cwd: string;
  /** Sentences for the Debug Console about accepted but unsupported settings. */
  notes: string[];
}

export interface LaunchConfiguration extends CommonConfiguration {
  request: 'launch';
  /** Absolute path of the program. */
  program: string;
  args: string[];
  /** Environment: the adapter's, then envFile's, then env's (null removes a variable). */
  env: Record<string, string | null>;
  runtimeExecutable: string;
  runtimeArgs: string[];
  console: 'internalConsole' | 'integratedTerminal' | 'externalTerminal';
  stopOnEntry: boolean;
  /** Debug the Node processes the program starts too (they are traced either way). */
  autoAttachChildProcesses: boolean;
}

export interface AttachConfiguration extends CommonConfiguration {
  request: 'attach';
  port: number;
  address: string;
}

export type DebugConfiguration = LaunchConfiguration | AttachConfiguration;

export type ValidationResult = { ok: true; config: DebugConfiguration } | { ok: false; message: string };

/** Thrown inside validation only; becomes `{ ok: false, message }`. */
class Invalid extends Error {}

/** Checks a launch or attach configuration as a client sent it. */
export function validateDebugConfiguration(raw: unknown): ValidationResult {
  try {
    return { ok: true, config: normalize(raw) };
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, message: error.message };
    throw error;
  }
}

function normalize(raw: unknown): DebugConfiguration {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Invalid('The debug configuration must be an object.');
  }
  const c = raw as Record<string, unknown>;
  const request = c.request ?? 'launch';
  if (request !== 'launch' && request !== 'attach') {
    throw new Invalid(`"request" must be "launch" or "attach", not ${JSON.stringify(request)}.`);
  }
  const cwd = path.resolve(optionalString(c, 'cwd') ?? process.cwd());
  if (!existsSync(cwd) || !statSync(cwd).isDirectory()) {
    throw new Invalid(`"cwd" is not a folder: ${cwd}.`);
  }
  const notes: string[] = [];
  const traceFile = optionalString(c, 'traceFile');
  if (traceFile !== undefined && !existsSync(path.dirname(path.resolve(cwd, traceFile)))) {
    throw new Invalid(
      `The folder for "traceFile" does not exist: ${path.dirname(path.resolve(cwd, traceFile))}.`,
    );
  }
  const sampling = c.sampling;
  if (
    sampling !== undefined &&
    (typeof sampling !== 'object' || sampling === null || Array.isArray(sampling))
  ) {
    throw new Invalid('"sampling" must be an object.');
  }
  if (sampling !== undefined)
    notes.push('"sampling" is stored but not applied yet: every event is recorded.');
  const common: CommonConfiguration = {
    trace: stringList(c, 'trace'),
    state: stringList(c, 'state'),
    reducers: stringList(c, 'reducers'),
    traceFile: traceFile === undefined ? undefined : path.resolve(cwd, traceFile),
    sampling: sampling as Record<string, unknown> | undefined,
    skipFiles: stringList(c, 'skipFiles'),
    sourceMaps: optionalBoolean(c, 'sourceMaps') ?? true,
    outFiles: stringList(c, 'outFiles'),
    cwd,
    notes,
  };
  if (request === 'attach') return { ...common, request, ...attachTarget(c) };

  const programText = optionalString(c, 'program');
  if (!programText) throw new Invalid('"program" is missing: give the path of the script to debug.');
  const program = path.resolve(cwd, programText);
  if (!existsSync(program)) throw new Invalid(`"program" not found: ${program}.`);
  if (statSync(program).isDirectory()) throw new Invalid(`"program" is a folder, not a script: ${program}.`);
  const consoleKind = optionalString(c, 'console') ?? 'internalConsole';
  if (!['internalConsole', 'integratedTerminal', 'externalTerminal'].includes(consoleKind)) {
    throw new Invalid(
      `"console" must be "internalConsole", "integratedTerminal" or "externalTerminal", not "${consoleKind}".`,
    );
  }
  if (consoleKind !== 'internalConsole') {
    notes.push(`"console": "${consoleKind}" is not supported yet; the output goes to the Debug Console.`);
  }
  return {
    ...common,
    request,
    program,
    args: stringList(c, 'args'),
    env: { ...readEnvFile(c, cwd), ...environment(c) },
    runtimeExecutable: optionalString(c, 'runtimeExecutable') ?? 'node',
    runtimeArgs: stringList(c, 'runtimeArgs'),
    console: consoleKind as LaunchConfiguration['console'],
    stopOnEntry: optionalBoolean(c, 'stopOnEntry') ?? false,
    autoAttachChildProcesses: optionalBoolean(c, 'autoAttachChildProcesses') ?? true,
  };
}

function attachTarget(c: Record<string, unknown>): { port: number; address: string } {
  const port = c.port ?? 9229;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Invalid(`"port" must be a whole number from 1 to 65535, not ${JSON.stringify(port)}.`);
  }
  const address = optionalString(c, 'address') ?? '127.0.0.1';
  if (address === '') throw new Invalid('"address" is empty: give a host name or IP address.');
  return { port, address };
}

function optionalString(c: Record<string, unknown>, key: string): string | undefined {
  const value = c[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new Invalid(`"${key}" must be a string, not ${typeName(value)}.`);
  return value;
}

function optionalBoolean(c: Record<string, unknown>, key: string): boolean | undefined {
  const value = c[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean')
    throw new Invalid(`"${key}" must be true or false, not ${typeName(value)}.`);
  return value;
}

function stringList(c: Record<string, unknown>, key: string): string[] {
  const value = c[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new Invalid(`"${key}" must be a list of strings.`);
  }
  return value as string[];
}

function environment(c: Record<string, unknown>): Record<string, string | null> {
  const value = c.env;
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new Invalid('"env" must be an object of variable names to strings.');
  }
  for (const [name, v] of Object.entries(value)) {
    if (typeof v !== 'string' && v !== null) {
      throw new Invalid(`"env.${name}" must be a string (or null to remove it), not ${typeName(v)}.`);
    }
  }
  return value as Record<string, string | null>;
}

/** A dotenv file is a few kB; anything larger is not one (and would be read into memory whole). */
const MAX_ENV_FILE_BYTES = 1024 * 1024;

/** Reads `NAME=value` lines (with `#` comments and optional quotes), as dotenv files are written. */
function readEnvFile(c: Record<string, unknown>, cwd: string): Record<string, string> {
  const file = optionalString(c, 'envFile');
  if (file === undefined) return {};
  const resolved = path.resolve(cwd, file);
  let text: string;
  try {
    // Checked before reading: a FIFO would block the adapter, /dev/zero would fill its memory.
    const stat = statSync(resolved);
    if (!stat.isFile()) {
      throw new Invalid(`"envFile" must be a regular file: ${resolved} is ${fileKind(stat)}.`);
    }
    if (stat.size > MAX_ENV_FILE_BYTES) {
      throw new Invalid(
        `"envFile" is too large for an environment file: ${resolved} has ${stat.size} bytes (at most 1 MB).`,
      );
    }
    text = readFileSync(resolved, 'utf8');
  } catch (error) {
    if (error instanceof Invalid) throw error;
    throw new Invalid(`"envFile" cannot be read: ${resolved} (${(error as NodeJS.ErrnoException).code}).`);
  }
  const env: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([\w.-]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match || line.trimStart().startsWith('#')) continue;
    let value = match[2];
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) value = quoted[1] === '"' ? quoted[2].replace(/\\n/g, '\n') : quoted[2];
    else value = value.replace(/\s+#.*$/, '');
    env[match[1]] = value;
  }
  return env;
}

function fileKind(stat: Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a named pipe';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

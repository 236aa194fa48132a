/**
 * `cinescope record`: runs a command with the runtime injected through NODE_OPTIONS, collects its
 * events (and those of every Node process it starts) into a TraceDB, writes the trace file and
 * passes the program's exit status on.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import * as path from 'node:path';
import type { RuntimeConfig } from '../runtime/config';
import { defaultCacheDir, defaultTraceName, runtimeLaunchEnv } from '../runtime/launchEnv';
import { Collector } from '../tracedb/collector';
import { TraceDb } from '../tracedb/traceDb';
import { formatSummary } from './summary';
import { readConfigFile } from './configFile';
import { stateRuleProblem } from '../runtime/traceRules';
import { CliError, UsageError } from './usage';

export interface RecordOptions {
  out?: string;
  overflow?: 'drop-newest' | 'drop-oldest';
  metricsIntervalMs?: number;
  /** Globs of files whose functions are traced (relative to the current directory). */
  trace?: string[];
  /** Classes (names, globs, `extends:NAME`) whose instances' state is recorded around each method. */
  state?: string[];
  /** Reducer functions (names or globs) whose state is recorded call by call. */
  reducers?: string[];
  command: string[];
  /** Where the runtime bundle lives; defaults to the one next to this CLI. */
  preloadPath?: string;
}

/** How long to wait for processes to send their last events after the command exited. */
const LINGER_MS = 5000;

/** Runs the recording; resolves with the exit code to pass on. */
export async function record(commandLine: RecordOptions): Promise<number> {
  const file = readConfigFile(process.cwd());
  const options: RecordOptions = {
    ...commandLine,
    trace: [...(file.trace ?? []), ...(commandLine.trace ?? [])],
    state: [...(file.state ?? []), ...(commandLine.state ?? [])],
    reducers: [...(file.reducers ?? []), ...(commandLine.reducers ?? [])],
    overflow: commandLine.overflow ?? file.overflow,
    metricsIntervalMs: commandLine.metricsIntervalMs ?? file.metricsIntervalMs,
  };
  for (const rule of commandLine.state ?? []) {
    const problem = stateRuleProblem(rule);
    if (problem) throw new UsageError(problem);
  }
  const [command, ...args] = options.command;
  if (!command)
    throw new UsageError(
      'Nothing to record: give a command after `--`, e.g. `cinescope record -- node app.js`.',
    );
  checkProgram(command, args);
  const out = path.resolve(options.out ?? defaultTraceName());
  if (!existsSync(path.dirname(out))) {
    throw new UsageError(`The folder for the trace file does not exist: ${path.dirname(out)}.`);
  }
  const preload = options.preloadPath ?? path.join(__dirname, 'runtime', 'preload.js');
  if (!existsSync(preload))
    throw new CliError(`The runtime bundle is missing at ${preload}: run \`npm run build\`.`);

  const db = await TraceDb.create();
  const collector = await Collector.start({ db, deferStoring: true });
  const session = randomBytes(8).toString('hex');
  const config: Partial<RuntimeConfig> = {
    url: collector.url,
    token: collector.token,
    session,
    ...(options.overflow ? { overflow: options.overflow } : {}),
    ...(options.metricsIntervalMs !== undefined ? { metricsIntervalMs: options.metricsIntervalMs } : {}),
    trace: options.trace ?? [],
    state: options.state ?? [],
    reducers: options.reducers ?? [],
    cwd: process.cwd(),
    cacheDir: defaultCacheDir(process.cwd()),
  };
  const env = runtimeLaunchEnv(process.env, preload, config);

  const started = Date.now();
  let exit: Awaited<ReturnType<typeof run>>;
  try {
    exit = await run(command, args, env);
    await collector.idle(LINGER_MS);
  } finally {
    // Also when the command could not start: an open collector would keep the CLI alive.
    await collector.close();
  }
  const { code, signal } = exit;
  db.setMeta('command', JSON.stringify(options.command));
  db.setMeta('session', session);
  db.setMeta('exitCode', String(code ?? ''));
  if (signal) db.setMeta('signal', signal);
  db.setMeta('recordedAt', new Date(started).toISOString());
  try {
    await db.save(out);
  } catch (error) {
    db.close();
    throw new CliError(`Cannot write the trace file ${out}: ${(error as Error).message}.`);
  }
  process.stderr.write(formatSummary(db.stats(), out, collector));
  db.close();
  if (signal) return 128 + (signalNumber(signal) ?? 0);
  return code ?? 1;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', env });
    // Ctrl-C reaches the whole process group; the program decides, we keep recording until it ends.
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    const ignore = () => {};
    process.on('SIGINT', ignore);
    process.on('SIGTERM', forward);
    child.on('error', (error) => reject(new CliError(`Cannot run '${command}': ${error.message}.`)));
    child.on('exit', (code, signal) => {
      process.removeListener('SIGINT', ignore);
      process.removeListener('SIGTERM', forward);
      resolve({ code, signal });
    });
  });
}

/** Clear errors for the common mistakes, before anything starts. */
function checkProgram(command: string, args: string[]): void {
  const resolved = command.includes('/') ? path.resolve(command) : findOnPath(command);
  if (!resolved || !existsSync(resolved)) {
    throw new UsageError(
      `Cannot run '${command}': no such command${command.includes('/') ? '' : ' on PATH'}.`,
    );
  }
  if (/^node(\.exe)?$/.test(path.basename(command)) || resolved === process.execPath) {
    if (args.some((a) => a === '-e' || a === '--eval' || a === '-p' || a === '--print' || a === '-')) return;
    const script = args.find((a) => !a.startsWith('-'));
    if (script && !existsSync(path.resolve(script))) {
      throw new UsageError(`Program not found: ${path.resolve(script)}.`);
    }
  }
}

function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, command);
    try {
      if (statSync(candidate).isFile()) {
        accessSync(candidate, constants.X_OK);
        return candidate;
      }
    } catch {
      // not here
    }
  }
  return undefined;
}

function signalNumber(signal: string): number | undefined {
  return (osConstants.signals as Record<string, number>)[signal];
}

/** Shared helpers of the end-to-end tests: run the real CLI and real Node programs. */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CLI = join(ROOT, 'bin', 'cinescope.js');
export const PRELOAD = join(ROOT, 'dist', 'runtime', 'preload.js');

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (a hung one is killed after `timeoutMs`). */
export function run(
  command: string,
  args: string[],
  options: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
    onStdout?: (text: string, pid: number) => void;
  } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? ROOT,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      options.onStdout?.(stdout, child.pid!);
    });
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 45_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs `cinescope <args>`. */
export function cli(args: string[], options: Parameters<typeof run>[2] = {}): Promise<RunResult> {
  return run(process.execPath, [CLI, ...args], options);
}

/** A fresh temporary directory. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'cinescope-test-'));
}

/** Records a command and returns the CLI result, the trace path and its stats. */
export async function recordAndStats(
  command: string[],
  options: Parameters<typeof run>[2] & { extraArgs?: string[] } = {},
) {
  const out = join(tempDir(), 'trace.cinescope');
  const recorded = await cli(
    ['record', '--out', out, ...(options.extraArgs ?? []), '--', ...command],
    options,
  );
  const statsRun = await cli(['stats', out, '--json']);
  if (statsRun.code !== 0)
    throw new Error(`stats failed: ${statsRun.stderr}\nrecord stderr: ${recorded.stderr}`);
  return { recorded, out, stats: JSON.parse(statsRun.stdout) as Record<string, any> };
}

/** Runs a read-only query on a trace file and returns rows as objects. */
export async function queryTrace(file: string, sql: string): Promise<Record<string, any>[]> {
  const result = await cli(['query', file, '--sql', sql, '--json']);
  if (result.code !== 0) throw new Error(`query failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

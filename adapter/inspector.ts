/**
 * Starting a program under the inspector and finding an inspector's WebSocket URL. The program gets
 * `--inspect-brk=127.0.0.1:0` on its own command line (not in NODE_OPTIONS, which child processes
 * inherit: each would wait for a debugger that never comes), so the port is random and loopback.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { get } from 'node:http';

export interface LaunchedProgram {
  child: ChildProcess;
  /** The inspector's WebSocket URL, read from the program's stderr. */
  webSocketUrl: string;
}

export interface LaunchOptions {
  runtimeExecutable: string;
  runtimeArgs: string[];
  program: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The program's stdout and stderr, minus the inspector's own announcements. */
  output(category: 'stdout' | 'stderr', text: string): void;
}

const LISTENING = /Debugger listening on (ws:\/\/\S+)/;
/** Lines the inspector prints that are about the debugger, not the program. */
const INSPECTOR_NOISE = [
  LISTENING,
  /^For help, see: https:\/\/nodejs\.org\/.*inspector/,
  /^Debugger attached\.$/,
  /^Waiting for the debugger to disconnect\.\.\.$/,
  /^Debugger ending on ws:/,
];

/** Starts the program paused before its first line; resolves once the inspector listens. */
export function launchUnderInspector(options: LaunchOptions, timeoutMs = 30_000): Promise<LaunchedProgram> {
  return new Promise((resolve, reject) => {
    const argv = ['--inspect-brk=127.0.0.1:0', ...options.runtimeArgs, options.program, ...options.args];
    const child = spawn(options.runtimeExecutable, argv, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let settled = false;
    const fail = (sentence: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill();
      reject(new Error(sentence));
    };
    const timer = setTimeout(
      () => fail(`The program did not open its inspector within ${timeoutMs / 1000} s.`),
      timeoutMs,
    );
    child.on('error', (error) => fail(`Cannot start '${options.runtimeExecutable}': ${error.message}.`));
    child.on('exit', (code, signal) => {
      fail(`The program exited (${signal ?? `code ${code}`}) before its inspector opened.`);
    });
    child.stdout?.setEncoding('utf8').on('data', (text: string) => options.output('stdout', text));
    let pending = '';
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      // Whole lines only, so that the inspector's announcements can be told apart.
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      const kept: string[] = [];
      for (const line of lines) {
        const listening = LISTENING.exec(line);
        if (listening && !settled) {
          settled = true;
          clearTimeout(timer);
          resolve({ child, webSocketUrl: listening[1] });
        }
        if (!INSPECTOR_NOISE.some((re) => re.test(line.replace(/\r$/, '')))) kept.push(line + '\n');
      }
      if (kept.length) options.output('stderr', kept.join(''));
    });
    child.stderr?.on('end', () => {
      if (pending) options.output('stderr', pending);
      pending = '';
    });
  });
}

/** An inspector's /json/list is a few hundred bytes per target; more is not an inspector. */
const MAX_LIST_BYTES = 1024 * 1024;

/**
 * Asks an inspector's HTTP endpoint for the WebSocket URL of its first target. One deadline covers
 * connecting and the whole answer, and the answer is capped: an address that trickles bytes or
 * streams without end gets a sentence, not a hung attach.
 */
export function findWebSocketUrl(address: string, port: number, timeoutMs = 10_000): Promise<string> {
  const where = `${address}:${port}`;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | undefined, url?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      request.destroy();
      if (error) reject(error);
      else resolve(url!);
    };
    const request = get({ host: address, port, path: '/json/list', timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
        if (body.length > MAX_LIST_BYTES) {
          finish(
            new Error(
              `${where} sent more than ${MAX_LIST_BYTES / 1024 / 1024} MB for /json/list: that is not a Node inspector.`,
            ),
          );
        }
      });
      response.on('end', () => {
        try {
          const targets = JSON.parse(body) as { webSocketDebuggerUrl?: string }[];
          const url = Array.isArray(targets)
            ? targets.find((t) => typeof t?.webSocketDebuggerUrl === 'string')?.webSocketDebuggerUrl
            : undefined;
          if (url) finish(undefined, url);
          else finish(new Error(`The inspector at ${where} lists no target to attach to.`));
        } catch {
          finish(new Error(`${where} did not answer like a Node inspector (/json/list is not JSON).`));
        }
      });
      response.on('error', (error) => finish(new Error(`${where} broke off its answer (${error.message}).`)));
    });
    const deadline = setTimeout(
      () => finish(new Error(`The inspector at ${where} did not answer within ${timeoutMs / 1000} s.`)),
      timeoutMs,
    );
    request.on('timeout', () =>
      finish(new Error(`The inspector at ${where} did not answer within ${timeoutMs / 1000} s.`)),
    );
    request.on('error', (error) =>
      finish(
        new Error(
          `Cannot reach an inspector at ${where} (${error.message}): start the program with --inspect=${where}.`,
        ),
      ),
    );
  });
}

/**
 * Runs a fixture program under the inspector with Cinescope's runtime preloaded, a real collector
 * and TraceDB behind it, and a real CDP connection: the parts a debug session gives the trace
 * point manager, without the DAP layer (which adapter/session.ts adds).
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CdpClient } from '../../adapter/cdp';
import { TracePointManager } from '../../adapter/tracePoints';
import type { TracePointTarget } from '../../adapter/tracePoints';
import type { TracePointState } from '../../adapter/customRequests';
import { runtimeLaunchEnv } from '../../runtime/launchEnv';
import { Collector } from '../../tracedb/collector';
import { TraceDb } from '../../tracedb/traceDb';
import type { TracePointHitRow } from '../../tracedb/traceDb';
import { PRELOAD, ROOT, tempDir } from '../helpers';

/** The 1-based line of the `@tp:NAME` marker in a fixture. */
export function markerLine(file: string, name: string): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const at = lines.findIndex((l) => l.includes(`@tp:${name}`));
  if (at < 0) throw new Error(`no @tp:${name} in ${file}`);
  return at + 1;
}

/** Waits for `check` to give a value (polling); fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface TracedProgram {
  cdp: CdpClient;
  manager: TracePointManager;
  db: TraceDb | undefined;
  logs: string[];
  /** Lines (1-based) where the program paused at a pausing breakpoint (resumed at once). */
  paused: number[];
  /** Mode changes the manager reported after `set` returned. */
  changes: { path: string; states: TracePointState[] }[];
  stdout(): string;
  /** Live edits the manager asked for so far (`Debugger.setScriptSource` calls). */
  swaps(): number;
  /** Sends one command line without waiting. */
  send(line: string): void;
  /** Sends one command line and waits for its `ok` line. */
  command(line: string): Promise<void>;
  /** Hits stored so far (after every received batch is stored). */
  hits(opts?: { file?: string; line?: number }): Promise<TracePointHitRow[]>;
  /** Waits until at least `n` hits of `line` are stored. */
  waitForHits(file: string, line: number, n: number): Promise<TracePointHitRow[]>;
  /** Regular (pausing) breakpoints the "session" set, re-set after every live edit. */
  setBreakpoint(file: string, line: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts `fixture`; `runtime: false` runs it as plain `node --inspect`. */
export async function startTraced(
  fixture: string,
  options: { runtime?: boolean; trace?: string[] } = {},
): Promise<TracedProgram> {
  const withRuntime = options.runtime !== false;
  let db: TraceDb | undefined;
  let collector: Collector | undefined;
  let env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
  if (withRuntime) {
    db = await TraceDb.create();
    collector = await Collector.start({ db });
    env = runtimeLaunchEnv(env, PRELOAD, {
      url: collector.url,
      token: collector.token,
      session: randomBytes(8).toString('hex'),
      trace: options.trace ?? [],
      cwd: ROOT,
      cacheDir: tempDir(),
      metricsIntervalMs: 0,
    });
  }
  const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', fixture], {
    cwd: ROOT,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  }) as ChildProcessWithoutNullStreams;
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      const match = /Debugger listening on (ws:\/\/\S+)/.exec(stderr);
      if (match) resolve(match[1]);
    });
    child.on('exit', () => reject(new Error(`fixture exited early: ${stderr}`)));
  });
  const cdp = await CdpClient.connect(url);
  const scripts = new Map<string, { scriptId: string; url: string }[]>();
  const breakpoints: { file: string; line: number; id?: string }[] = [];
  const logs: string[] = [];
  const changes: { path: string; states: TracePointState[] }[] = [];
  let manager: TracePointManager | undefined = undefined;
  cdp.Debugger.on('scriptParsed', (e) => {
    if (!e.url.startsWith('file://')) return;
    const path = fileURLToPath(e.url);
    scripts.set(path, [...(scripts.get(path) ?? []), { scriptId: e.scriptId, url: e.url }]);
    void manager?.scriptParsed(e.scriptId, e.url);
  });
  // A pausing breakpoint of the "session": resume at once, and remember where it stopped.
  const paused: number[] = [];
  cdp.Debugger.on('paused', (e) => {
    paused.push(e.callFrames[0].location.lineNumber + 1);
    void cdp.Debugger.resume({});
  });
  // The manager's view of the connection counts its live edits.
  let swaps = 0;
  const countingDebugger = new Proxy(cdp.Debugger, {
    get: (domain, method) =>
      method === 'setScriptSource'
        ? (params: Parameters<typeof domain.setScriptSource>[0]) => (swaps++, domain.setScriptSource(params))
        : Reflect.get(domain, method),
  });
  const counted = new Proxy(cdp, {
    get: (client, property) => (property === 'Debugger' ? countingDebugger : Reflect.get(client, property)),
  });
  const target: TracePointTarget = {
    cdp: counted,
    scriptsForPath: (path) => scripts.get(path) ?? [],
    reapplyBreakpoints: async (scriptId) => {
      const path = [...scripts].find(([, list]) => list.some((s) => s.scriptId === scriptId))?.[0];
      for (const bp of breakpoints.filter((b) => b.file === path)) {
        if (bp.id) await cdp.Debugger.removeBreakpoint({ breakpointId: bp.id });
        bp.id = (
          await cdp.Debugger.setBreakpointByUrl({ url: `file://${bp.file}`, lineNumber: bp.line - 1 })
        ).breakpointId;
      }
    },
    log: (message) => logs.push(message),
    changed: (path, states) => changes.push({ path, states }),
  };
  manager = new TracePointManager(target);
  await cdp.Runtime.enable();
  await cdp.Debugger.enable({});
  const started = manager;
  await waitFor('the fixture to start', () => stdout.includes('ready'));

  const program: TracedProgram = {
    cdp,
    manager: started,
    db,
    logs,
    changes,
    paused,
    stdout: () => stdout,
    swaps: () => swaps,
    send(line) {
      child.stdin.write(`${line}\n`);
    },
    async command(line) {
      const before = stdout.split(`ok ${line}\n`).length;
      child.stdin.write(`${line}\n`);
      await waitFor(`command ${line}`, () => stdout.split(`ok ${line}\n`).length > before);
    },
    async hits(opts = {}) {
      await collector?.stored();
      return db ? db.tracePointHits(opts) : [];
    },
    async waitForHits(file, line, n) {
      return waitFor(`${n} hits of line ${line}`, async () => {
        const rows = await program.hits({ file, line });
        return rows.length >= n ? rows : undefined;
      });
    },
    async setBreakpoint(file, line) {
      const { breakpointId } = await cdp.Debugger.setBreakpointByUrl({
        url: `file://${file}`,
        lineNumber: line - 1,
      });
      breakpoints.push({ file, line, id: breakpointId });
    },
    async close() {
      started.dispose();
      // First the debugger: a program with a debugger attached waits for it to leave before exiting.
      cdp.close();
      if (child.exitCode === null) {
        child.stdin.write('exit\n');
        await new Promise((r) => child.once('exit', r));
      }
      await collector?.close();
    },
  };
  return program;
}

/** Runs `fixture` with plain Node (no inspector, no runtime), sending `commands`; its stdout. */
export async function runUntraced(fixture: string, commands: string[]): Promise<string> {
  const child = spawn(process.execPath, [fixture], { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' } });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  await waitFor('the fixture to start', () => stdout.includes('ready'));
  for (const line of commands) {
    const before = stdout.split(`ok ${line}\n`).length;
    child.stdin.write(`${line}\n`);
    await waitFor(`command ${line}`, () => stdout.split(`ok ${line}\n`).length > before);
  }
  child.stdin.write('exit\n');
  await new Promise((r) => child.once('exit', r));
  return stdout;
}

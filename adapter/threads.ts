/**
 * The threads of the debugged program: the main thread (id 1) and its worker threads, each set up
 * the same way (scripts, pauses, breakpoints, exception and skip settings). Workers arrive through
 * Node's NodeWorker domain and wait until they are set up, so breakpoints in their first lines hold.
 */
import * as path from 'node:path';
import { ThreadEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { BreakpointBook } from './breakpoints';
import { CdpClient } from './cdp';
import type { CdpApi } from './cdp';
import type { ChildAnnouncement } from './childDebugProtocol';
import type { DebugConfiguration } from './config';
import type { Inspection } from './inspection';
import type { PauseHandler } from './pauses';
import { DebugThread } from './thread';
import { WorkerTunnel } from './workerTunnel';
import type { AttachedToWorker } from './workerTunnel';

export interface ThreadHost {
  readonly breakpoints: BreakpointBook;
  readonly pauses: PauseHandler;
  readonly inspection: Inspection;
  /** Where the runtime bundle lives: its scripts are never stepped into nor shown as threads. */
  readonly runtimeDir: string;
  config(): DebugConfiguration | undefined;
  exceptionState(): 'none' | 'uncaught' | 'all';
  /** A script of the main thread was parsed (trace points wait for their files). */
  mainScriptParsed(scriptId: string, url: string): void;
  /** A file was parsed in a worker thread or child process. */
  otherScriptParsed(file: string): void;
  log(text: string, category: 'console' | 'stdout'): void;
  sendEvent(event: DebugProtocol.Event): void;
}

export class Threads {
  private readonly byId = new Map<number, DebugThread>();
  private readonly tunnels = new Map<string, { tunnel: WorkerTunnel; thread: DebugThread | undefined }>();
  private readonly processes = new Set<CdpClient>();
  private nextId = 2;

  constructor(private readonly host: ThreadHost) {}

  get(id: number): DebugThread | undefined {
    return this.byId.get(id);
  }

  all(): DebugThread[] {
    return [...this.byId.values()];
  }

  /**
   * Sets up the main thread and starts watching for workers. `launched`: the adapter started the
   * program (its output comes from stdio; the connection must close when it exits).
   */
  async addMain(client: CdpClient, launched: boolean): Promise<DebugThread> {
    const main = new DebugThread(1, 'Main Thread', client);
    this.byId.set(1, main);
    client.Runtime.on('executionContextDestroyed', () => {
      // Under --inspect-brk the exiting process waits until the debugger goes.
      if (launched) client.close();
    });
    await this.setUp(main, client, !launched);
    client.onUntyped(
      'NodeWorker.attachedToWorker',
      (params) => void this.workerAttached(client, params as AttachedToWorker),
    );
    client.onUntyped('NodeWorker.receivedMessageFromWorker', (params) => {
      const { sessionId, message } = params as { sessionId: string; message: string };
      this.tunnels.get(sessionId)?.tunnel.receive(message);
    });
    client.onUntyped('NodeWorker.detachedFromWorker', (params) =>
      this.workerGone((params as { sessionId: string }).sessionId),
    );
    try {
      await client.sendUntyped('NodeWorker.enable', { waitForDebuggerOnStart: true });
    } catch (error) {
      this.host.log(
        `Worker threads cannot be debugged in this Node.js (${(error as Error).message}).`,
        'console',
      );
    }
    return main;
  }

  /**
   * A child process of the program announced its inspector: debugs it as one more thread. Resolves
   * true once it runs under the debugger, false when it could not be connected: the child's
   * watchdog then lets it run undebugged (childDebug.ts).
   */
  async addProcess(child: ChildAnnouncement): Promise<boolean> {
    let client: CdpClient;
    try {
      client = await CdpClient.connect(child.inspectorUrl);
    } catch (error) {
      this.host.log(
        `Cannot debug child process ${child.pid}: ${(error as Error).message} It runs on undebugged.`,
        'console',
      );
      return false;
    }
    const name = `${path.basename(child.script) || 'node'} [pid ${child.pid}]`;
    const thread = new DebugThread(this.nextId++, name, client);
    this.byId.set(thread.id, thread);
    this.processes.add(client);
    this.host.sendEvent(new ThreadEvent('started', thread.id));
    // Like the launched program, the child waits at its end until the debugger goes.
    client.Runtime.on('executionContextDestroyed', () => client.close());
    client.onClose(() => {
      this.processes.delete(client);
      this.byId.delete(thread.id);
      this.host.breakpoints.threadGone(thread);
      this.host.inspection.release(thread);
      this.host.sendEvent(new ThreadEvent('exited', thread.id));
    });
    try {
      await this.setUp(thread, client, false);
    } catch {
      // It ended while being set up; its close event removes it.
    }
    await client.Runtime.runIfWaitingForDebugger().catch(() => {});
    return true;
  }

  /** Lets go of the child processes' connections (the session ends). */
  closeProcesses(): void {
    for (const client of this.processes) client.close();
  }

  private async workerAttached(client: CdpClient, attached: AttachedToWorker): Promise<void> {
    const tunnel = new WorkerTunnel(client, attached.sessionId);
    const entry: { tunnel: WorkerTunnel; thread: DebugThread | undefined } = { tunnel, thread: undefined };
    this.tunnels.set(attached.sessionId, entry);
    const info = attached.workerInfo;
    // Cinescope's own threads (the event drain) and Node's (the ES module loader's hooks threads,
    // which the runtime starts when it traces ES modules) are let go untouched.
    if (info.url.includes(this.host.runtimeDir) || info.url.startsWith('node:internal/')) {
      await tunnel.api.Runtime.runIfWaitingForDebugger().catch(() => {});
      await client.sendUntyped('NodeWorker.detach', { sessionId: attached.sessionId }).catch(() => {});
      this.workerGone(attached.sessionId);
      return;
    }
    const thread = new DebugThread(this.nextId++, workerName(info), tunnel.api);
    entry.thread = thread;
    this.byId.set(thread.id, thread);
    this.host.sendEvent(new ThreadEvent('started', thread.id));
    try {
      await this.setUp(thread, tunnel.api, false);
      await tunnel.api.Runtime.runIfWaitingForDebugger();
    } catch {
      // The worker ended while we set it up; its detach event removes it.
    }
  }

  private workerGone(sessionId: string): void {
    const entry = this.tunnels.get(sessionId);
    if (!entry) return;
    this.tunnels.delete(sessionId);
    entry.tunnel.close('the worker thread ended');
    const thread = entry.thread;
    if (!thread) return;
    this.byId.delete(thread.id);
    this.host.breakpoints.threadGone(thread);
    this.host.inspection.release(thread);
    this.host.sendEvent(new ThreadEvent('exited', thread.id));
  }

  private async setUp(thread: DebugThread, cdp: CdpApi | CdpClient, consoleOutput: boolean): Promise<void> {
    const { breakpoints, pauses, inspection, runtimeDir } = this.host;
    const config = this.host.config();
    cdp.Debugger.on('scriptParsed', (event) => {
      const own = event.url.includes(runtimeDir);
      const sourceMapURL = own ? undefined : event.sourceMapURL;
      const script = thread.scripts.add(event.scriptId, event.url, sourceMapURL, config?.sourceMaps ?? true);
      if (script.map) void breakpoints.scriptParsed(thread, script);
      if (thread.id === 1 && script.path) this.host.mainScriptParsed(event.scriptId, event.url);
      else if (script.path && !own) this.host.otherScriptParsed(script.path);
    });
    cdp.Debugger.on('paused', (event) => void pauses.paused(thread, event));
    cdp.Debugger.on('resumed', () => {
      thread.paused = undefined;
      inspection.release(thread);
    });
    cdp.Debugger.on('breakpointResolved', (event) =>
      breakpoints.resolved(thread, event.breakpointId, event.location),
    );
    if (consoleOutput) {
      // A launched program's output comes from its stdout and stderr; an attached one's from console calls.
      cdp.Runtime.on('consoleAPICalled', (event) => this.host.log(inspection.consoleText(event), 'stdout'));
    }
    await cdp.Runtime.enable();
    await cdp.Debugger.enable({});
    await cdp.Debugger.setPauseOnExceptions({ state: this.host.exceptionState() });
    // Our runtime and the skipped files are stepped over.
    const patterns = [escapeRegex(runtimeDir), ...(config?.skipFiles ?? []).map(globToRegex)];
    await cdp.Debugger.setBlackboxPatterns({ patterns });
    if (config?.sourceMaps !== false) {
      await cdp.Debugger.setInstrumentationBreakpoint({
        instrumentation: 'beforeScriptWithSourceMapExecution',
      });
    }
    await breakpoints.applyAll(thread);
  }
}

/** `Worker squarer` for a named worker, else `Worker pipeline.cjs`, else Node's `[worker 3]`. */
function workerName(info: AttachedToWorker['workerInfo']): string {
  const named = /^\[worker \d+\] (.+)$/.exec(info.title)?.[1];
  const file = info.url.startsWith('file://') ? path.basename(info.url) : '';
  return `Worker ${named || file || info.title}`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A skipFiles glob (`**` any folders, `*` any name part) as a regex over script URLs; `<node_internals>` is Node's own modules. */
function globToRegex(glob: string): string {
  if (glob.startsWith('<node_internals>')) return '^node:';
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      out += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += escapeRegex(c);
  }
  return out + '$';
}

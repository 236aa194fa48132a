/**
 * The Cinescope debug session: DAP on one side, CDP on the other, and a trace recorded as the
 * program runs. Free of `vscode` imports: VS Code runs it inline, `cinescope dap` over stdio, the
 * tests on in-memory streams.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BreakpointEvent, Event, ExitedEvent, InitializedEvent } from '@vscode/debugadapter';
import { OutputEvent, TerminatedEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { defaultTraceName } from '../runtime/launchEnv';
import { BreakpointBook } from './breakpoints';
import { startChildDebugging } from './childProcesses';
import type { ChildDebugging, ChildEndpoint } from './childProcesses';
import { validateDebugConfiguration } from './config';
import type { DebugConfiguration } from './config';
import { CAPABILITIES } from './capabilities';
import { answerCustomRequest, createTracePointManager } from './customHandlers';
import { FunctionTracingSwitches } from './functionTracing';
import { CustomEvent } from './customRequests';
import { attach, injectRuntime, launch, releaseThreads, runtimeConfigFor, stopProgram } from './debuggee';
import type { Debuggee } from './debuggee';
import { MapPredictor } from './mapPredictor';
import { PauseHandler } from './pauses';
import { Inspection } from './inspection';
import { watchProgram } from './lifeline';
import type { Lifeline } from './lifeline';
import { Threads } from './threads';
import { externalSink, fileSink } from './traceSink';
import type { ExternalCollector, TraceSink } from './traceSink';
import type { TracePointManager } from './tracePoints';
import { RequestError, ThreadRequestSession } from './sessionRequests';

export interface CinescopeSessionOptions {
  /** dist/runtime/preload.js, the runtime bundle the program loads. */
  preloadPath: string;
  /** The extension's live collector; without one the session records into its own trace file. */
  collector?: ExternalCollector;
  /** Called after the response to `disconnect` (the stdio adapter exits then). */
  onDisconnected?: () => void;
}

export class CinescopeSession extends ThreadRequestSession {
  private config: DebugConfiguration | undefined;
  private debuggee: Debuggee | undefined;
  private sink: TraceSink | undefined;
  protected readonly threads: Threads;
  private readonly breakpoints = new BreakpointBook(
    () => this.threads.all(),
    (bp) => this.sendEvent(new BreakpointEvent('changed', bp)),
  );
  protected readonly pauses: PauseHandler;
  protected readonly inspection: Inspection;
  private tracePoints: TracePointManager | undefined;
  private exceptionState: 'none' | 'uncaught' | 'all' = 'none';
  private childEndpoint: ChildEndpoint | undefined;
  private runtimeSession = '';
  private ending: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private lifeline: Lifeline | undefined;
  private readonly started = Date.now();
  /** Function tracing switches, kept for a runtime that has not loaded yet (functionTracing.ts). */
  private readonly functionTracing = new FunctionTracingSwitches(
    (text) => this.log(text),
    () =>
      this.config?.request === 'launch' && this.debuggee
        ? { cdp: this.debuggee.cdp, url: pathToFileURL(this.config.program).href }
        : undefined,
  );

  constructor(private readonly options: CinescopeSessionOptions) {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
    this.pauses = new PauseHandler(this.breakpoints, {
      stopped: (event) => this.sendEvent(event),
      log: (text, category) => this.log(text, category),
      stopOnEntry: () => this.config?.request === 'launch' && this.config.stopOnEntry,
      isOwnScript: (url) => url.includes(path.dirname(options.preloadPath)),
      passGate: async (thread, ids) => {
        if (thread.id !== 1) return false;
        const tracePointGate = this.tracePoints !== undefined && (await this.tracePoints.passGate(ids));
        // At any gate the runtime has loaded: switches sent before it did are applied there.
        const switchGate = await this.functionTracing.passGate(ids, thread.cdp, tracePointGate);
        return tracePointGate || switchGate;
      },
    });
    this.inspection = new Inspection(path.dirname(options.preloadPath));
    this.threads = new Threads({
      breakpoints: this.breakpoints,
      pauses: this.pauses,
      inspection: this.inspection,
      runtimeDir: path.dirname(options.preloadPath),
      config: () => this.config,
      exceptionState: () => this.exceptionState,
      mainScriptParsed: (scriptId, url) => {
        void this.tracePoints?.scriptParsed(scriptId, url);
        const main = this.threads.get(1);
        if (main) void this.functionTracing.scriptParsed(url, main.cdp);
      },
      otherScriptParsed: (file) => this.tracePoints?.otherThreadLoaded(file),
      log: (text, category) => this.log(text, category),
      sendEvent: (event) => this.sendEvent(event),
    });
  }

  /** A line in the client's Debug Console. */
  log(text: string, category: 'console' | 'stdout' | 'stderr' | 'important' = 'console'): void {
    this.sendEvent(new OutputEvent(text.endsWith('\n') ? text : `${text}\n`, category));
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = CAPABILITIES;
    this.sendResponse(response);
  }

  protected override launchRequest(response: DebugProtocol.LaunchResponse, args: unknown): void {
    this.handle(response, () => this.startDebuggee(args, 'launch'));
  }

  protected override attachRequest(response: DebugProtocol.AttachResponse, args: unknown): void {
    this.handle(response, () => this.startDebuggee(args, 'attach'));
  }

  private async startDebuggee(args: unknown, request: 'launch' | 'attach'): Promise<void> {
    const validated = validateDebugConfiguration({ ...(args as object), request });
    if (!validated.ok) throw new RequestError(validated.message);
    const config = (this.config = validated.config);
    for (const note of config.notes) this.log(note);
    if (config.sourceMaps) this.breakpoints.predictor = new MapPredictor(config.cwd, config.outFiles);
    this.sink = this.options.collector
      ? externalSink(this.options.collector)
      : await fileSink(config.traceFile ?? path.resolve(config.cwd, defaultTraceName()));
    const runtime = runtimeConfigFor(config, this.sink);
    this.runtimeSession = runtime.session ?? '';
    try {
      let children: ChildDebugging | undefined;
      if (config.request === 'launch' && config.autoAttachChildProcesses) {
        const started = await startChildDebugging(this.options.preloadPath, (c) =>
          this.threads.addProcess(c),
        );
        if (typeof started === 'string') this.log(started);
        else ({ endpoint: this.childEndpoint, ...children } = started);
      }
      this.debuggee =
        config.request === 'launch'
          ? await launch(
              config,
              this.options.preloadPath,
              runtime,
              (category, text) => this.sendEvent(new OutputEvent(text, category)),
              children,
            )
          : await attach(config);
    } catch (error) {
      this.childEndpoint?.close();
      await this.sink.dispose();
      throw new RequestError((error as Error).message);
    }
    const { cdp, child } = this.debuggee;
    if (child?.pid !== undefined) {
      const lifeline = watchProgram(child.pid);
      if (typeof lifeline === 'string') this.log(lifeline);
      else this.lifeline = lifeline;
    }
    cdp.onListenerError((error) =>
      this.log(`Cinescope adapter error: ${(error as Error).message}`, 'stderr'),
    );
    // 'close', not 'exit': the program's last output must reach the client before the end.
    child?.on('close', (code, signal) => void this.programEnded(code, signal));
    cdp.onClose(() => {
      if (!child) void this.programEnded(null, null);
    });
    this.tracePoints = createTracePointManager(cdp, this.threads, this.breakpoints, {
      log: (message) => this.log(message),
      launched: config.request === 'launch',
      changed: (file, tracePoints) =>
        this.sendEvent(new Event(CustomEvent.tracePointsChanged, { path: file, tracePoints })),
    });
    try {
      await this.threads.addMain(cdp, config.request === 'launch');
      if (config.request === 'attach') this.log(await injectRuntime(cdp, this.options.preloadPath, runtime));
    } catch (error) {
      const reason = (error as Error).message.replace(/\.$/, '');
      await this.abandonStart();
      throw new RequestError(
        config.request === 'launch'
          ? `The program started, but the debugger could not take it over (${reason}); it was stopped.`
          : `Attached, but the debugger could not take the program over (${reason}); it was let go.`,
      );
    }
    this.sendEvent(new InitializedEvent());
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.handle(response, async () => {
      await this.threads.get(1)?.cdp.Runtime.runIfWaitingForDebugger();
    });
  }

  protected override setBreakPointsRequest(
    response: DebugProtocol.SetBreakpointsResponse,
    args: DebugProtocol.SetBreakpointsArguments,
  ): void {
    this.handle(response, async () => {
      const file = args.source.path;
      if (!file) throw new RequestError('Breakpoints need a source with a path.');
      response.body = { breakpoints: await this.breakpoints.set(path.resolve(file), args.breakpoints ?? []) };
    });
  }

  protected override setExceptionBreakPointsRequest(
    response: DebugProtocol.SetExceptionBreakpointsResponse,
    args: DebugProtocol.SetExceptionBreakpointsArguments,
  ): void {
    this.handle(response, async () => {
      const filters = args.filters ?? [];
      this.exceptionState = filters.includes('all')
        ? 'all'
        : filters.includes('uncaught')
          ? 'uncaught'
          : 'none';
      for (const thread of this.threads.all()) {
        await thread.cdp.Debugger.setPauseOnExceptions({ state: this.exceptionState });
      }
    });
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.handle(response, async () => {
      // The program's exit ends the session (and writes the trace).
      const child = this.debuggee?.child;
      if (!child || !(await stopProgram(child, this.threads.all()))) await this.programEnded(null, null);
    });
  }

  protected override disconnectRequest(
    response: DebugProtocol.DisconnectResponse,
    args: DebugProtocol.DisconnectArguments,
  ): void {
    void this.handle(response, async () => {
      const child = this.debuggee?.child;
      // An attached program is left running: we did not start it.
      const kill = child !== undefined && (args.terminateDebuggee ?? true);
      if (kill && child) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        if (await stopProgram(child, this.threads.all())) await exited;
      } else {
        await releaseThreads(this.threads.all());
      }
      await this.programEnded(child?.exitCode ?? null, child?.signalCode ?? null, !kill);
    }).then(() => this.options.onDisconnected?.());
  }

  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    this.handle(response, async () => {
      const answer = await answerCustomRequest(command, args, {
        tracePoints: this.tracePoints,
        threads: this.threads.all(),
        sink: this.sink,
        functionTracing: this.functionTracing,
        log: (text) => this.log(text),
      });
      if (answer.type === 'error') throw new RequestError(answer.message);
      response.body = answer.body;
    });
  }

  /**
   * Ends the session when its client is gone without a `disconnect` (the stdio adapter's input
   * closed): a launched program is stopped, an attached one let go, the trace written.
   */
  close(): Promise<void> {
    this.closing ??= this.closeNow();
    return this.closing;
  }

  /**
   * VS Code disposes an inline adapter when its session goes. Normally the session has ended by
   * then; if it was dropped without a `disconnect`, the program is ended as when the stdio
   * adapter's input closes, rather than left running paused.
   */
  override dispose(): void {
    if (this.debuggee && !this.ending) void this.close();
    super.dispose();
  }

  private async closeNow(): Promise<void> {
    const child = this.debuggee?.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const closed = new Promise((resolve) => child.once('close', resolve));
      if (await stopProgram(child, this.threads.all())) await closed;
    } else if (!child) {
      await releaseThreads(this.threads.all());
    }
    await this.programEnded(child?.exitCode ?? null, child?.signalCode ?? null, !child);
  }

  /**
   * The program was reached but could not be taken over: nothing of the start stays behind. A
   * launched program (still paused under --inspect-brk) is stopped, an attached one let go, the
   * trace sink discarded. No `terminated`: the failed request says it all.
   */
  private async abandonStart(): Promise<void> {
    if (this.ending) {
      // The program or its connection ended meanwhile: the session already ended the usual way.
      await this.ending;
      return;
    }
    this.ending = Promise.resolve();
    this.tracePoints?.dispose();
    this.tracePoints = undefined;
    this.lifeline?.release();
    this.childEndpoint?.close();
    this.threads.closeProcesses();
    const debuggee = this.debuggee;
    this.debuggee = undefined;
    const child = debuggee?.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const closed = new Promise((resolve) => child.once('close', resolve));
      if (await stopProgram(child, this.threads.all())) await closed;
    } else if (!child) {
      await releaseThreads(this.threads.all());
    }
    debuggee?.cdp.close();
    await this.sink?.dispose();
  }

  /** The program exited or the connection dropped: writes the trace and ends the session, once. */
  private programEnded(code: number | null, signal: NodeJS.Signals | null, detached = false): Promise<void> {
    // Started on the next tick: ending closes the connection, whose close handler calls this again.
    this.ending ??= Promise.resolve().then(() => this.endSession(code, signal, detached));
    return this.ending;
  }

  private async endSession(
    code: number | null,
    signal: NodeJS.Signals | null,
    detached: boolean,
  ): Promise<void> {
    this.tracePoints?.dispose();
    // The program has ended, or was deliberately left running: its watcher goes.
    this.lifeline?.release();
    this.childEndpoint?.close();
    this.threads.closeProcesses();
    this.debuggee?.cdp.close();
    const message = await this.sink?.finish(
      {
        program: this.config?.request === 'launch' ? this.config.program : 'attached',
        session: this.runtimeSession,
        exitCode: String(code ?? ''),
        ...(signal ? { signal } : {}),
        recordedAt: new Date(this.started).toISOString(),
      },
      !detached,
    );
    if (message) this.log(message);
    if (this.debuggee?.child) this.sendEvent(new ExitedEvent(code ?? (signal ? 128 : 1)));
    this.sendEvent(new TerminatedEvent());
  }
}

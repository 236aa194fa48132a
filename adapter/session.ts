/**
 * The Cinescope debug session: DAP on one side, CDP on the other, and a trace recorded as the
 * program runs. Free of `vscode` imports: VS Code runs it inline, `cinescope dap` over stdio, the
 * tests on in-memory streams.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { DebugSession, InitializedEvent, OutputEvent, TerminatedEvent, ExitedEvent } from '@vscode/debugadapter';
import { BreakpointEvent, Event, Thread } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { defaultTraceName } from '../runtime/launchEnv';
import { BreakpointBook } from './breakpoints';
import type { CdpClient } from './cdp';
import { validateDebugConfiguration } from './config';
import type { DebugConfiguration } from './config';
import { CustomEvent, CustomRequest } from './customRequests';
import type { SetFunctionTracingArguments, SetTracePointsArguments, TracePointState } from './customRequests';
import { attach, injectRuntime, launch, runtimeConfigFor } from './debuggee';
import type { Debuggee } from './debuggee';
import { setFunctionTracing } from './functionTracing';
import { MapPredictor } from './mapPredictor';
import { PauseHandler } from './pauses';
import { Inspection } from './inspection';
import { DebugThread } from './thread';
import { externalSink, fileSink } from './traceSink';
import type { ExternalCollector, TraceSink } from './traceSink';
import { TracePointManager } from './tracePoints';

export interface CinescopeSessionOptions {
  /** dist/runtime/preload.js, the runtime bundle the program loads. */
  preloadPath: string;
  /** The extension's live collector; without one the session records into its own trace file. */
  collector?: ExternalCollector;
  /** Called after the response to `disconnect` (the stdio adapter exits then). */
  onDisconnected?: () => void;
}

/** An expected failure of a request: its sentence goes to the user. */
class RequestError extends Error {}

export class CinescopeSession extends DebugSession {
  private config: DebugConfiguration | undefined;
  private debuggee: Debuggee | undefined;
  private sink: TraceSink | undefined;
  private readonly threads = new Map<number, DebugThread>();
  private readonly breakpoints = new BreakpointBook(
    () => [...this.threads.values()],
    (bp) => this.sendEvent(new BreakpointEvent('changed', bp)),
  );
  private readonly pauses: PauseHandler;
  private readonly inspection: Inspection;
  private tracePoints: TracePointManager | undefined;
  private exceptionState: 'none' | 'uncaught' | 'all' = 'none';
  private configured = false;
  private ended = false;
  private readonly started = Date.now();

  constructor(private readonly options: CinescopeSessionOptions) {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
    this.pauses = new PauseHandler(this.breakpoints, {
      stopped: (event) => this.sendEvent(event),
      log: (text, category) => this.log(text, category),
      stopOnEntry: () => this.config?.request === 'launch' && this.config.stopOnEntry,
    });
    this.inspection = new Inspection((id) => this.threads.get(id));
  }

  /** A line in the client's Debug Console. */
  log(text: string, category: 'console' | 'stdout' | 'stderr' | 'important' = 'console'): void {
    this.sendEvent(new OutputEvent(text.endsWith('\n') ? text : `${text}\n`, category));
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsEvaluateForHovers: true,
      supportsTerminateRequest: true,
      supportsLoadedSourcesRequest: true,
      exceptionBreakpointFilters: [
        { filter: 'all', label: 'Caught Exceptions', default: false },
        { filter: 'uncaught', label: 'Uncaught Exceptions', default: false },
      ],
    };
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
    try {
      this.debuggee =
        config.request === 'launch'
          ? await launch(config, this.options.preloadPath, runtime, (category, text) =>
              this.sendEvent(new OutputEvent(text, category)),
            )
          : await attach(config);
    } catch (error) {
      await this.sink.dispose();
      throw new RequestError((error as Error).message);
    }
    const { cdp, child } = this.debuggee;
    cdp.onListenerError((error) => this.log(`Cinescope adapter error: ${(error as Error).message}`, 'stderr'));
    // 'close', not 'exit': the program's last output must reach the client before the end.
    child?.on('close', (code, signal) => void this.programEnded(code, signal));
    cdp.onClose(() => {
      if (!child) void this.programEnded(null, null);
    });
    const main = new DebugThread(1, 'Main Thread', cdp);
    this.threads.set(1, main);
    this.tracePoints = new TracePointManager({
      cdp,
      scriptsForPath: (file) => main.scripts.forPath(file),
      reapplyBreakpoints: async (scriptId) => {
        const script = main.scripts.get(scriptId);
        if (script) await this.breakpoints.reapply(main, script);
      },
      log: (message) => this.log(message),
      changed: (file, tracePoints) =>
        this.sendEvent(new Event(CustomEvent.tracePointsChanged, { path: file, tracePoints })),
    });
    await this.setUpThread(main, cdp, config.request === 'attach');
    if (config.request === 'attach') this.log(await injectRuntime(cdp, this.options.preloadPath, runtime));
    this.sendEvent(new InitializedEvent());
  }

  private async setUpThread(thread: DebugThread, cdp: CdpClient, attached: boolean): Promise<void> {
    const runtimeDir = path.dirname(this.options.preloadPath);
    cdp.Debugger.on('scriptParsed', (event) => {
      const own = event.url.includes(runtimeDir);
      const script = thread.scripts.add(
        event.scriptId,
        event.url,
        own ? undefined : event.sourceMapURL,
        this.config?.sourceMaps ?? true,
      );
      if (script.map) void this.breakpoints.scriptParsed(thread, script);
      if (thread.id === 1 && script.path) void this.tracePoints?.scriptParsed(event.scriptId, event.url);
    });
    cdp.Debugger.on('paused', (event) => void this.pauses.paused(thread, event));
    cdp.Debugger.on('resumed', () => {
      thread.paused = undefined;
      this.inspection.release(thread);
    });
    cdp.Debugger.on('breakpointResolved', (event) =>
      this.breakpoints.resolved(thread, event.breakpointId, event.location),
    );
    if (attached) {
      // A launched program's output comes from its stdout and stderr; an attached one's from console calls.
      cdp.Runtime.on('consoleAPICalled', (event) => this.log(this.inspection.consoleText(event), 'stdout'));
    }
    cdp.Runtime.on('executionContextDestroyed', () => {
      // Under --inspect-brk the exiting process waits until the debugger goes.
      if (thread.id === 1 && this.debuggee?.child) cdp.close();
    });
    await cdp.Runtime.enable();
    await cdp.Debugger.enable({});
    await cdp.Debugger.setPauseOnExceptions({ state: this.exceptionState });
    // Our runtime and the skipped files are stepped over.
    const patterns = [escapeRegex(runtimeDir), ...(this.config?.skipFiles ?? []).map(globToRegex)];
    await cdp.Debugger.setBlackboxPatterns({ patterns });
    if (this.config?.sourceMaps !== false) {
      await cdp.Debugger.setInstrumentationBreakpoint({ instrumentation: 'beforeScriptWithSourceMapExecution' });
    }
    await this.breakpoints.applyAll(thread);
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.handle(response, async () => {
      this.configured = true;
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
      this.exceptionState = filters.includes('all') ? 'all' : filters.includes('uncaught') ? 'uncaught' : 'none';
      for (const thread of this.threads.values()) {
        await thread.cdp.Debugger.setPauseOnExceptions({ state: this.exceptionState });
      }
    });
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: [...this.threads.values()].map((t) => new Thread(t.id, t.name)) };
    this.sendResponse(response);
  }

  protected override continueRequest(
    response: DebugProtocol.ContinueResponse,
    args: DebugProtocol.ContinueArguments,
  ): void {
    this.handle(response, async () => {
      await this.pauses.resume(this.thread(args.threadId), 'continue');
      response.body = { allThreadsContinued: false };
    });
  }

  protected override nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): void {
    this.handle(response, () => this.pauses.resume(this.thread(args.threadId), 'stepOver'));
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
    this.handle(response, () => this.pauses.resume(this.thread(args.threadId), 'stepInto'));
  }

  protected override stepOutRequest(
    response: DebugProtocol.StepOutResponse,
    args: DebugProtocol.StepOutArguments,
  ): void {
    this.handle(response, () => this.pauses.resume(this.thread(args.threadId), 'stepOut'));
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse, args: DebugProtocol.PauseArguments): void {
    this.handle(response, () => this.pauses.pause(this.thread(args.threadId)));
  }

  protected override stackTraceRequest(
    response: DebugProtocol.StackTraceResponse,
    args: DebugProtocol.StackTraceArguments,
  ): void {
    this.handle(response, async () => {
      response.body = this.inspection.stackTrace(this.thread(args.threadId), args.startFrame, args.levels);
    });
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    this.handle(response, async () => {
      response.body = { scopes: this.inspection.scopes(args.frameId) };
    });
  }

  protected override variablesRequest(
    response: DebugProtocol.VariablesResponse,
    args: DebugProtocol.VariablesArguments,
  ): void {
    this.handle(response, async () => {
      response.body = { variables: await this.inspection.variables(args.variablesReference) };
    });
  }

  protected override evaluateRequest(
    response: DebugProtocol.EvaluateResponse,
    args: DebugProtocol.EvaluateArguments,
  ): void {
    this.handle(response, async () => {
      const main = this.threads.get(1);
      if (!main) throw new RequestError('No program is running.');
      const result = await this.inspection.evaluate(main, args);
      if (typeof result === 'string') throw new RequestError(result);
      response.body = result;
    });
  }

  protected override sourceRequest(response: DebugProtocol.SourceResponse, args: DebugProtocol.SourceArguments): void {
    this.handle(response, async () => {
      response.body = await this.inspection.source(args.source?.sourceReference ?? args.sourceReference);
    });
  }

  protected override loadedSourcesRequest(response: DebugProtocol.LoadedSourcesResponse): void {
    response.body = { sources: this.inspection.loadedSources(this.threads.get(1)) };
    this.sendResponse(response);
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.handle(response, async () => {
      const child = this.debuggee?.child;
      // SIGTERM lets the runtime send its last events; the exit ends the session.
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      else await this.programEnded(null, null);
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
      if (child && kill && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      } else if (!kill) {
        const main = this.threads.get(1);
        await main?.cdp.Debugger.resume({}).catch(() => {});
      }
      await this.programEnded(child?.exitCode ?? null, child?.signalCode ?? null, !kill);
    }).then(() => this.options.onDisconnected?.());
  }

  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    this.handle(response, async () => {
      if (command === CustomRequest.setTracePoints) {
        const { source, lines } = (args ?? {}) as Partial<SetTracePointsArguments>;
        if (!source?.path || !Array.isArray(lines)) {
          throw new RequestError('cinescope/setTracePoints needs { source: { path }, lines: number[] }.');
        }
        if (!this.tracePoints) throw new RequestError('Trace points need a running program.');
        const tracePoints: TracePointState[] = await this.tracePoints.set(path.resolve(source.path), lines);
        response.body = { tracePoints };
      } else if (command === CustomRequest.setFunctionTracing) {
        const targets = [...this.threads.values()].map((t) => t.cdp);
        if (targets.length === 0) throw new RequestError('Function tracing needs a running program.');
        const outcome = await setFunctionTracing(targets, (args ?? {}) as SetFunctionTracingArguments);
        if (outcome.message) this.log(outcome.message);
        response.body = outcome;
      } else if (command === CustomRequest.traceStatus) {
        if (!this.sink) throw new RequestError('No trace is being recorded: launch or attach first.');
        response.body = { destination: this.sink.destination, ...this.sink.stats() };
      } else {
        throw new RequestError(`Unknown request '${command}'.`);
      }
    });
  }

  /** The program exited or the connection dropped: writes the trace and ends the session once. */
  private async programEnded(code: number | null, signal: NodeJS.Signals | null, detached = false): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.tracePoints?.dispose();
    this.debuggee?.cdp.close();
    const message = await this.sink?.finish({
      program: this.config?.request === 'launch' ? this.config.program : 'attached',
      session: randomBytes(8).toString('hex'),
      exitCode: String(code ?? ''),
      ...(signal ? { signal } : {}),
      recordedAt: new Date(this.started).toISOString(),
    }, !detached);
    if (message) this.log(message);
    if (this.debuggee?.child) this.sendEvent(new ExitedEvent(code ?? (signal ? 128 : 1)));
    this.sendEvent(new TerminatedEvent());
  }

  private thread(id: number): DebugThread {
    const thread = this.threads.get(id);
    if (!thread) throw new RequestError(`There is no thread ${id}.`);
    return thread;
  }

  /** Runs a request: expected failures become error responses with their sentence. */
  private handle(response: DebugProtocol.Response, work: () => Promise<void>): Promise<void> {
    return work().then(
      () => this.sendResponse(response),
      (error: Error) => {
        const sentence = error instanceof RequestError ? error.message : `Internal error: ${error.message}`;
        // `_`-prefixed variables are substituted as they are (the others count as private data).
        this.sendErrorResponse(response, { id: 1, format: '{_message}', variables: { _message: sentence }, showUser: true });
      },
    );
  }

  /** Whether configurationDone arrived (breakpoints are set before the program runs). */
  get isConfigured(): boolean {
    return this.configured;
  }
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `**​/node_modules/**` → a regex over script URLs; `<node_internals>` → Node's own modules. */
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

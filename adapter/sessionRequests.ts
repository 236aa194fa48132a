/**
 * The DAP requests that act on the program's threads as they are (threads, stepping, stack,
 * variables, evaluate, sources), and how every request answers: the base of `CinescopeSession`
 * (`session.ts`), which owns the start, the breakpoints and the end of the session.
 */
import { DebugSession, Thread } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Inspection } from './inspection';
import type { PauseHandler } from './pauses';
import type { DebugThread } from './thread';
import type { Threads } from './threads';

/** An expected failure of a request: its sentence goes to the user. */
export class RequestError extends Error {}

export abstract class ThreadRequestSession extends DebugSession {
  protected abstract readonly threads: Threads;
  protected abstract readonly pauses: PauseHandler;
  protected abstract readonly inspection: Inspection;

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: this.threads.all().map((t) => new Thread(t.id, t.name)) };
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

  protected override nextRequest(
    response: DebugProtocol.NextResponse,
    args: DebugProtocol.NextArguments,
  ): void {
    this.handle(response, () => this.pauses.resume(this.thread(args.threadId), 'stepOver'));
  }

  protected override stepInRequest(
    response: DebugProtocol.StepInResponse,
    args: DebugProtocol.StepInArguments,
  ): void {
    this.handle(response, () => this.pauses.resume(this.thread(args.threadId), 'stepInto'));
  }

  protected override stepOutRequest(
    response: DebugProtocol.StepOutResponse,
    args: DebugProtocol.StepOutArguments,
  ): void {
    this.handle(response, () => this.pauses.resume(this.thread(args.threadId), 'stepOut'));
  }

  protected override pauseRequest(
    response: DebugProtocol.PauseResponse,
    args: DebugProtocol.PauseArguments,
  ): void {
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

  protected override scopesRequest(
    response: DebugProtocol.ScopesResponse,
    args: DebugProtocol.ScopesArguments,
  ): void {
    this.handle(response, async () => {
      response.body = { scopes: await this.inspection.scopes(args.frameId) };
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

  protected override sourceRequest(
    response: DebugProtocol.SourceResponse,
    args: DebugProtocol.SourceArguments,
  ): void {
    this.handle(response, async () => {
      response.body = await this.inspection.source(args.source?.sourceReference ?? args.sourceReference);
    });
  }

  protected override loadedSourcesRequest(response: DebugProtocol.LoadedSourcesResponse): void {
    response.body = { sources: this.inspection.loadedSources(this.threads.get(1)) };
    this.sendResponse(response);
  }

  protected thread(id: number): DebugThread {
    const thread = this.threads.get(id);
    if (!thread) throw new RequestError(`There is no thread ${id}.`);
    return thread;
  }

  /** Runs a request: expected failures become error responses with their sentence. */
  protected handle(response: DebugProtocol.Response, work: () => Promise<void>): Promise<void> {
    return work().then(
      () => this.sendResponse(response),
      (error: Error) => {
        const sentence = error instanceof RequestError ? error.message : `Internal error: ${error.message}`;
        // `_`-prefixed variables are substituted as they are (the others count as private data).
        this.sendErrorResponse(response, {
          id: 1,
          format: '{_message}',
          variables: { _message: sentence },
          showUser: true,
        });
      },
    );
  }
}

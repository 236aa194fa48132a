/**
 * Watches the DAP traffic of Cinescope debug sessions from inside the extension host, the way
 * VS Code's own UI learns of it: a tracker sees every `stopped` and `terminated` event the adapter
 * sends. Steps wait on these instead of sleeping.
 */
import { appendFileSync } from 'node:fs';
import * as vscode from 'vscode';

interface Exchange {
  /** The debug session's id. */
  session: string;
  seq: number;
  command: string;
  arguments: unknown;
  response?: { success: boolean; message?: string; body?: unknown };
}

interface StoppedEvent {
  session: vscode.DebugSession;
  threadId: number;
  reason: string;
}

export class DebugWatch implements vscode.Disposable {
  private readonly stops: StoppedEvent[] = [];
  /** Cinescope's own events (`cinescope/tracePointsChanged`…), by session id. */
  private readonly customEvents: { session: string; event: string; body: unknown }[] = [];
  /** Requests VS Code sent to the adapters, with the adapter's response once it came. */
  private readonly requests: Exchange[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly ended = new Set<string>();
  private readonly disposables: vscode.Disposable[];

  /** Every DAP message of every session goes to `logFile`, for the developer reading a failure. */
  constructor(debugType: string, logFile: string) {
    const log = (session: vscode.DebugSession, direction: string, message: unknown) =>
      appendFileSync(
        logFile,
        `${new Date().toISOString()} ${session.name} ${direction} ${JSON.stringify(message).slice(0, 2000)}\n`,
      );
    this.disposables = [
      vscode.debug.registerDebugAdapterTrackerFactory(debugType, {
        createDebugAdapterTracker: (session) => ({
          onWillReceiveMessage: (m: {
            type?: string;
            seq?: number;
            command?: string;
            arguments?: unknown;
          }) => {
            log(session, '<-', m);
            if (m.type === 'request' && m.command) {
              this.requests.push({
                session: session.id,
                seq: m.seq ?? -1,
                command: m.command,
                arguments: m.arguments,
              });
            }
          },
          onError: (error: Error) => log(session, 'error', error.message),
          onExit: (code: number | undefined, signal: string | undefined) =>
            log(session, 'exit', { code, signal }),
          onDidSendMessage: (m: {
            type?: string;
            event?: string;
            body?: { threadId?: number; reason?: string };
          }) => {
            log(session, '->', m);
            const answer = m as {
              type?: string;
              request_seq?: number;
              success?: boolean;
              message?: string;
              body?: unknown;
            };
            if (answer.type === 'response') {
              const exchange = this.requests.find(
                (r) => r.session === session.id && r.seq === answer.request_seq && !r.response,
              );
              if (exchange)
                exchange.response = { success: !!answer.success, message: answer.message, body: answer.body };
              this.wake();
            }
            if (m.type === 'event' && m.event?.startsWith('cinescope/')) {
              this.customEvents.push({ session: session.id, event: m.event, body: m.body });
              this.wake();
            }
            if (m.type === 'event' && m.event === 'stopped') {
              this.stops.push({ session, threadId: m.body?.threadId ?? 0, reason: m.body?.reason ?? '' });
              this.wake();
            }
          },
        }),
      }),
      vscode.debug.onDidTerminateDebugSession((session) => {
        this.ended.add(session.id);
        this.wake();
      }),
    ];
  }

  /** The next `stopped` event not yet taken. */
  nextStop(timeoutMs: number): Promise<StoppedEvent> {
    return this.until(() => this.stops.shift(), timeoutMs, 'the debuggee did not stop');
  }

  /** The first answered request `command` whose arguments satisfy `match`, sent from now on or before. */
  answered(
    command: string,
    match: (args: unknown) => boolean,
    timeoutMs: number,
    sessionId?: string,
  ): Promise<Exchange> {
    return this.until(
      () =>
        this.requests.find(
          (r) =>
            r.command === command &&
            r.response &&
            (sessionId === undefined || r.session === sessionId) &&
            match(r.arguments),
        ),
      timeoutMs,
      `the adapter answered no ${command} request`,
    );
  }

  /** The first Cinescope event `event` of a session whose body satisfies `match`, sent from now on or before. */
  customEvent(
    sessionId: string,
    event: string,
    match: (body: unknown) => boolean,
    timeoutMs: number,
  ): Promise<unknown> {
    return this.until(
      () =>
        this.customEvents.find((e) => e.session === sessionId && e.event === event && match(e.body))?.body,
      timeoutMs,
      `the adapter sent no matching ${event} event`,
    );
  }

  /** Resolves when the session has ended. */
  waitForEnd(session: vscode.DebugSession, timeoutMs: number): Promise<true> {
    return this.until(
      () => (this.ended.has(session.id) ? true : undefined),
      timeoutMs,
      `the debug session "${session.name}" did not end`,
    );
  }

  private until<T>(take: () => T | undefined, timeoutMs: number, failure: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const value = take();
        if (value === undefined) return false;
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(value);
        return true;
      };
      const wake = (): void => void check();
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(`${failure} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      if (!check()) this.waiters.add(wake);
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

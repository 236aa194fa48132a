/**
 * Looking at a paused program: stack frames (mapped to original sources), scopes, variables,
 * evaluation, sources without a file, console calls as text.
 */
import * as path from 'node:path';
import type Protocol from 'devtools-protocol';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DebugThread } from './thread';
import { VariableStore, describe } from './variables';
import { WrapperScopes } from './wrapperScopes';

const SCOPE_NAMES: Record<string, string> = {
  local: 'Local',
  closure: 'Closure',
  block: 'Block',
  catch: 'Catch',
  with: 'With',
  global: 'Global',
  script: 'Script',
  module: 'Module',
  eval: 'Eval',
  wasmExpressionStack: 'Wasm Stack',
};

export class Inspection {
  /** @param runtimeDir where the runtime's bundles live: their frames are shown collapsed. */
  constructor(private readonly runtimeDir?: string) {}

  private readonly variableStore = new VariableStore();
  private readonly wrapperScopes = new WrapperScopes();
  private readonly frames = new Map<number, { thread: DebugThread; frame: Protocol.Debugger.CallFrame }>();
  private readonly sources = new Map<number, { thread: DebugThread; scriptId: string }>();
  private readonly sourceIds = new Map<string, number>();
  private nextFrame = 1;

  /** The thread resumed: its frames and variables are gone. */
  release(thread: DebugThread): void {
    for (const [id, entry] of this.frames) if (entry.thread === thread) this.frames.delete(id);
    this.variableStore.release(thread);
  }

  stackTrace(thread: DebugThread, start = 0, levels = 0): DebugProtocol.StackTraceResponse['body'] {
    const callFrames = thread.paused?.callFrames ?? [];
    const end = levels > 0 ? Math.min(callFrames.length, start + levels) : callFrames.length;
    const stackFrames: DebugProtocol.StackFrame[] = [];
    for (const frame of callFrames.slice(start, end)) {
      const id = this.nextFrame++;
      this.frames.set(id, { thread, frame });
      const position = this.position(thread, frame.location);
      // Frames of Cinescope's own runtime (its wrappers of emit, postMessage…) are not the user's
      // code: shown collapsed, like Node's internals, so the stack reads as in an untraced run.
      const own =
        this.runtimeDir !== undefined &&
        thread.scripts.get(frame.location.scriptId)?.url.includes(this.runtimeDir);
      stackFrames.push({
        id,
        name: frame.functionName || '(anonymous)',
        ...position,
        ...(own
          ? {
              presentationHint: 'subtle' as const,
              source: { ...position.source, presentationHint: 'deemphasize' as const },
            }
          : {}),
      });
    }
    return { stackFrames, totalFrames: callFrames.length };
  }

  async scopes(frameId: number): Promise<DebugProtocol.Scope[]> {
    const entry = this.frames.get(frameId);
    if (!entry) return [];
    const { thread, frame } = entry;
    const shown = await this.wrapperScopes.shown(thread, frame);
    return shown.map((scope, index) => ({
      name: SCOPE_NAMES[scope.type] ?? scope.type,
      variablesReference: this.variableStore.scope(
        thread,
        scope.objectIds,
        index === 0 ? frame.this : undefined,
      ),
      expensive: scope.type === 'global',
      ...(scope.type === 'local' ? { presentationHint: 'locals' } : {}),
    }));
  }

  variables(reference: number): Promise<DebugProtocol.Variable[]> {
    return this.variableStore.variables(reference);
  }

  /** Evaluates in a paused frame, or globally; a string is the error to show. */
  async evaluate(
    main: DebugThread,
    args: DebugProtocol.EvaluateArguments,
  ): Promise<DebugProtocol.EvaluateResponse['body'] | string> {
    const entry = args.frameId !== undefined ? this.frames.get(args.frameId) : undefined;
    const thread = entry?.thread ?? main;
    // Hovers must not change the program.
    const quiet = args.context === 'hover';
    const { result, exceptionDetails } = entry
      ? await thread.cdp.Debugger.evaluateOnCallFrame({
          callFrameId: entry.frame.callFrameId,
          expression: args.expression,
          includeCommandLineAPI: args.context === 'repl',
          silent: quiet,
          throwOnSideEffect: quiet,
          generatePreview: true,
        })
      : await thread.cdp.Runtime.evaluate({
          expression: args.expression,
          includeCommandLineAPI: args.context === 'repl',
          silent: quiet,
          throwOnSideEffect: quiet,
          replMode: args.context === 'repl',
          generatePreview: true,
        });
    if (exceptionDetails) {
      return (exceptionDetails.exception?.description ?? exceptionDetails.text).split('\n')[0];
    }
    return {
      result: describe(result),
      type: result.subtype ?? result.type,
      variablesReference: this.variableStore.reference(thread, result),
    };
  }

  async source(reference: number | undefined): Promise<DebugProtocol.SourceResponse['body']> {
    const entry = reference !== undefined ? this.sources.get(reference) : undefined;
    if (!entry) return { content: '// The source is no longer available.' };
    const { scriptSource } = await entry.thread.cdp.Debugger.getScriptSource({ scriptId: entry.scriptId });
    return { content: scriptSource, mimeType: 'text/javascript' };
  }

  loadedSources(thread: DebugThread | undefined): DebugProtocol.Source[] {
    const seen = new Set<string>();
    const sources: DebugProtocol.Source[] = [];
    for (const script of thread?.scripts.all() ?? []) {
      for (const file of [
        ...(script.map ? script.sources : []),
        ...(script.path && !script.map ? [script.path] : []),
      ]) {
        if (seen.has(file)) continue;
        seen.add(file);
        sources.push({ name: path.basename(file), path: file });
      }
    }
    return sources;
  }

  /** A console call as the line it printed. */
  consoleText(event: Protocol.Runtime.ConsoleAPICalledEvent): string {
    return event.args.map((arg) => (arg.type === 'string' ? String(arg.value) : describe(arg))).join(' ');
  }

  private position(thread: DebugThread, location: Protocol.Debugger.Location) {
    const script = thread.scripts.get(location.scriptId);
    const column = location.columnNumber ?? 0;
    const original = script ? thread.scripts.toOriginal(script, location.lineNumber, column) : undefined;
    if (original) {
      return {
        source: { name: path.basename(original.path), path: original.path },
        line: original.line + 1,
        column: original.column + 1,
      };
    }
    // node:internal modules and eval'd code: the client asks for the text by reference.
    const key = `${thread.id}:${location.scriptId}`;
    let reference = this.sourceIds.get(key);
    if (reference === undefined) {
      reference = this.sourceIds.size + 1;
      this.sourceIds.set(key, reference);
      this.sources.set(reference, { thread, scriptId: location.scriptId });
    }
    const name = script?.url || `VM${location.scriptId}`;
    return {
      source: { name, sourceReference: reference, presentationHint: 'deemphasize' as const },
      line: location.lineNumber + 1,
      column: column + 1,
    };
  }
}

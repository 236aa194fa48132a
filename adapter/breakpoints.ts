/**
 * The client's breakpoints and their CDP breakpoints on every thread. Line breakpoints of a file
 * go by URL (they resolve when the file loads, in every thread); breakpoints in the original
 * sources of a source-mapped script go to its generated positions once the script is parsed (the
 * session pauses such scripts before they run, see `Debugger.setInstrumentationBreakpoint`).
 * Conditions are V8's; hit counts and log messages are counted and formatted here, on pause.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DebugThread } from './thread';
import type { MapPredictor } from './mapPredictor';
import { generatedPositions, urlRegexFor } from './scripts';
import type { ScriptInfo } from './scripts';

export interface ClientBreakpoint {
  /** DAP breakpoint id. */
  id: number;
  path: string;
  /** 1-based, as the client sent it. */
  line: number;
  condition: string | undefined;
  hitCondition: ((hits: number) => boolean) | undefined;
  logMessage: string | undefined;
  hits: number;
  /** Where it resolved (1-based), for the client. */
  verifiedLine: number | undefined;
  /** CDP breakpoint ids per thread, with the script a by-location breakpoint belongs to. */
  cdp: Map<DebugThread, { cdpId: string; scriptId?: string }[]>;
  /** Compiled files the breakpoint was set in by URL before they loaded (see MapPredictor). */
  predicted: Set<string>;
}

export class BreakpointBook {
  private readonly byPath = new Map<string, ClientBreakpoint[]>();
  private readonly byCdpId = new Map<string, ClientBreakpoint>();
  private readonly parsed = new WeakMap<DebugThread, Map<string, Promise<void>>>();
  private nextId = 1;
  /** Set once the configuration is known. */
  predictor: MapPredictor | undefined;

  constructor(
    private readonly threads: () => DebugThread[],
    private readonly changed: (bp: DebugProtocol.Breakpoint) => void,
  ) {}

  /** Replaces the breakpoints of one file; answers them as the client should show them. */
  async set(file: string, requested: DebugProtocol.SourceBreakpoint[]): Promise<DebugProtocol.Breakpoint[]> {
    for (const old of this.byPath.get(file) ?? []) await this.remove(old);
    const list: ClientBreakpoint[] = [];
    const answers: DebugProtocol.Breakpoint[] = [];
    for (const wanted of requested) {
      const hitCondition = wanted.hitCondition ? parseHitCondition(wanted.hitCondition) : undefined;
      const bp: ClientBreakpoint = {
        id: this.nextId++,
        path: file,
        line: wanted.line,
        condition: wanted.condition?.trim() || undefined,
        hitCondition: hitCondition instanceof Error ? undefined : hitCondition,
        logMessage: wanted.logMessage,
        hits: 0,
        verifiedLine: undefined,
        cdp: new Map(),
        predicted: new Set(),
      };
      if (hitCondition instanceof Error) {
        // Not set at all: a breakpoint that stops on every hit is not what was asked for.
        answers.push({ id: bp.id, verified: false, line: bp.line, message: hitCondition.message });
        continue;
      }
      list.push(bp);
      for (const thread of this.threads()) await this.apply(bp, thread);
      answers.push(this.describe(bp));
    }
    this.byPath.set(file, list);
    return answers;
  }

  /** Sets every breakpoint on a thread that just attached. */
  async applyAll(thread: DebugThread): Promise<void> {
    for (const list of this.byPath.values()) for (const bp of list) await this.apply(bp, thread);
  }

  /** A source-mapped script was parsed: sets the breakpoints of its original sources in it. */
  scriptParsed(thread: DebugThread, script: ScriptInfo): Promise<void> {
    // Once per script: the parse event and the pause before the script runs both ask.
    let perThread = this.parsed.get(thread);
    if (!perThread) this.parsed.set(thread, (perThread = new Map()));
    let done = perThread.get(script.scriptId);
    if (!done) perThread.set(script.scriptId, (done = this.setInParsedScript(thread, script)));
    return done;
  }

  private async setInParsedScript(thread: DebugThread, script: ScriptInfo): Promise<void> {
    for (const source of script.sources) {
      for (const bp of this.byPath.get(source) ?? []) {
        if (!script.path || !bp.predicted.has(script.path)) await this.setInScript(bp, thread, script);
      }
    }
  }

  /** Sets again the breakpoints that belong to a script (a live edit drops them). */
  async reapply(thread: DebugThread, script: ScriptInfo): Promise<void> {
    const paths = new Set([...(script.path ? [script.path] : []), ...script.sources]);
    for (const file of paths) {
      for (const bp of this.byPath.get(file) ?? []) {
        const entries = bp.cdp.get(thread) ?? [];
        const affected = entries.filter((e) => e.scriptId === undefined || e.scriptId === script.scriptId);
        for (const entry of affected) await this.removeOne(thread, entry.cdpId);
        bp.cdp.set(
          thread,
          entries.filter((e) => !affected.includes(e)),
        );
        await this.apply(bp, thread);
      }
    }
  }

  /** The client breakpoint a CDP breakpoint id belongs to. */
  lookup(cdpId: string): ClientBreakpoint | undefined {
    return this.byCdpId.get(cdpId);
  }

  /** A CDP breakpoint resolved in a script that loaded after it was set. */
  resolved(
    thread: DebugThread,
    cdpId: string,
    location: { scriptId: string; lineNumber: number; columnNumber?: number },
  ): void {
    const bp = this.byCdpId.get(cdpId);
    if (!bp || bp.verifiedLine !== undefined) return;
    const script = thread.scripts.get(location.scriptId);
    const original =
      script && thread.scripts.toOriginal(script, location.lineNumber, location.columnNumber ?? 0);
    bp.verifiedLine = (original?.line ?? location.lineNumber) + 1;
    this.changed(this.describe(bp));
  }

  /** Forgets a thread that went away. */
  threadGone(thread: DebugThread): void {
    for (const list of this.byPath.values()) for (const bp of list) bp.cdp.delete(thread);
  }

  private async apply(bp: ClientBreakpoint, thread: DebugThread): Promise<void> {
    const mapped = thread.scripts.mappedFrom(bp.path);
    if (mapped.length > 0) {
      for (const script of mapped) await this.setInScript(bp, thread, script);
      return;
    }
    const targets: { file: string; line: number; column?: number }[] = [{ file: bp.path, line: bp.line - 1 }];
    for (const compiled of this.predictor?.compiledFrom(bp.path) ?? []) {
      for (const position of generatedPositions(compiled.map, bp.path, bp.line - 1)) {
        targets.push({ file: compiled.path, ...position });
        bp.predicted.add(compiled.path);
      }
    }
    for (const target of targets) {
      try {
        const result = await thread.cdp.Debugger.setBreakpointByUrl({
          urlRegex: urlRegexFor(target.file),
          lineNumber: target.line,
          columnNumber: target.column,
          condition: bp.condition,
        });
        this.remember(bp, thread, result.breakpointId, undefined);
        const location = result.locations[0];
        if (location && bp.verifiedLine === undefined) this.resolved(thread, result.breakpointId, location);
      } catch {
        // A thread that went away or refused: the breakpoint stays unverified there.
      }
    }
  }

  private async setInScript(bp: ClientBreakpoint, thread: DebugThread, script: ScriptInfo): Promise<void> {
    for (const position of thread.scripts.toGenerated(script, bp.path, bp.line - 1)) {
      try {
        const result = await thread.cdp.Debugger.setBreakpoint({
          location: { scriptId: script.scriptId, lineNumber: position.line, columnNumber: position.column },
          condition: bp.condition,
        });
        this.remember(bp, thread, result.breakpointId, script.scriptId);
        const original = thread.scripts.toOriginal(
          script,
          result.actualLocation.lineNumber,
          result.actualLocation.columnNumber ?? 0,
        );
        if (bp.verifiedLine === undefined && original) {
          bp.verifiedLine = original.line + 1;
          this.changed(this.describe(bp));
        }
      } catch {
        // No code there: stays unverified.
      }
    }
  }

  private remember(bp: ClientBreakpoint, thread: DebugThread, cdpId: string, scriptId: string | undefined) {
    const entries = bp.cdp.get(thread) ?? [];
    entries.push({ cdpId, scriptId });
    bp.cdp.set(thread, entries);
    this.byCdpId.set(cdpId, bp);
  }

  private async remove(bp: ClientBreakpoint): Promise<void> {
    for (const [thread, entries] of bp.cdp) {
      for (const entry of entries) await this.removeOne(thread, entry.cdpId);
    }
    bp.cdp.clear();
  }

  private async removeOne(thread: DebugThread, cdpId: string): Promise<void> {
    this.byCdpId.delete(cdpId);
    await thread.cdp.Debugger.removeBreakpoint({ breakpointId: cdpId }).catch(() => {});
  }

  private describe(bp: ClientBreakpoint): DebugProtocol.Breakpoint {
    return bp.verifiedLine === undefined
      ? { id: bp.id, verified: false, line: bp.line, message: 'Waiting for the script to load.' }
      : { id: bp.id, verified: true, line: bp.verifiedLine };
  }
}

/**
 * `5` or `>=5`: from the 5th hit on; `==5` only the 5th; `>5`, `<5`, `<=5`; `%5` every 5th.
 * Returns an Error with a sentence for anything else.
 */
export function parseHitCondition(text: string): ((hits: number) => boolean) | Error {
  const match = /^\s*(>=|<=|==|=|>|<|%)?\s*(\d+)\s*$/.exec(text);
  if (!match) {
    return new Error(`Hit count "${text}" is not understood: use a number, or >=N, >N, ==N, <N, <=N, %N.`);
  }
  const n = Number(match[2]);
  switch (match[1] ?? '>=') {
    case '>':
      return (hits) => hits > n;
    case '<':
      return (hits) => hits < n;
    case '<=':
      return (hits) => hits <= n;
    case '==':
    case '=':
      return (hits) => hits === n;
    case '%':
      return (hits) => n > 0 && hits % n === 0;
    default:
      return (hits) => hits >= n;
  }
}

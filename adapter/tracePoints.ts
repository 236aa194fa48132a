/**
 * Trace points: lines whose variables are recorded every time they run, without pausing, switched
 * on and off while the program runs (`cinescope/setTracePoints`).
 *
 * How a point records, fastest first:
 * - 'probe': the first new trace point of a script triggers one batched live edit
 *   (`Debugger.setScriptSource`) that inserts a probe before the line's statement, on that line
 *   (`tracePointEdit.ts`); the probe calls the runtime (`runtime/tracePoints.ts`), well under a
 *   microsecond a hit. Switching a point off, or on again, flips its flag in the runtime through
 *   `Runtime.evaluate`: no edit, no stall. Only a new point needs another edit.
 * - 'breakpoint': a conditional breakpoint whose condition records the same values and is false
 *   (~100 µs a hit). Used where a live edit cannot go (top-level code, which runs once and which
 *   V8 refuses to edit in ES modules) and, visibly and with the reason, while V8 refuses the edit
 *   (a function of the script is running or suspended); the edit is retried until it is accepted.
 * - 'pending': the script is not loaded yet, the line has no statement, or the runtime is absent.
 *
 * A point counts as armed ('probe') when V8 accepts the edit. One case records nothing until the
 * function is entered again: a function that is running at the time of the edit (a long loop
 * inside it) keeps running its old code until it returns; its next calls run the probe.
 *
 * Every edit drops all breakpoints of the script in V8: the session re-sets its own
 * (`reapplyBreakpoints`), this manager its fallback ones.
 */
import { MAX_TRACE_POINTS } from '../runtime/tracePoints';
import { pathToFileURL } from 'node:url';
import type { CdpClient } from './cdp';
import type { TracePointState } from './customRequests';
import { callControl } from './runtimeControl';
import { planTracePoints } from './tracePointEdit';
import type { PlannedTracePoint } from './tracePointEdit';
import {
  ELSEWHERE,
  NOT_STARTED,
  RETRY_MS,
  TOO_MANY_POINTS,
  blocked,
  moved,
  refusal,
} from './tracePointMessages';
import { UnloadedBreakpoints, ensureBreakpoint, removeBreakpoints, swapSource } from './tracePointScripts';
import type { Point, Script } from './tracePointScripts';

/** How many loaded files may prompt another try at defining points set before the runtime ran. */
const MAX_DEFINE_RETRIES = 50;

/** What the manager needs from the debug session. */
export interface TracePointTarget {
  cdp: CdpClient; // main thread's connection (from adapter/cdp.ts)
  scriptsForPath(path: string): { scriptId: string; url: string }[];
  reapplyBreakpoints(scriptId: string): Promise<void>;
  log(message: string): void;
  /**
   * The session started the program: it waits before the runtime preload until `configurationDone`,
   * and clients send trace points before that (a missing runtime then means "not yet").
   */
  launched?: boolean;
  /** Whether a thread other than the main one (a worker, a child process) has loaded the file. */
  loadedElsewhere?(path: string): boolean;
  /** A file's trace points changed mode after `set` returned (a retried edit was accepted). */
  changed?(path: string, states: TracePointState[]): void;
}

/** The trace points of one debug session (main thread). */
export class TracePointManager {
  private readonly points = new Map<string, Point[]>();
  private readonly scripts = new Map<string, Script>();
  private nextId = 1;
  /** One id per file and line for the session, so a point switched off and on again keeps its probe. */
  private readonly ids = new Map<string, number>();
  private readonly lineOfId = new Map<number, number>();
  /** Lines set after every id was used, by file: shown as failed (see idFor). */
  private readonly refused = new Map<string, number[]>();
  private disposed = false;
  private runtimeMissing: string | undefined;
  private defineRetries = 0;
  /** The runtime answered once, or the program's own code ran: a missing runtime is missing. */
  private running = false;
  /** Gate breakpoints by file (see setGate). */
  private readonly gates = new Map<string, string>();

  /** Breakpoints by URL of points whose file is not loaded yet. */
  private readonly unloaded: UnloadedBreakpoints;

  constructor(private readonly target: TracePointTarget) {
    this.unloaded = new UnloadedBreakpoints(target.cdp, (message) => target.log(message));
  }

  /** Replaces the trace points of `path` with `lines` (1-based) and applies them to loaded scripts. */
  async set(path: string, lines: number[]): Promise<TracePointState[]> {
    const wanted = [...new Set(lines.filter((l) => Number.isInteger(l) && l > 0))].sort((a, b) => a - b);
    const old = this.points.get(path) ?? [];
    const removed = old.filter((p) => !wanted.includes(p.state.line));
    const kept = old.filter((p) => wanted.includes(p.state.line));
    const added: Point[] = [];
    const refused: number[] = [];
    for (const line of wanted.filter((l) => !kept.some((p) => p.state.line === l))) {
      const id = this.idFor(path, line);
      if (id === undefined) refused.push(line);
      else added.push({ path, state: { line, id, mode: 'pending' } });
    }
    if (refused.length) this.refused.set(path, refused);
    else this.refused.delete(path);
    const current = [...kept, ...added].sort((a, b) => a.state.line - b.state.line);
    if (current.length) this.points.set(path, current);
    else this.points.delete(path);

    const cdp = this.target.cdp;
    if (removed.length) {
      await callControl(cdp, 'enableTracePoints', [removed.map((p) => p.state.id), false]);
      for (const script of this.scriptsOf(path)) await removeBreakpoints(cdp, script, removed);
      await this.unloaded.remove(removed.map((p) => p.state.id));
    }
    if (current.length === 0) return this.states(path);
    const defined = await callControl(cdp, 'defineTracePoints', [
      current.map((p) => ({ id: p.state.id, file: path, line: p.state.line })),
      true,
    ]);
    if (defined.type === 'unavailable') {
      if (this.target.launched && !this.running) {
        // Not an error: the file's gate defines them before its first line runs.
        this.runtimeMissing = NOT_STARTED;
        await this.setGate(path);
        for (const p of current) p.state = { ...p.state, mode: 'pending', message: NOT_STARTED };
        return this.states(path);
      }
      if (this.runtimeMissing !== defined.reason) this.target.log(defined.reason);
      this.runtimeMissing = defined.reason;
      for (const p of current) p.state = { ...p.state, mode: 'pending', message: defined.reason };
      return this.states(path);
    }
    this.runtimeMissing = undefined;
    this.running = true;
    const loaded = this.target.scriptsForPath(path);
    if (loaded.length === 0) {
      await this.unloaded.watch(path, current);
      if (this.target.loadedElsewhere?.(path)) this.markElsewhere(path);
      return this.states(path);
    }
    for (const { scriptId, url } of loaded) {
      const script = this.script(scriptId, url, path);
      // The user asked again: a refused edit gets a fresh round of retries.
      if (!script.retry) script.retries = 0;
      await this.apply(script);
    }
    return this.states(path);
  }

  /** A script was parsed: arms the trace points waiting for it. */
  async scriptParsed(scriptId: string, url: string): Promise<void> {
    if (this.disposed || this.points.size === 0) return;
    if (this.runtimeMissing) {
      await this.retryDefine(url);
      return;
    }
    for (const path of this.points.keys()) {
      if (this.target.scriptsForPath(path).some((s) => s.scriptId === scriptId)) {
        await this.apply(this.script(scriptId, url, path));
        this.target.changed?.(path, this.states(path));
      }
    }
  }

  /**
   * A worker thread or child process loaded `path`: if the main thread has not, its trace points
   * cannot record (they are armed on the main thread only), and the user is told so.
   */
  otherThreadLoaded(path: string): void {
    if (this.disposed || !this.points.has(path) || this.target.scriptsForPath(path).length > 0) return;
    if (this.markElsewhere(path)) this.target.changed?.(path, this.states(path));
  }

  /** Marks the pending points of a file only other threads run; true when a state changed. */
  private markElsewhere(path: string): boolean {
    let changed = false;
    for (const p of this.points.get(path) ?? []) {
      if (p.state.mode !== 'pending' || p.state.message === ELSEWHERE) continue;
      p.state = { ...p.state, mode: 'pending', message: ELSEWHERE };
      changed = true;
    }
    return changed;
  }

  /**
   * Trace points set before a launched program's runtime ran wait behind a gate: a pausing
   * breakpoint of ours on the first line of their file. A definition when the file is parsed would
   * race with the program, which runs the file at once; at the gate the program waits, and the
   * runtime (a preload) has run, since one of the program's own files is about to.
   */
  private async setGate(path: string): Promise<void> {
    if (this.gates.has(path)) return;
    try {
      const { breakpointId } = await this.target.cdp.Debugger.setBreakpointByUrl({
        url: pathToFileURL(path).href,
        lineNumber: 0,
      });
      this.gates.set(path, breakpointId);
    } catch {
      // Without a gate the points are defined when the file is parsed (retryDefine), a little late.
    }
  }

  /**
   * The main thread paused: if at a gate, every point set before the start is defined and applied
   * now, the gates removed. True when one of `breakpointIds` was a gate (the caller resumes).
   */
  async passGate(breakpointIds: readonly string[]): Promise<boolean> {
    const gates = new Set(this.gates.values());
    if (!breakpointIds.some((id) => gates.has(id))) return false;
    this.gates.clear();
    for (const breakpointId of gates)
      await this.target.cdp.Debugger.removeBreakpoint({ breakpointId }).catch(() => {});
    if (this.disposed) return true;
    this.running = true;
    for (const [path, points] of [...this.points]) {
      const states = await this.set(
        path,
        points.map((p) => p.state.line),
      );
      this.target.changed?.(path, states);
    }
    return true;
  }

  /**
   * Points set before the runtime loaded (a launch stops before `--require` runs the preload, and
   * VS Code sends trace points at `initialized`) are defined again when the program's own files
   * load, by which time the preload has run. Bounded, for programs that run without the runtime.
   */
  private async retryDefine(url: string): Promise<void> {
    if (!url.startsWith('file:') || this.defineRetries >= MAX_DEFINE_RETRIES) return;
    this.defineRetries++;
    for (const [path, points] of [...this.points]) {
      const states = await this.set(
        path,
        points.map((p) => p.state.line),
      );
      if (!this.runtimeMissing) this.target.changed?.(path, states);
    }
  }

  /** Stops retries and switches every trace point off in the runtime (best effort). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const script of this.scripts.values()) clearTimeout(script.retry);
    const ids = [...this.points.values()].flat().map((p) => p.state.id);
    if (ids.length) void callControl(this.target.cdp, 'enableTracePoints', [ids, false]);
    this.points.clear();
  }

  /** The id of a file and line; undefined once the session has used every id the runtime takes. */
  private idFor(path: string, line: number): number | undefined {
    const key = `${path}\n${line}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      // The runtime keeps one flag per id in a fixed array and ignores ids past it: a point with
      // such an id would show as a probe and never record.
      if (this.nextId >= MAX_TRACE_POINTS) return undefined;
      id = this.nextId++;
      this.ids.set(key, id);
      this.lineOfId.set(id, line);
    }
    return id;
  }

  private states(path: string): TracePointState[] {
    const states = (this.points.get(path) ?? []).map((p) => ({ ...p.state }));
    for (const line of this.refused.get(path) ?? []) {
      states.push({ line, id: 0, mode: 'failed', message: TOO_MANY_POINTS });
    }
    return states.sort((a, b) => a.line - b.line);
  }

  private script(scriptId: string, url: string, path: string): Script {
    let script = this.scripts.get(scriptId);
    if (!script) {
      script = {
        scriptId,
        url,
        path,
        probed: new Set(),
        breakpoints: new Map(),
        queue: Promise.resolve(),
        retries: 0,
      };
      this.scripts.set(scriptId, script);
    }
    return script;
  }

  private scriptsOf(path: string): Script[] {
    return [...this.scripts.values()].filter((s) => s.path === path);
  }

  /** Brings one script in line with its file's trace points (queued per script). */
  private apply(script: Script): Promise<void> {
    const run = script.queue.then(() => this.applyNow(script));
    script.queue = run.catch(() => {});
    return run.catch((error: unknown) => {
      this.target.log(`Trace points in ${script.path}: ${(error as Error).message}`);
    });
  }

  private async applyNow(script: Script): Promise<void> {
    if (this.disposed) return;
    const points = this.points.get(script.path) ?? [];
    if (points.length === 0) return;
    const cdp = this.target.cdp;
    if (script.original === undefined) {
      script.original = (await cdp.Debugger.getScriptSource({ scriptId: script.scriptId })).scriptSource;
    }
    // Points switched off keep their probes (one flag read a pass) so that switching them on
    // again needs no edit.
    const active = new Set(points.map((p) => p.state.id));
    const requests = [
      ...points.map((p) => ({ id: p.state.id, line: p.state.line })),
      ...[...script.probed]
        .filter((id) => !active.has(id))
        .map((id) => ({ id, line: this.lineOfId.get(id)! })),
    ];
    const isModule = /\.mjs$|\.mts$/.test(script.url);
    let plan = planTracePoints(script.original, requests, { isModule });
    if (plan.type === 'unparsable' && !isModule)
      plan = planTracePoints(script.original, requests, { isModule: true });
    if (plan.type === 'unparsable') {
      for (const p of points) p.state = { ...p.state, mode: 'pending', message: plan.reason };
      return;
    }
    const byId = new Map(points.map((p) => [p.state.id, p]));
    // Breakpoints set by URL while the file was not loaded now stand in for this script.
    this.unloaded.handOver(script, points);
    for (const m of plan.missing) {
      const p = byId.get(m.id);
      if (p) p.state = { ...p.state, mode: 'pending', message: m.reason };
    }
    const probes = plan.points.filter((p) => p.kind === 'probe');
    const topLevel = plan.points.filter(
      (p): p is Extract<PlannedTracePoint, { kind: 'topLevel' }> => p.kind === 'topLevel' && active.has(p.id),
    );
    const needsEdit = probes.some((p) => !script.probed.has(p.id));
    if (needsEdit) {
      const outcome = await swapSource(cdp, script, plan.source);
      if (outcome === 'Ok') {
        script.probed = new Set(probes.map((p) => p.id));
        // The edit dropped every breakpoint of the script, ours included; forget them in CDP too
        // (a breakpoint by URL would come back in the next script loaded from this file).
        for (const breakpointId of script.breakpoints.values()) {
          await cdp.Debugger.removeBreakpoint({ breakpointId }).catch(() => {});
        }
        script.breakpoints.clear();
        script.retries = 0;
        clearTimeout(script.retry);
        script.retry = undefined;
        await this.target.reapplyBreakpoints(script.scriptId);
      } else {
        const retrying = blocked(outcome) && this.scheduleRetry(script);
        const reason = refusal(outcome, retrying);
        for (const planned of probes) {
          const p = byId.get(planned.id);
          if (!p || script.probed.has(planned.id)) continue;
          await ensureBreakpoint(cdp, script, planned, (message) => this.target.log(message));
          p.state = { ...p.state, mode: 'breakpoint', message: reason };
        }
      }
    }
    for (const planned of probes) {
      const p = byId.get(planned.id);
      if (!p || !script.probed.has(planned.id)) continue;
      p.state = { id: p.state.id, line: p.state.line, mode: 'probe', ...moved(planned) };
      await removeBreakpoints(cdp, script, [p]);
    }
    for (const planned of topLevel) {
      await ensureBreakpoint(cdp, script, planned, (message) => this.target.log(message));
      const p = byId.get(planned.id)!;
      const note = moved(planned).message;
      p.state = {
        ...p.state,
        mode: 'breakpoint',
        message: note ? `${note} ${planned.reason}` : planned.reason,
      };
    }
  }

  private scheduleRetry(script: Script): boolean {
    if (this.disposed) return false;
    if (script.retry) return true;
    if (script.retries >= RETRY_MS.length) return false;
    const delay = RETRY_MS[script.retries];
    script.retries++;
    script.retry = setTimeout(() => {
      script.retry = undefined;
      void this.apply(script).then(() => this.target.changed?.(script.path, this.states(script.path)));
    }, delay);
    script.retry.unref?.();
    return true;
  }
}

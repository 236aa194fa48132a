/**
 * The runtime side of trace points: what a probe inserted into the program's code calls when its
 * line runs (see `adapter/tracePointEdit.ts` for the code inserted), and what the slower
 * conditional-breakpoint fallback calls from the debugger.
 *
 * A probe, on the same line as the statement it precedes, is
 *
 *   try{const __t=globalThis[Symbol.for('cinescope.tracePoints')];if(__t.on[7]===1)__t.hit(7,{a:a,b:b},this)}catch{}
 *
 * so that it costs one flag read when switched off, never throws into the program, and records
 * nothing when the runtime is not loaded (`__t` is undefined: the TypeError is caught). Variables
 * that may be in their temporal dead zone are read inside their own `try`, and a variable that
 * threw is passed as the {@link TracePointRuntime.tdz} marker, through `hitTdz`.
 */
import { EventType } from './eventSchema';
import type { TracePointHitPayload, TracePointPayload } from './eventSchema';
import { ObjectFreeze, ObjectKeys } from './primordials';
import type { recordEvent } from './recorder';

/** `globalThis[Symbol.for(TRACE_POINTS_KEY)]` is this thread's {@link TracePointRuntime}. */
export const TRACE_POINTS_KEY = 'cinescope.tracePoints';

/** Trace point ids are below this: the flags are one preallocated byte array. */
export const MAX_TRACE_POINTS = 65536;

/** Where a trace point is, as the user set it. */
export interface TracePointDefinition {
  id: number;
  file: string;
  line: number;
}

type RecordEvent = typeof recordEvent;

/** One thread's trace points: their flags, and the recording of their hits. */
export class TracePointRuntime {
  /** `on[id] === 1` while trace point `id` records. Read by every probe, so a plain byte array. */
  readonly on = new Uint8Array(MAX_TRACE_POINTS);
  /** `probed[id] === 1` once a probe (not a breakpoint) recorded a hit of `id`: the probe runs. */
  readonly probed = new Uint8Array(MAX_TRACE_POINTS);
  /** Passed by a probe in place of a variable that threw when read: it is in its dead zone. */
  readonly tdz: object = ObjectFreeze(Object.create(null) as object);
  private readonly files: string[] = [];
  private readonly lines: number[] = [];
  /** Hits recorded, by probes and breakpoints. */
  hits = 0;

  constructor(
    private readonly record: RecordEvent,
    /** The innermost traced call on this thread, 0 when none: the hit's `parent`. */
    private readonly currentCall: () => number = () => 0,
  ) {}

  /**
   * Registers trace points and switches them on or off; a new (or moved) one is recorded once, so
   * that its hits can name it by id alone. Ids out of range are ignored.
   */
  define(points: readonly TracePointDefinition[], on: boolean): void {
    for (const point of points) {
      if (!validId(point.id)) continue;
      const file = String(point.file);
      const line = Number(point.line) || 0;
      if (this.files[point.id] !== file || this.lines[point.id] !== line) {
        this.files[point.id] = file;
        this.lines[point.id] = line;
        const payload: TracePointPayload = { id: point.id, file, line };
        this.record(EventType.tracePoint, payload);
      }
      this.on[point.id] = on ? 1 : 0;
    }
  }

  /** Switches trace points on or off; takes effect at their next hit. */
  enable(ids: readonly number[], on: boolean): void {
    for (const id of ids) if (validId(id)) this.on[id] = on ? 1 : 0;
  }

  /** A probe's hit where every variable could be read. */
  hit(id: number, vars: Record<string, unknown>, self?: unknown): void {
    this.probed[id] = 1;
    this.write(id, vars, self, undefined, undefined);
  }

  /** A probe's hit where some variables may hold the {@link tdz} marker. */
  hitTdz(id: number, vars: Record<string, unknown>, self?: unknown): void {
    this.probed[id] = 1;
    this.write(id, vars, self, this.takeTdz(vars), undefined);
  }

  /**
   * The conditional-breakpoint fallback's hit. Records only while no probe of `id` has recorded,
   * so that a breakpoint still set while its probe takes over never records a hit twice. Returns
   * false: the breakpoint's condition, so that it never pauses.
   */
  bp(id: number, vars: Record<string, unknown>, self?: unknown): false {
    try {
      if (validId(id) && this.on[id] === 1 && this.probed[id] === 0) {
        this.write(id, vars, self, this.takeTdz(vars), 'breakpoint');
      }
    } catch {
      // Never pause the program because of our own failure.
    }
    return false;
  }

  /** Ids among `ids` whose probe has recorded at least once. */
  armed(ids: readonly number[]): number[] {
    return ids.filter((id) => validId(id) && this.probed[id] === 1);
  }

  private takeTdz(vars: Record<string, unknown>): string[] | undefined {
    let names: string[] | undefined;
    for (const name of ObjectKeys(vars)) {
      if (vars[name] === this.tdz) {
        (names ??= []).push(name);
        delete vars[name];
      }
    }
    return names;
  }

  private write(
    id: number,
    vars: Record<string, unknown>,
    self: unknown,
    tdz: string[] | undefined,
    via: TracePointHitPayload['via'],
  ): void {
    const payload: TracePointHitPayload = { id, vars };
    if (via) payload.via = via;
    // A sloppy-mode function called plainly gets the global object: not worth recording each hit.
    if (self !== undefined && self !== globalThis) payload.this = self;
    if (tdz) payload.tdz = tdz;
    this.hits++;
    const parent = this.currentCall();
    this.record(EventType.tracePointHit, payload, parent === 0 ? undefined : { parent });
  }
}

function validId(id: number): boolean {
  return Number.isInteger(id) && id > 0 && id < MAX_TRACE_POINTS;
}

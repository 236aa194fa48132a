/**
 * How each trace point of a file looks in the gutter, from what the running sessions reported.
 * No VS Code dependency.
 */
import type { TracePointMode, TracePointState } from '../adapter/customRequests';

/** 'set': no running session has reported on it (or none runs): the plain trace-point icon. */
export type TracePointLook = TracePointMode | 'set';

export interface LineLook {
  /** 1-based line. */
  line: number;
  look: TracePointLook;
  /** Hover text. */
  message: string;
}

/** The best state wins: a probe in any process means hits are recorded cheaply there. */
const RANK: Record<TracePointLook, number> = { probe: 4, breakpoint: 3, pending: 2, failed: 1, set: 0 };

/**
 * The look of each of `lines`, given the states reported for the file by each running session
 * (states for lines no longer set are ignored).
 */
export function lineLooks(
  lines: readonly number[],
  reports: Iterable<readonly TracePointState[]>,
  sessionsRunning: boolean,
): LineLook[] {
  const best = new Map<number, TracePointState>();
  for (const states of reports) {
    for (const state of states) {
      const known = best.get(state.line);
      if (!known || RANK[state.mode] > RANK[known.mode]) best.set(state.line, state);
    }
  }
  return lines.map((line) => {
    const state = best.get(line);
    if (!state) {
      return {
        line,
        look: 'set',
        message: sessionsRunning
          ? 'Cinescope trace point: sent to the debug session, not confirmed yet.'
          : 'Cinescope trace point: records the values in scope each time this line runs, without pausing. Applies to Cinescope debug sessions.',
      };
    }
    return { line, look: state.mode, message: describe(state) };
  });
}

function describe(state: TracePointState): string {
  const why = state.message ? ` ${state.message}` : '';
  switch (state.mode) {
    case 'probe':
      return `Cinescope trace point #${state.id}: a probe in the running code records every hit (about a microsecond each).${why}`;
    case 'breakpoint':
      return `Cinescope trace point #${state.id}: recorded by a breakpoint that continues at once, about 100 µs a hit — slow in hot code.${why}`;
    case 'pending':
      return `Cinescope trace point #${state.id}: pending.${why || ' Its script has not loaded yet.'}`;
    case 'failed':
      return `Cinescope trace point: not recorded in this session.${why}`;
  }
}

/**
 * How much one live trace may hold. The live TraceDB is sql.js memory inside the extension host
 * (about 120 MB per million events), shared with every other extension: past the cap, events are
 * counted as dropped and shown in the status bar instead of growing until the host is killed.
 * No VS Code dependency; the extension reads the setting and passes it here.
 */

/** The setting, as contributed in package.json (`contributes.configuration`). */
export const MAX_EVENTS_SETTING = 'cinescope.liveTrace.maxEvents';

/** ≈ 250 MB of sql.js memory: room for minutes of a busy program, far below the host's limit. */
export const DEFAULT_MAX_EVENTS = 2_000_000;

/** Received bytes waiting to be stored; the live view stores as it receives, so this rarely fills. */
export const MAX_QUEUED_BYTES = 64 * 1024 * 1024;

export interface LiveTraceLimits {
  /** Events stored at most; the rest are counted as dropped. */
  maxEvents: number;
  /** Received bytes waiting to be stored at most; the rest are counted as dropped. */
  maxQueuedBytes: number;
}

/** The limits for a setting's value; anything but a positive whole number means the default. */
export function liveTraceLimits(maxEventsSetting: unknown): LiveTraceLimits {
  const valid =
    typeof maxEventsSetting === 'number' && Number.isSafeInteger(maxEventsSetting) && maxEventsSetting > 0;
  return { maxEvents: valid ? maxEventsSetting : DEFAULT_MAX_EVENTS, maxQueuedBytes: MAX_QUEUED_BYTES };
}

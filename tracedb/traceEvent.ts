/** One decoded event, as the collector hands it to the TraceDB. Fields mirror the record header. */
export interface TraceEvent {
  pid: number;
  tid: number;
  eid: number;
  parent: number;
  site: number;
  /** Correlation id, 0 = none. */
  corr: number;
  /** Epoch milliseconds with a sub-millisecond fraction. */
  ts: number;
  type: number;
  flags: number;
  /** The payload in JSON text (see docs/value-encoding.md), or null when the record has none. */
  payload: string | null;
}

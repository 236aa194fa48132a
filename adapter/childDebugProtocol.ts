/**
 * The contract between a debugged program's child processes (childDebug.ts, running in them) and
 * the adapter's endpoint (childProcesses.ts).
 */

/** Set by the adapter for the program it launches: `{ url, token }` of its child endpoint (JSON). */
export const CHILD_DEBUG_ENV = 'CINESCOPE_CHILD_DEBUG';

/** What a child announces to the adapter (POST, JSON, `authorization: Bearer <token>`). */
export interface ChildAnnouncement {
  pid: number;
  /** The child's inspector WebSocket URL, on 127.0.0.1. */
  inspectorUrl: string;
  /** The script it runs, for the thread's name. */
  script: string;
}

/** The value of CHILD_DEBUG_ENV. */
export interface ChildEndpointValue {
  url: string;
  token: string;
  /**
   * How long the child's watchdog waits for the endpoint's acknowledgement (the answer to its
   * announcement) before it lets the child run undebugged.
   */
  ackDeadlineMs: number;
}

/**
 * Long enough for the adapter to connect and set the breakpoints of a busy session; short enough
 * that a child whose debugger never comes is not noticed as hung for long.
 */
export const DEFAULT_ACK_DEADLINE_MS = 10_000;

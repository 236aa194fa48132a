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

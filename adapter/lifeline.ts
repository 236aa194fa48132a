/**
 * A launched program must not outlive its adapter paused. When the adapter's connection drops,
 * Node's inspector resumes a program paused at a breakpoint, but one still waiting under
 * `--inspect-brk` (the adapter died before `configurationDone`) waits forever, and a program
 * whose adapter is gone has lost its output pipes and its collector anyway. So a tiny watcher
 * process holds a pipe from the adapter: if the pipe closes without the adapter releasing it
 * (the adapter was SIGKILLed, or its host crashed), the watcher ends the program: SIGTERM, so that
 * a running program's runtime writes its last events, then SIGKILL for one that cannot run its
 * signal handlers (still waiting for its debugger). A separate process, because nothing inside a
 * paused program runs, and nothing inside a killed adapter either.
 */
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';

/** How long the program has after SIGTERM before SIGKILL. */
const GRACE_MS = 3000;

/** The watcher, run with `node -e` (no file to ship): argv[1] is the program's pid. */
const WATCHER = `
const pid = Number(process.argv[1]);
const alive = () => { try { process.kill(pid, 0); return true; } catch { return false; } };
let released = false;
process.stdin.setEncoding('utf8');
process.stdin.on('data', (text) => { if (text.includes('release')) { released = true; process.exit(0); } });
const end = () => {
  if (released || !alive()) process.exit(0);
  try { process.kill(pid, 'SIGTERM'); } catch {}
  setTimeout(() => { if (alive()) { try { process.kill(pid, 'SIGKILL'); } catch {} } process.exit(0); }, ${GRACE_MS});
};
process.stdin.on('end', end);
process.stdin.on('error', end);
setInterval(() => { if (!alive()) process.exit(0); }, 1000);
`;

export interface Lifeline {
  /** The session ended as it should: the watcher goes without touching the program. */
  release(): void;
}

/**
 * Starts the watcher for the program `pid`. Uses the adapter's own executable (Electron's inside
 * VS Code, run as Node), never the program's runtime, which may be a wrapper.
 */
export function watchProgram(pid: number): Lifeline | string {
  try {
    const watcher = spawn(process.execPath, ['-e', WATCHER, String(pid)], {
      stdio: ['pipe', 'ignore', 'ignore'],
      // Its own process group: a signal to the adapter's group (Ctrl+C) must not end it first.
      detached: true,
      env: { ELECTRON_RUN_AS_NODE: '1' },
    });
    watcher.on('error', () => {});
    watcher.stdin!.on('error', () => {});
    // Neither keeps the adapter's process alive.
    watcher.unref();
    (watcher.stdin as unknown as Socket).unref();
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        watcher.stdin!.end('release\n');
      },
    };
  } catch (error) {
    return `Cinescope cannot watch over the program (${(error as Error).message}): if the adapter dies, end the program yourself.`;
  }
}

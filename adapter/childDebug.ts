/**
 * Debugging the child processes a launched program starts. Bundled alone (dist/runtime/childDebug.js)
 * and preloaded with NODE_OPTIONS next to the runtime, so every Node process the program starts
 * loads it. In such a child it opens the inspector on a random 127.0.0.1 port and waits for the
 * debug adapter before the child's own code runs. Telling the adapter needs the event loop, which
 * waiting blocks, so a short-lived watchdog process (this same file, started with a variable set)
 * does it, and waits for the adapter's acknowledgement: the answer to the announcement, given
 * once the adapter has connected and let the child run. When the adapter cannot be reached,
 * refuses, says it could not connect, or does not answer within the deadline it set, the
 * watchdog lets the child run on undebugged (Runtime.runIfWaitingForDebugger on the child's
 * inspector) instead of leaving it in inspector.waitForDebugger() forever.
 *
 * The launched program itself already has its inspector (`--inspect-brk`) and is left alone.
 */
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import * as inspector from 'node:inspector';
import { isMainThread } from 'node:worker_threads';
import { CHILD_DEBUG_ENV, DEFAULT_ACK_DEADLINE_MS } from './childDebugProtocol';
import type { ChildAnnouncement, ChildEndpointValue } from './childDebugProtocol';

/** Set only for the watchdog: what to tell the adapter. */
const WATCHDOG_ENV = 'CINESCOPE_CHILD_DEBUG_WATCHDOG';

/** Releasing the child talks to its inspector on loopback; this bounds a stuck connection. */
const RELEASE_TIMEOUT_MS = 5000;

const GUARD = Symbol.for('cinescope.childDebug');

function main(): void {
  const watchdog = process.env[WATCHDOG_ENV];
  if (watchdog) {
    void runWatchdog(watchdog);
    return;
  }
  const g = globalThis as Record<symbol, unknown>;
  if (g[GUARD] || !isMainThread) return;
  g[GUARD] = true;
  const endpoint = process.env[CHILD_DEBUG_ENV];
  if (!endpoint || inspector.url()) return;
  try {
    inspector.open(0, '127.0.0.1', false);
    const inspectorUrl = inspector.url();
    if (!inspectorUrl) return;
    const announcement: ChildAnnouncement = { pid: process.pid, inspectorUrl, script: process.argv[1] ?? '' };
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      [WATCHDOG_ENV]: JSON.stringify({ endpoint, announcement }),
    };
    delete env.NODE_OPTIONS;
    spawn(process.execPath, [__filename], { env, stdio: 'ignore', detached: true }).unref();
    inspector.waitForDebugger();
  } catch {
    // No debugging for this child: it runs as it would without us.
  }
}

/** Announces the child to the adapter; when that fails, releases the child itself. */
async function runWatchdog(text: string): Promise<void> {
  const { endpoint, announcement } = JSON.parse(text) as {
    endpoint: string;
    announcement: ChildAnnouncement;
  };
  try {
    await announce(JSON.parse(endpoint) as ChildEndpointValue, announcement);
  } catch {
    await release(announcement.inspectorUrl).catch(() => {});
  }
}

/** Resolves when the adapter acknowledged the child in time; rejects otherwise. */
function announce(endpoint: ChildEndpointValue, announcement: ChildAnnouncement): Promise<void> {
  const deadline =
    Number.isFinite(endpoint.ackDeadlineMs) && endpoint.ackDeadlineMs > 0
      ? endpoint.ackDeadlineMs
      : DEFAULT_ACK_DEADLINE_MS;
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(announcement);
    const req = request(
      endpoint.url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${endpoint.token}` },
      },
      (res) => {
        res.resume();
        clearTimeout(timer);
        if (res.statusCode === 204) resolve();
        else reject(new Error(`status ${res.statusCode}`));
      },
    );
    // One deadline for connecting, sending and the adapter's answer: a socket that stays open
    // without answering must not keep the child waiting.
    const timer = setTimeout(() => req.destroy(new Error('no acknowledgement')), deadline);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(body);
  });
}

async function release(inspectorUrl: string): Promise<void> {
  // Loaded only here: every child process loads this file, and ws probes optional native modules.
  const { default: WebSocket } = await import('ws');
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(inspectorUrl, { handshakeTimeout: RELEASE_TIMEOUT_MS });
    socket.on('open', () => {
      socket.send(JSON.stringify({ id: 1, method: 'Runtime.runIfWaitingForDebugger' }));
    });
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error('the child did not answer'));
    }, RELEASE_TIMEOUT_MS);
    // Closing only after the answer: closing right after sending could drop the command.
    socket.on('message', () => {
      clearTimeout(timer);
      socket.close();
      resolve();
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

main();

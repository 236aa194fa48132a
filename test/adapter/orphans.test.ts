/**
 * A launched program does not outlive a dead adapter paused: the stdio adapter SIGKILLed while the
 * program waits under --inspect-brk (before configurationDone) or is paused at a breakpoint, and an
 * inline session disposed without a disconnect. The program is found by a unique environment
 * variable in /proc, since the client never learns its pid.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, tempDir } from '../helpers';
import { DapClient, FIXTURES } from './dapClient';

const TICKING = join(FIXTURES, 'ticking.cjs');
const MARK = 'CINESCOPE_ORPHAN_TEST';

/** Pids of the processes whose environment holds `MARK=value`. */
function marked(value: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(`${MARK}=${value}`)) {
        pids.push(Number(entry));
      }
    } catch {
      // Gone meanwhile, or not ours.
    }
  }
  return pids;
}

/** Resolves once no process carries the mark (the test's timeout stops a wait that never ends). */
async function allGone(value: string): Promise<void> {
  while (marked(value).length > 0) await new Promise((resolve) => setTimeout(resolve, 100));
}

describe('a launched program and a dead adapter', () => {
  let adapter: ChildProcess | undefined;
  let client: DapClient | undefined;
  const leftovers: string[] = [];
  afterEach(async () => {
    adapter?.kill('SIGKILL');
    adapter = undefined;
    await client?.dispose();
    client = undefined;
    // Whatever a failed test left behind is ended here, not left on the machine.
    for (const value of leftovers.splice(0)) for (const pid of marked(value)) process.kill(pid, 'SIGKILL');
  });

  function launchConfig(value: string): Record<string, unknown> {
    leftovers.push(value);
    return {
      program: TICKING,
      cwd: FIXTURES,
      env: { [MARK]: value },
      traceFile: join(tempDir(), 'orphan.cinescope'),
    };
  }

  /** `cinescope dap` as a child, driven up to `initialized` (the program waits under --inspect-brk). */
  async function stdioAdapter(value: string): Promise<DapClient> {
    adapter = spawn(process.execPath, [CLI, 'dap'], { stdio: ['pipe', 'pipe', 'pipe'], cwd: FIXTURES });
    const dap = new DapClient({ adapter });
    await dap.ok('initialize', {
      adapterID: 'cinescope',
      linesStartAt1: true,
      columnsStartAt1: true,
      pathFormat: 'path',
    });
    void dap.request('launch', launchConfig(value));
    await dap.event('initialized');
    return dap;
  }

  it('ends the program still waiting for its debugger when the stdio adapter is SIGKILLed', async () => {
    const value = randomBytes(6).toString('hex');
    await stdioAdapter(value);
    expect(marked(value)).toHaveLength(1);
    adapter!.kill('SIGKILL');
    await allGone(value);
  });

  it('ends the program paused at a breakpoint when the stdio adapter is SIGKILLed', async () => {
    const value = randomBytes(6).toString('hex');
    const dap = await stdioAdapter(value);
    await dap.ok('setBreakpoints', { source: { path: TICKING }, breakpoints: [{ line: 4 }] });
    await dap.ok('configurationDone');
    const stop = await dap.event('stopped');
    expect(stop.body).toMatchObject({ reason: 'breakpoint', threadId: 1 });
    adapter!.kill('SIGKILL');
    await allGone(value);
  });

  it('ends the program when VS Code disposes the inline session without a disconnect', async () => {
    const value = randomBytes(6).toString('hex');
    client = new DapClient();
    await client.start('launch', launchConfig(value), { [TICKING]: [{ line: 4 }] });
    await client.event('stopped');
    const terminated = client.event('terminated');
    client.session!.dispose();
    await terminated;
    await allGone(value);
  });

  it('leaves the program running when the client disconnects without terminating it', async () => {
    const value = randomBytes(6).toString('hex');
    client = new DapClient();
    await client.start('launch', launchConfig(value), { [TICKING]: [{ line: 4 }] });
    await client.event('stopped');
    await client.ok('disconnect', { terminateDebuggee: false });
    client.session!.dispose();
    // Its watcher was released: the program goes on ticking after the session ended.
    await client.outputContaining('ticking');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(marked(value)).toHaveLength(1);
  });
});

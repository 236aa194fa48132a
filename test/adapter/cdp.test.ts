/** The CDP client against a real Node inspector. */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { CdpClient } from '../../adapter/cdp';
import { launchUnderInspector } from '../../adapter/inspector';
import type { LaunchedProgram } from '../../adapter/inspector';

const FIXTURE = join(__dirname, 'fixtures', 'count.cjs');

describe('CdpClient', () => {
  let launched: LaunchedProgram | undefined;
  afterEach(() => {
    launched?.child.kill();
    launched = undefined;
  });

  async function start(output: string[] = []) {
    launched = await launchUnderInspector({
      runtimeExecutable: process.execPath,
      runtimeArgs: [],
      program: FIXTURE,
      args: [],
      cwd: __dirname,
      env: { ...process.env, NODE_OPTIONS: '' },
      output: (_category, text) => output.push(text),
    });
    return CdpClient.connect(launched.webSocketUrl);
  }

  it('sends typed calls, delivers events and rejects CDP errors with their message', async () => {
    const output: string[] = [];
    const cdp = await start(output);
    const paused = new Promise<string>((resolve) => {
      const listener = cdp.Debugger.on('paused', (event) => resolve(event.reason));
      expect(listener).toBeDefined();
    });
    const scripts: string[] = [];
    cdp.on('Debugger.scriptParsed', (event) => scripts.push(event.url));
    await cdp.Runtime.enable();
    const { debuggerId } = await cdp.Debugger.enable({});
    expect(debuggerId).toMatch(/\S/);
    await cdp.Runtime.runIfWaitingForDebugger();
    expect(await paused).toBe('Break on start');
    expect(scripts.some((url) => url.endsWith('count.cjs'))).toBe(true);
    const { result } = await cdp.Runtime.evaluate({ expression: '6 * 7' });
    expect(result.value).toBe(42);
    await expect(cdp.send('Debugger.getScriptSource', { scriptId: 'nope' })).rejects.toThrow(
      /No script for id: nope/,
    );
    await expect(cdp.send('Nope.nothing' as 'Debugger.enable')).rejects.toThrow(/wasn't found/);
    const exited = new Promise((resolve) => launched!.child.on('exit', resolve));
    // Under --inspect-brk the process waits for the debugger to go once its context is gone.
    cdp.Runtime.on('executionContextDestroyed', () => cdp.close());
    await cdp.Debugger.resume({});
    await exited;
    expect(output.join('')).toBe('total 6\n');
  });

  it('rejects waiting calls with a clear error when the connection closes', async () => {
    const cdp = await start();
    const reasons: string[] = [];
    cdp.onClose((reason) => reasons.push(reason));
    await cdp.Runtime.enable();
    // Never answered while the program waits for the debugger: closing must end it.
    const waiting = cdp.Runtime.evaluate({ expression: 'new Promise(() => {})', awaitPromise: true });
    cdp.close();
    await expect(waiting).rejects.toThrow(
      /CDP connection closed \(closed by the debugger\) before Runtime.evaluate/,
    );
    await expect(cdp.Runtime.enable()).rejects.toThrow(/closed/);
    expect(reasons).toEqual(['closed by the debugger']);
  });
});

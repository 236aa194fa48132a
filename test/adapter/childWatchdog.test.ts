/**
 * A child process of the debugged program never waits forever for a debugger: real Node children
 * preloading the built bootloader (dist/runtime/childDebug.js, `npm run build`) announce
 * themselves to a real ChildEndpoint on loopback, which here refuses, stays silent or is asked
 * with a wrong token. Each time the child's watchdog must let the child run on.
 */
import { join } from 'node:path';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ChildEndpoint } from '../../adapter/childProcesses';
import type { ChildAttached } from '../../adapter/childProcesses';
import { CHILD_DEBUG_ENV } from '../../adapter/childDebugProtocol';
import type { ChildAnnouncement, ChildEndpointValue } from '../../adapter/childDebugProtocol';
import { ROOT, run } from '../helpers';
import { FIXTURES } from './dapClient';

const BOOTLOADER = join(ROOT, 'dist', 'runtime', 'childDebug.js');
const CHILD = join(FIXTURES, 'child.cjs');

let endpoint: ChildEndpoint | undefined;
afterEach(() => {
  endpoint?.close();
  endpoint = undefined;
});

function runChild(environmentValue: string) {
  return run(process.execPath, [CHILD, '7'], {
    env: {
      ...process.env,
      NODE_OPTIONS: `--require ${JSON.stringify(BOOTLOADER)}`,
      [CHILD_DEBUG_ENV]: environmentValue,
    },
    timeoutMs: 30_000,
  });
}

/** POSTs an announcement with the given authorization header; resolves the status code. */
function post(url: string, authorization: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { authorization } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(JSON.stringify({ pid: 1, inspectorUrl: 'ws://127.0.0.1:1/x', script: 'x.js' }));
  });
}

describe('child debugging watchdog', () => {
  it('lets the child run when the adapter answers that it could not connect', async () => {
    const seen: ChildAnnouncement[] = [];
    const refuse: ChildAttached = (child) => {
      seen.push(child);
      return Promise.resolve(false);
    };
    endpoint = await ChildEndpoint.start(refuse);
    const result = await runChild(endpoint.environmentValue);
    expect(result.stdout).toBe('21\n');
    expect(result.code).toBe(0);
    expect(seen).toHaveLength(1);
    expect(seen[0].script).toBe(CHILD);
  });

  it('lets the child run when the adapter never acknowledges within its deadline', async () => {
    let announced = 0;
    const silent: ChildAttached = () => {
      announced++;
      return new Promise<boolean>(() => {});
    };
    endpoint = await ChildEndpoint.start(silent, 500);
    expect((JSON.parse(endpoint.environmentValue) as ChildEndpointValue).ackDeadlineMs).toBe(500);
    const result = await runChild(endpoint.environmentValue);
    expect(result.stdout).toBe('21\n');
    expect(announced).toBe(1);
  });

  it('refuses a wrong token of any length, and the refused child still runs', async () => {
    let announced = 0;
    endpoint = await ChildEndpoint.start(() => {
      announced++;
      return Promise.resolve(true);
    });
    const value = JSON.parse(endpoint.environmentValue) as ChildEndpointValue;
    const sameLength = 'x'.repeat(value.token.length);
    expect(await post(value.url, `Bearer ${sameLength}`)).toBe(403);
    expect(await post(value.url, 'Bearer short')).toBe(403);
    expect(await post(value.url, '')).toBe(403);
    const result = await runChild(JSON.stringify({ ...value, token: sameLength }));
    expect(result.stdout).toBe('21\n');
    expect(announced).toBe(0);
    // The right token is accepted (the announcement points nowhere; the test's `attached` says yes).
    expect(await post(value.url, `Bearer ${value.token}`)).toBe(204);
    expect(announced).toBe(1);
  });
});

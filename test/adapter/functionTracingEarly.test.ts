/**
 * Function tracing switched before the program's runtime has loaded: VS Code sends
 * `cinescope/setFunctionTracing` at `initialized`, while a launched program still waits before
 * its preload. Driven over DAP against a real Node program instrumented at load time; the switch
 * must still hold for the modules it then loads (the adapter resends it once the runtime is up).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { TraceDb } from '../../tracedb/traceDb';
import { tempDir } from '../helpers';
import { DapClient } from './dapClient';

let client: DapClient | undefined;
afterEach(async () => {
  await client?.dispose();
  client = undefined;
});

it('applies a switch sent at initialized to the modules the program loads later', async () => {
  const dir = tempDir();
  writeFileSync(
    join(dir, 'lib.js'),
    'exports.add = function add(a, b) { return a + b; };\nexports.mul = function mul(a, b) { return a * b; };\n',
  );
  writeFileSync(
    join(dir, 'app.js'),
    "const lib = require('./lib.js');\nconsole.log(lib.add(1, 2), lib.mul(2, 3));\n",
  );
  const traceFile = join(dir, 'early.cinescope');
  client = new DapClient();
  await client.ok('initialize', { adapterID: 'cinescope', pathFormat: 'path', linesStartAt1: true });
  const launched = client.request('launch', {
    program: join(dir, 'app.js'),
    cwd: dir,
    trace: ['lib.js'],
    traceFile,
  });
  await client.event('initialized');
  const off = await client.ok('cinescope/setFunctionTracing', { enabled: false, functions: ['add'] });
  expect(off).toEqual({ sites: 0 }); // nothing loaded yet, and no complaint about a missing runtime
  await client.ok('configurationDone');
  expect((await launched).success).toBe(true);
  await client.event('terminated');
  expect(client.output).toContain('3 6');
  expect(client.output).not.toContain('runtime is not loaded');
  const db = await TraceDb.open(traceFile);
  try {
    expect(db.callsOf('add')).toHaveLength(0);
    expect(db.callsOf('mul')).toHaveLength(1);
  } finally {
    db.close();
  }
});

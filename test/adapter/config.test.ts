/** Bad launch and attach configurations get one clear sentence, through DAP and from the validator. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateDebugConfiguration } from '../../adapter/config';
import { tempDir } from '../helpers';
import { DapClient, FIXTURES } from './dapClient';

const COUNT = join(FIXTURES, 'count.cjs');

const BAD: [string, 'launch' | 'attach', Record<string, unknown>][] = [
  ['no program', 'launch', {}],
  ['program not found', 'launch', { program: join(FIXTURES, 'missing.js') }],
  ['program is a folder', 'launch', { program: FIXTURES }],
  ['args not a list', 'launch', { program: COUNT, args: '--fast' }],
  ['cwd missing', 'launch', { program: COUNT, cwd: join(FIXTURES, 'nowhere') }],
  ['env value not a string', 'launch', { program: COUNT, env: { PORT: 8080 } }],
  ['envFile unreadable', 'launch', { program: COUNT, envFile: join(FIXTURES, 'missing.env') }],
  ['stopOnEntry not a boolean', 'launch', { program: COUNT, stopOnEntry: 'yes' }],
  ['console unknown', 'launch', { program: COUNT, console: 'popup' }],
  ['trace not globs', 'launch', { program: COUNT, trace: 'src/**' }],
  ['traceFile folder missing', 'launch', { program: COUNT, traceFile: join(FIXTURES, 'no', 'x.cinescope') }],
  ['sampling not an object', 'launch', { program: COUNT, sampling: 10 }],
  ['port out of range', 'attach', { port: 70000 }],
  ['port not a number', 'attach', { port: '9229' }],
  ['address empty', 'attach', { port: 9229, address: '' }],
];

describe('debug configurations', () => {
  let client: DapClient | undefined;
  afterEach(async () => {
    await client?.dispose();
    client = undefined;
  });

  it('answers each bad configuration with a sentence, and the session stays usable', async () => {
    client = new DapClient();
    await client.ok('initialize', { adapterID: 'cinescope', pathFormat: 'path' });
    for (const [name, request, config] of BAD) {
      const response = await client.request(request, config);
      expect(response.success, name).toBe(false);
      client.record(name, response.message ?? '');
    }
    client.expectGolden('bad-configurations');
  });

  it('normalizes a good launch configuration', () => {
    const result = validateDebugConfiguration({
      request: 'launch',
      program: 'count.cjs',
      cwd: FIXTURES,
      envFile: 'sample.env',
      env: { EXTRA: '1', HOME: null },
      console: 'integratedTerminal',
      sampling: { calls: 0.1 },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const config = result.config;
    expect(config.request).toBe('launch');
    if (config.request !== 'launch') return;
    expect(config.program).toBe(COUNT);
    expect(config.env).toEqual({ NAME: 'from-file', QUOTED: 'two words', EXTRA: '1', HOME: null });
    expect(config.runtimeExecutable).toBe('node');
    expect(config.stopOnEntry).toBe(false);
    expect(config.sourceMaps).toBe(true);
    expect(config.notes).toEqual([
      '"sampling" is stored but not applied yet: every event is recorded.',
      '"console": "integratedTerminal" is not supported yet; the output goes to the Debug Console.',
    ]);
  });

  it('rejects what is not an object', () => {
    expect(validateDebugConfiguration(null)).toEqual({
      ok: false,
      message: 'The debug configuration must be an object.',
    });
    expect(validateDebugConfiguration({ request: 'debug' })).toEqual({
      ok: false,
      message: '"request" must be "launch" or "attach", not "debug".',
    });
  });

  it('refuses an envFile that is not a regular file of sensible size before reading it', async () => {
    const dir = tempDir();
    const fifo = join(dir, 'pipe.env');
    execFileSync('mkfifo', [fifo]); // reading it would block until a writer comes: never
    const folder = join(dir, 'folder.env');
    mkdirSync(folder);
    const huge = join(dir, 'huge.env');
    writeFileSync(huge, `A=${'x'.repeat(1024 * 1024)}\n`);
    const message = (envFile: string) => {
      const result = validateDebugConfiguration({ request: 'launch', program: COUNT, envFile });
      return result.ok ? 'accepted' : result.message;
    };
    expect(message(fifo)).toBe(`"envFile" must be a regular file: ${fifo} is a named pipe.`);
    expect(message('/dev/zero')).toBe('"envFile" must be a regular file: /dev/zero is a device.');
    expect(message(folder)).toBe(`"envFile" must be a regular file: ${folder} is a directory.`);
    expect(message(huge)).toMatch(/^"envFile" is too large for an environment file: .* \(at most 1 MB\)\.$/);

    // Through DAP the launch is answered (not hung) and the session stays usable.
    client = new DapClient();
    await client.ok('initialize', { adapterID: 'cinescope', pathFormat: 'path' });
    const response = await client.request('launch', { program: COUNT, envFile: fifo });
    expect(response.success).toBe(false);
    expect(response.message).toContain('is a named pipe');
  });
});

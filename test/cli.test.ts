/** The CLI's answers to wrong usage and bad files: one clear sentence and a non-zero exit. */
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, queryTrace, recordAndStats, tempDir } from './helpers';

describe('cinescope CLI', () => {
  it('explains wrong usage', async () => {
    const none = await cli([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toContain('Usage:');

    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown command 'frobnicate'");

    const empty = await cli(['record', '--']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('Nothing to record');

    const badOption = await cli(['record', '--overflow', 'sometimes', '--', 'node', '-e', '1']);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain('--overflow must be');

    const noSql = await cli(['query', 'x.cinescope']);
    expect(noSql.code).toBe(2);
    expect(noSql.stderr).toContain('--sql');
  });

  it('says which program is missing', async () => {
    const missingScript = await cli(['record', '--', process.execPath, 'no/such/app.js']);
    expect(missingScript.code).toBe(2);
    expect(missingScript.stderr).toMatch(/Program not found: .*no\/such\/app\.js/);

    const noFolder = await cli([
      'record',
      '--out',
      '/no/such/folder/t.cinescope',
      '--',
      process.execPath,
      '-e',
      '1',
    ]);
    expect(noFolder.code).toBe(2);
    expect(noFolder.stderr).toContain('The folder for the trace file does not exist: /no/such/folder.');

    // A file that exists but cannot be run: a sentence, and no collector left hanging.
    const dir = tempDir();
    const notExecutable = join(dir, 'notes.txt');
    writeFileSync(notExecutable, 'not a program');
    const cannotRun = await cli(['record', '--out', join(dir, 't.cinescope'), '--', notExecutable]);
    expect(cannotRun.code).toBe(1);
    expect(cannotRun.stderr).toBe(
      `cinescope: Cannot run '${notExecutable}': spawn ${notExecutable} EACCES.\n`,
    );

    const missingCommand = await cli(['record', '--', 'no-such-command-xyz']);
    expect(missingCommand.code).toBe(2);
    expect(missingCommand.stderr).toContain("Cannot run 'no-such-command-xyz': no such command on PATH");
  });

  it('refuses unreadable, corrupt and foreign trace files with a sentence, not a stack', async () => {
    const dir = tempDir();
    const missing = await cli(['stats', join(dir, 'nope.cinescope')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Cannot read trace file');
    expect(missing.stderr).not.toMatch(/\n\s+at /);

    const garbage = join(dir, 'garbage.cinescope');
    writeFileSync(garbage, 'this is not a trace at all');
    const corrupt = await cli(['stats', garbage, '--json']);
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toContain(garbage);
    expect(corrupt.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints stats as one JSON object and runs read-only queries', async () => {
    const { recorded, out, stats } = await recordAndStats([process.execPath, '-e', 'console.log("hi")']);
    expect(recorded.stdout).toBe('hi\n');
    expect(Object.keys(stats)).toEqual(
      expect.arrayContaining([
        'schemaVersion',
        'events',
        'byType',
        'threads',
        'processes',
        'messages',
        'errors',
        'dropped',
        'durationMs',
      ]),
    );
    expect(stats.byType.processStart).toBe(1);
    expect(stats.events).toBe(
      Object.values(stats.byType as Record<string, number>).reduce((a, b) => a + b, 0),
    );
    const rows = await queryTrace(out, 'SELECT COUNT(*) AS n FROM events');
    expect(rows).toEqual([{ n: stats.events }]);

    const write = await cli(['query', out, '--sql', 'DELETE FROM events']);
    expect(write.code).toBe(1);
    expect(write.stderr).toMatch(/read-only/i);
    const after = await queryTrace(out, 'SELECT COUNT(*) AS n FROM events');
    expect(after).toEqual([{ n: stats.events }]);

    const wrong = await cli(['query', out, '--sql', 'SELECT * FROM nowhere']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe('cinescope: The query failed: no such table: nowhere.\n');
  });
});

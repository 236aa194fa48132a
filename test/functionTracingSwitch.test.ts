/**
 * Function tracing switched by a debugger (runtime/control.ts) carries over to what loads later: a
 * real `cinescope record --trace` run whose program flips the runtime's control surface itself
 * (as the debug adapter does through Runtime.evaluate), then loads modules and starts a worker.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { queryTrace, recordAndStats, tempDir } from './helpers';

function project(): string {
  const cwd = tempDir();
  mkdirSync(join(cwd, 'src'));
  writeFileSync(
    join(cwd, 'app.js'),
    `const path = require('node:path');
     const { Worker } = require('node:worker_threads');
     const control = globalThis[Symbol.for('cinescope.control')];
     const before = control.setFunctionTracing(false); // nothing loaded yet: 0 sites changed
     require('./src/a.js').alpha(1);
     control.setFunctionTracing(true, ['keep*']);
     const b = require('./src/b.js');
     b.keepMe(2);
     b.dropMe(3);
     const w = new Worker(path.join(__dirname, 'src', 'w.js'));
     w.on('exit', () => {
       control.setFunctionTracing(true);
       require('./src/c.js').gamma(4);
       console.log('done', before);
     });`,
  );
  writeFileSync(join(cwd, 'src', 'a.js'), 'exports.alpha = function alpha(n) { return n + 1; };\n');
  writeFileSync(
    join(cwd, 'src', 'b.js'),
    'exports.keepMe = function keepMe(n) { return n * 2; };\nexports.dropMe = function dropMe(n) { return n * 3; };\n',
  );
  writeFileSync(join(cwd, 'src', 'c.js'), 'exports.gamma = function gamma(n) { return n - 1; };\n');
  writeFileSync(join(cwd, 'src', 'w.js'), "const b = require('./b.js');\nb.keepMe(5);\nb.dropMe(6);\n");
  return cwd;
}

describe('function tracing switches', () => {
  it('apply to modules loaded and workers started after the switch', async () => {
    const cwd = project();
    const { recorded, out } = await recordAndStats([process.execPath, 'app.js'], {
      cwd,
      extraArgs: ['--trace', 'src/**'],
    });
    expect(recorded.code).toBe(0);
    expect(recorded.stdout).toBe('done 0\n');
    const rows = await queryTrace(
      out,
      `SELECT s.name AS name, e.tid AS tid FROM events e
         JOIN event_types t ON t.type = e.type AND t.name = 'call'
         JOIN sites s ON s.pid = e.pid AND s.tid = e.tid AND s.site = e.site
       ORDER BY e.ts, e.eid`,
    );
    const mainTid = rows.find((r) => r.name === 'gamma')?.tid;
    expect(rows.map((r) => [r.name, r.tid === mainTid ? 'main' : 'worker'])).toEqual([
      ['keepMe', 'main'],
      ['keepMe', 'worker'],
      ['gamma', 'main'],
    ]);
  });
});

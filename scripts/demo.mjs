// `npm run demo`: records the worker-pipeline example with the real CLI (every call of the
// example's own functions and the state of its JobQueue included), shows what the trace holds
// (the summary, the threads, the messages between them, the errors), then serves its timeline page
// with `cinescope view` until Ctrl+C.
//
// Serving waits for Ctrl+C, so it only happens for someone at a terminal: with no TTY, with `CI`
// set, or with `--no-view`, the demo ends after the text and says how to open the timeline.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'bin', 'cinescope.js');
const out = join(mkdtempSync(join(tmpdir(), 'cinescope-demo-')), 'worker-pipeline.cinescope');
const interactive = process.stdin.isTTY && process.stdout.isTTY && !process.env.CI;
const serve = interactive && !process.argv.includes('--no-view');

const run = (args, title) => {
  if (title) console.log(`\n== ${title}`);
  const result = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit', cwd: root });
  // The example ends with an error on purpose (a worker's uncaught exception): record passes its
  // exit code on, which is not a failure of the demo.
  if (result.status !== 0 && args[0] !== 'record') process.exit(result.status ?? 1);
};

console.log('== Recording examples/worker-pipeline/main.mjs (its own output first, then the summary)\n');
run([
  'record',
  '--out',
  out,
  '--trace',
  'examples/**',
  '--state',
  'JobQueue',
  '--',
  process.execPath,
  'examples/worker-pipeline/main.mjs',
]);
run(['timeline', out], 'Timeline: one lane per thread');
run(['query', out, '--sql', 'SELECT pid, tid, name, exit_code FROM threads ORDER BY pid, tid'], 'Threads');
run(
  [
    'query',
    out,
    '--sql',
    `SELECT json_extract(s.payload,'$.channel') AS channel, s.tid AS from_tid, r.tid AS to_tid,
            COUNT(*) AS messages, ROUND(AVG(r.ts - s.ts), 3) AS avg_latency_ms
     FROM events s JOIN events r ON r.corr = s.corr AND r.type = 9
     WHERE s.type = 8 GROUP BY channel, from_tid, to_tid ORDER BY channel, from_tid, to_tid`,
  ],
  'Messages between threads (send joined to receive)',
);
run(
  [
    'query',
    out,
    '--sql',
    `SELECT t.name AS type, e.tid, json_extract(e.payload,'$.error.message') AS message
     FROM events e JOIN event_types t ON t.type = e.type WHERE e.type IN (10, 11, 12) ORDER BY e.ts`,
  ],
  'Errors',
);

const bin = relative(process.cwd(), cli) || cli;
console.log(`\nTrace file: ${out}\nTry: node ${bin} query ${out} --sql "SELECT * FROM event_types"`);
if (!serve) {
  const why = process.argv.includes('--no-view') ? '--no-view' : process.env.CI ? 'CI is set' : 'no terminal';
  console.log(
    `\nThe timeline page is not served (${why}). To see it in a browser:\n  node ${bin} view ${out}`,
  );
  process.exit(0);
}

// A browser is opened where there is one to open: macOS, Windows, or a Linux desktop session
// (xdg-open without a display would look for a text browser in this terminal).
const canOpen = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
console.log(
  `\n== The timeline page${canOpen ? ' (opening a browser)' : ': open the link below in a browser'}`,
);
const viewer = spawn(process.execPath, [cli, 'view', out, ...(canOpen ? [] : ['--no-open'])], {
  stdio: 'inherit',
  cwd: root,
});
// Ctrl+C reaches the viewer too (same process group); it closes its server and exits, then so do we.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => viewer.kill('SIGTERM'));
viewer.on('exit', (code, signal) => {
  console.log(`\nStopped. The trace stays in ${out}`);
  process.exit(signal === 'SIGINT' || signal === null ? (code ?? 0) : 1);
});

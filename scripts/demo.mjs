// `npm run demo`: records the worker-pipeline example with the real CLI, then shows what the
// trace holds: the summary, the threads, the messages between them and the errors.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = join(import.meta.dirname, '..', 'bin', 'cinescope.js');
const out = join(mkdtempSync(join(tmpdir(), 'cinescope-demo-')), 'worker-pipeline.cinescope');
const run = (args, title) => {
  if (title) console.log(`\n== ${title}`);
  const result = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' });
  if (result.status !== 0 && args[0] !== 'record') process.exit(result.status ?? 1);
};

console.log('== Recording examples/worker-pipeline/main.mjs (its own output first, then the summary)\n');
run(['record', '--out', out, '--', process.execPath, 'examples/worker-pipeline/main.mjs']);
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
console.log(
  `\nTrace file: ${out}\nTry: node bin/cinescope.js query ${out} --sql "SELECT * FROM event_types"`,
);

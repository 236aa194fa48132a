// ipc-parent child: answers requests from parent.js over IPC (process.on('message') /
// process.send). Errors raised while handling a request are caught and sent back. Exits with
// code 3 when it receives { op: 'quit' }. It writes nothing to stdout, so the combined stdout of
// the example does not depend on how two processes' output interleaves. Not meant to be run on its own.
'use strict';

let handled = 0;

const ops = {
  square: (n) => n * n,
  upper: (s) => s.toUpperCase(),
  sum: (xs) => xs.reduce((a, b) => a + b, 0),
  divide: (d) => {
    if (d === 0) throw new RangeError('division by zero');
    return 100 / d;
  },
  count: () => handled,
};

process.on('message', (msg) => {
  if (msg.op === 'quit') {
    // Say goodbye over IPC and exit once the message has been handed to the channel.
    process.send({ id: msg.id, ok: true, result: `quitting after ${handled} requests` }, () =>
      process.exit(3),
    );
    return;
  }
  handled++;
  try {
    const fn = ops[msg.op];
    if (!fn) throw new Error(`unknown op ${msg.op}`);
    process.send({ id: msg.id, ok: true, result: fn(msg.arg) });
  } catch (err) {
    process.send({ id: msg.id, ok: false, error: `${err.name}: ${err.message}` });
  }
});

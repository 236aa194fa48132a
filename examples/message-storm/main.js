// message-storm (CommonJS): a message-heavy benchmark workload. The main thread and one worker
// (this same file, started with new Worker(__filename)) play ping-pong with small objects: main
// sends N pings, the worker answers each with a pong, so 2*N messages cross the thread boundary.
// Up to WINDOW pings are in flight at once (a new ping goes out for each pong received), which
// keeps both threads busy instead of waking each other up for every single message.
// Prints the count and a checksum that depends on every reply.
// Run: node examples/message-storm/main.js [N=20000]   Expected exit code: 0.
'use strict';
const { Worker, isMainThread, parentPort } = require('node:worker_threads');

if (isMainThread) {
  const n = Number.parseInt(process.argv[2] ?? '20000', 10);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`usage: node main.js [N]  (N must be a positive integer, got ${process.argv[2]})`);
    process.exit(2);
  }
  const WINDOW = 32;
  const worker = new Worker(__filename);
  const ping = (seq) => worker.postMessage({ seq, value: (seq * 7) % 1000, tag: 'ping' });
  let sent = 0;
  let received = 0;
  let checksum = 0;
  worker.on('message', (pong) => {
    received++;
    checksum = (Math.imul(checksum, 31) + pong.value) >>> 0;
    if (pong.seq !== received) throw new Error(`out of order: got ${pong.seq}, expected ${received}`);
    if (sent < n) ping(++sent);
    else if (received === n) worker.postMessage({ seq: 0, tag: 'stop' });
  });
  worker.on('exit', (code) => {
    console.log(`messages: ${sent} pings, ${received} pongs`);
    console.log(`checksum: ${checksum.toString(16).padStart(8, '0')}`);
    console.log(`worker exit code ${code}`);
  });
  while (sent < Math.min(WINDOW, n)) ping(++sent);
} else {
  parentPort.on('message', (ping) => {
    if (ping.tag === 'stop') {
      parentPort.close();
      return;
    }
    parentPort.postMessage({ seq: ping.seq, value: (ping.value * ping.value + 1) % 65521, tag: 'pong' });
  });
}

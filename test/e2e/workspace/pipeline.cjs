// The program the end-to-end journey debugs: a named worker squares what the main thread sends
// it, and a Counter (its file traced, its state recorded) adds up the answers. The journey finds
// its lines by the `e2e:` markers, so lines may move. CommonJS, as most debugged programs still are.
const { Worker, isMainThread, parentPort } = require('node:worker_threads');

class Counter {
  constructor() {
    this.total = 0;
  }

  add(n) {
    this.total += n;
    return this.total;
  }
}

if (isMainThread) {
  const counter = new Counter();
  const worker = new Worker(__filename, { name: 'squarer' });
  let answers = 0;
  worker.on('message', (squared) => {
    const total = counter.add(squared); // e2e: breakpoint
    console.log(`squared ${squared}, total ${total}`); // e2e: trace point
    if (++answers === 3) worker.terminate();
  });
  for (const n of [3, 4, 5]) worker.postMessage(n);
} else {
  parentPort.on('message', (n) => parentPort.postMessage(n * n));
}

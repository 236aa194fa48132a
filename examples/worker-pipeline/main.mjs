// worker-pipeline (ESM): a main thread hands hashing jobs to two named workers.
// Shows: worker_threads Workers (named via the `name` option and workerData), job/result
// messages over postMessage/parentPort, a MessageChannel port transferred to a worker, a
// BroadcastChannel('status') on which workers announce readiness, a stateful JobQueue class,
// a caught validation error, and an uncaught exception inside a worker ("poison" job) that the
// main thread observes through the worker's 'error' event before carrying on.
// Run: node examples/worker-pipeline/main.mjs   Expected exit code: 0 (stderr stays empty).
import { Worker, MessageChannel, BroadcastChannel } from 'node:worker_threads';

const WORKER_URL = new URL('./worker.mjs', import.meta.url);
const NAMES = ['hasher-1', 'hasher-2'];

class JobQueue {
  constructor() {
    this.nextId = 1;
    this.pending = new Map(); // id -> { job, resolve }
    this.results = new Map(); // id -> result message
    this.enqueued = 0;
    this.completed = 0;
    this.failed = 0;
    this.perWorker = new Map();
  }

  enqueue(worker, payload) {
    const id = this.nextId++;
    const job = { id, payload };
    this.enqueued++;
    return new Promise((resolve) => {
      this.pending.set(id, { job, resolve });
      worker.postMessage({ type: 'job', job });
    });
  }

  complete(name, msg) {
    const entry = this.pending.get(msg.id);
    if (!entry) throw new Error(`unknown job ${msg.id}`);
    this.pending.delete(msg.id);
    this.results.set(msg.id, { ...msg, worker: name });
    if (msg.ok) this.completed++;
    else this.failed++;
    this.perWorker.set(name, (this.perWorker.get(name) ?? 0) + 1);
    entry.resolve(msg);
  }

  stats() {
    return {
      enqueued: this.enqueued,
      completed: this.completed,
      failed: this.failed,
      pending: this.pending.size,
    };
  }
}

// Readiness announcements arrive on the broadcast channel, in whatever order the workers start.
const status = new BroadcastChannel('status');
const ready = new Set();
let allReady;
const allReadyPromise = new Promise((resolve) => (allReady = resolve));
status.onmessage = (event) => {
  if (event.data.type === 'ready') ready.add(event.data.name);
  if (ready.size === NAMES.length) allReady();
};

const queue = new JobQueue();
const workers = new Map();
for (const name of NAMES) {
  const worker = new Worker(WORKER_URL, { name, workerData: { name } });
  worker.on('message', (msg) => {
    if (msg.type === 'result') queue.complete(name, msg);
  });
  workers.set(name, worker);
}

await allReadyPromise;
status.close();
console.log(`ready: ${[...ready].sort().join(', ')}`);

// hasher-1 reports progress on a private MessageChannel instead of its parentPort.
const { port1, port2 } = new MessageChannel();
let progressReports = 0;
port1.on('message', (msg) => {
  if (msg.type === 'progress') progressReports++;
});
workers.get('hasher-1').postMessage({ type: 'progress-port', port: port2 }, [port2]);

// Round 1: ten jobs, round-robin. Job 7 carries a number instead of a string and fails validation.
const inputs = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 42, 'hotel', 'india', 'juliet'];
const round1 = inputs.map((payload, i) => queue.enqueue(workers.get(NAMES[i % 2]), payload));
await Promise.all(round1);
for (const [id, r] of [...queue.results].sort((a, b) => a[0] - b[0])) {
  const out = r.ok ? `hash=${r.hash}` : `error="${r.error}"`;
  console.log(`job ${id} on ${r.worker}: ${out}`);
}

// Caught error on the main thread: completing a job that was never enqueued.
try {
  queue.complete('hasher-1', { id: 999, ok: true, hash: '0' });
} catch (err) {
  console.log(`caught: ${err.message}`);
}

// Round 2: poison hasher-2. Its uncaught exception surfaces here as an 'error' event.
const crashed = workers.get('hasher-2');
const crash = new Promise((resolve) => {
  let error;
  crashed.once('error', (err) => (error = err));
  crashed.once('exit', (code) => resolve({ error, code }));
});
crashed.postMessage({ type: 'poison' });
const { error, code } = await crash;
console.log(`hasher-2 crashed: ${error.message} (exit code ${code})`);
workers.delete('hasher-2');

// Round 3: the survivor takes the remaining work.
const survivor = workers.get('hasher-1');
await Promise.all(['kilo', 'lima'].map((payload) => queue.enqueue(survivor, payload)));
for (const id of [11, 12])
  console.log(`job ${id} on ${queue.results.get(id).worker}: hash=${queue.results.get(id).hash}`);

// The worker closes its end of the progress channel on 'stop'; port1's 'close' event fires once
// every progress message sent before that has been delivered.
const progressClosed = new Promise((resolve) => port1.once('close', resolve));
const stopped = new Promise((resolve) => survivor.once('exit', resolve));
survivor.postMessage({ type: 'stop' });
const [survivorCode] = await Promise.all([stopped, progressClosed]);

const s = queue.stats();
console.log(
  `summary: enqueued=${s.enqueued} completed=${s.completed} failed=${s.failed} pending=${s.pending}`,
);
console.log(
  `per worker: ${[...queue.perWorker]
    .sort()
    .map(([n, c]) => `${n}=${c}`)
    .join(' ')}`,
);
console.log(`progress reports from hasher-1: ${progressReports}`);
console.log(`hasher-1 exit code ${survivorCode}`);

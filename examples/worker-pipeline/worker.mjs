// worker-pipeline worker: hashes strings (FNV-1a), validates input inside try/catch, announces
// readiness on BroadcastChannel('status'), reports progress on a transferred MessagePort, and
// throws an uncaught exception when it receives a "poison" message.
import { parentPort, workerData, BroadcastChannel } from 'node:worker_threads';

const { name } = workerData;
let progressPort = null;
let done = 0;

function fnv1a(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

function validate(payload) {
  if (typeof payload !== 'string') throw new TypeError(`payload must be a string, got ${typeof payload}`);
  return payload;
}

parentPort.on('message', (msg) => {
  switch (msg.type) {
    case 'progress-port':
      progressPort = msg.port;
      break;
    case 'job': {
      const { id, payload } = msg.job;
      let reply;
      try {
        reply = { type: 'result', id, ok: true, hash: fnv1a(validate(payload)) };
      } catch (err) {
        reply = { type: 'result', id, ok: false, error: err.message };
      }
      done++;
      if (progressPort) progressPort.postMessage({ type: 'progress', name, done });
      parentPort.postMessage(reply);
      break;
    }
    case 'poison':
      throw new Error(`poison pill swallowed by ${name}`);
    case 'stop':
      if (progressPort) progressPort.close();
      parentPort.close();
      break;
  }
});

const status = new BroadcastChannel('status');
status.postMessage({ type: 'ready', name });
status.close();

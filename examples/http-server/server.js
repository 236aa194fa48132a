// http-server (CommonJS): a tiny HTTP server for benchmark harnesses.
// Listens on 127.0.0.1 port 0 and prints the chosen port as one stdout line, `PORT <n>`, then one
// line per request. GET /work?n=K does a little CPU work (counting primes below K*1000, K <= 100)
// and returns JSON; GET /shutdown answers and then closes the server; SIGTERM also closes it.
// With --self-test it sends a fixed set of requests to itself and prints only deterministic
// lines (no port), so its stdout can be compared between runs.
// Run: node examples/http-server/server.js [--self-test]   Expected exit code: 0 after /shutdown
// or SIGTERM (the self-test shuts itself down).
'use strict';
const http = require('node:http');

const selfTest = process.argv.includes('--self-test');
let requests = 0;

function countPrimesBelow(limit) {
  const sieve = new Uint8Array(limit);
  let count = 0;
  for (let i = 2; i < limit; i++) {
    if (sieve[i]) continue;
    count++;
    for (let j = i * i; j < limit; j += i) sieve[j] = 1;
  }
  return count;
}

function work(k) {
  const primes = countPrimesBelow(k * 1000);
  const buckets = Array.from({ length: Math.min(k, 10) }, (_, i) => ({
    from: i * 100,
    to: (i + 1) * 100,
    primes: countPrimesBelow((i + 1) * 100) - countPrimesBelow(i * 100),
  }));
  return JSON.stringify({ n: k, limit: k * 1000, primes, buckets });
}

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const server = http.createServer((req, res) => {
  requests++;
  const url = new URL(req.url, 'http://localhost');
  let status = 200;
  if (req.method === 'GET' && url.pathname === '/work') {
    const k = Number(url.searchParams.get('n') ?? '1');
    if (Number.isInteger(k) && k >= 1 && k <= 100) {
      send(res, 200, work(k));
    } else {
      status = 400;
      send(res, status, JSON.stringify({ error: 'n must be an integer between 1 and 100' }));
    }
  } else if (req.method === 'GET' && url.pathname === '/shutdown') {
    send(res, 200, JSON.stringify({ bye: true, requests }));
    res.on('finish', () => shutdown('/shutdown'));
  } else {
    status = 404;
    send(res, status, JSON.stringify({ error: 'not found' }));
  }
  console.log(`${req.method} ${req.url} -> ${status}`);
});

let closing = false;
function shutdown(reason) {
  if (closing) return;
  closing = true;
  server.close(() => {
    console.log(`closed by ${reason} after ${requests} requests`);
  });
  server.closeAllConnections();
}

process.on('SIGTERM', () => shutdown('SIGTERM'));

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  if (!selfTest) {
    console.log(`PORT ${port}`);
    return;
  }
  runSelfTest(port).catch((err) => {
    console.error(err);
    process.exitCode = 1;
    shutdown('self-test failure');
  });
});

async function runSelfTest(port) {
  const get = (path) =>
    new Promise((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode, body }));
        })
        .on('error', reject);
    });
  for (const path of ['/work?n=1', '/work?n=5', '/work?n=50', '/work?n=0', '/nope']) {
    const { status, body } = await get(path);
    const json = JSON.parse(body);
    console.log(`client: ${path} -> ${status} ${json.error ?? `primes=${json.primes}`}`);
  }
  // Wait for the server to finish closing too, so the 'closed by' line always comes first.
  const closed = new Promise((resolve) => server.once('close', resolve));
  const [{ body }] = await Promise.all([get('/shutdown'), closed]);
  console.log(`client: /shutdown -> ${body}`);
}

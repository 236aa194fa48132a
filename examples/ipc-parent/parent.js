// ipc-parent (CommonJS): a parent process forks child.js and talks to it over the IPC channel.
// Shows: child_process.fork, request/response messages (child.send / process.send), an error
// raised and caught inside the child and reported back, a child that exits with code 3 when told
// to 'quit', and two plain spawned commands (a node one-liner and /bin/sh) with their exit codes.
// Run: node examples/ipc-parent/parent.js   Expected exit code: 0 (child exits 3, by design).
'use strict';
const { fork, spawn } = require('node:child_process');
const path = require('node:path');

const child = fork(path.join(__dirname, 'child.js'), [], { stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });

let nextId = 1;
const waiting = new Map();
child.on('message', (msg) => {
  const resolve = waiting.get(msg.id);
  waiting.delete(msg.id);
  resolve(msg);
});

function request(op, arg) {
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    child.send({ id, op, arg });
  });
}

function exitOf(proc) {
  return new Promise((resolve, reject) => {
    proc.once('error', reject);
    proc.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

async function main() {
  const childExit = exitOf(child);
  for (const [op, arg] of [
    ['square', 7],
    ['upper', 'cinescope'],
    ['sum', [1, 2, 3, 4, 5]],
    ['divide', 0],
    ['count', null],
  ]) {
    const reply = await request(op, arg);
    const text = reply.ok ? `result=${JSON.stringify(reply.result)}` : `error="${reply.error}"`;
    console.log(`parent: ${op}(${JSON.stringify(arg)}) -> ${text}`);
  }
  const bye = await request('quit', null);
  console.log(`parent: child says "${bye.result}"`);
  const { code } = await childExit;
  console.log(`parent: child exited with code ${code}`);

  const oneLiner = await exitOf(spawn(process.execPath, ['-e', 'process.exit(0)'], { stdio: 'ignore' }));
  console.log(`parent: node -e exited with code ${oneLiner.code}`);
  const shell = await exitOf(spawn('/bin/sh', ['-c', 'exit 2'], { stdio: 'ignore' }));
  console.log(`parent: /bin/sh -c "exit 2" exited with code ${shell.code}`);
  console.log('parent: done');
}

main();

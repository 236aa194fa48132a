/**
 * `cinescope dap`: the debug adapter over stdin and stdout, for DAP clients other than VS Code
 * (nvim-dap, Emacs dap-mode, test harnesses). stdout carries the protocol and nothing else.
 */
import * as path from 'node:path';
import { format } from 'node:util';
import { CinescopeSession } from '../adapter/session';

/** Serves one debug session; resolves when the client disconnects or closes stdin. */
export function dap(): Promise<number> {
  // Anything else printed to stdout would corrupt the protocol: console output goes to stderr.
  const toStderr = (...args: unknown[]) => void process.stderr.write(format(...args) + '\n');
  console.log = console.info = console.debug = toStderr;
  return new Promise((resolve) => {
    const session = new CinescopeSession({
      preloadPath: path.join(__dirname, 'runtime', 'preload.js'),
      onDisconnected: () => resolve(0),
    });
    process.stdin.on('end', () => resolve(0));
    session.start(process.stdin, process.stdout);
  });
}

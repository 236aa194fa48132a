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
      // Stop reading so that the process can end once the last answer is written.
      onDisconnected: () => {
        process.stdin.destroy();
        resolve(0);
      },
    });
    // The client went away without disconnecting: stop its program, write the trace, end.
    process.stdin.on('end', () => void session.close().then(() => resolve(0)));
    // Otherwise the protocol layer exits the process 100 ms after stdin closes, before the trace is written.
    session.setRunAsServer(true);
    session.start(process.stdin, process.stdout);
  });
}

/**
 * One JavaScript thread being debugged: the main thread or a worker, each with its own CDP target,
 * scripts and pause state. DAP thread ids are ours; the main thread is 1.
 */
import type Protocol from 'devtools-protocol';
import type { CdpApi, CdpClient } from './cdp';
import { ScriptRegistry } from './scripts';

export class DebugThread {
  readonly scripts = new ScriptRegistry();
  /** Set while the thread is paused (and shown as stopped to the client). */
  paused: Protocol.Debugger.PausedEvent | undefined;

  constructor(
    readonly id: number,
    readonly name: string,
    readonly cdp: CdpApi | CdpClient,
  ) {}
}

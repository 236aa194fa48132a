/**
 * Messages between threads and processes: Worker ↔ parentPort, MessagePort, BroadcastChannel and
 * `process.send` IPC. Each send and each receive is an event; a receive carries the same
 * correlation id as its send, computed on both sides from what both know:
 *
 * - ordered channels (Worker ↔ parentPort, IPC) by channel key and position: exact;
 * - MessagePort and BroadcastChannel by the encoded message, salted with the channel: equal
 *   messages on one channel share an id, different ones link exactly.
 *
 * What the program sends and receives is never changed.
 */
import { EventType } from '../eventSchema';
import type { ChannelKind, MessagePayload } from '../eventSchema';
import { correlationAt, hashText } from '../correlation';
import type { HashState } from '../correlation';
import { recordEvent } from '../recorder';

const pid = process.pid;

/**
 * One end of an ordered channel (Worker ↔ parentPort, IPC): messages arrive in the order they
 * were sent, so the n-th receive on one end matches the n-th send on the other.
 */
export class OrderedChannel {
  private sent = 0;
  private received = 0;
  private readonly sendHash: HashState;
  private readonly receiveHash: HashState;

  /**
   * `sendKey` names the direction this end sends on, `receiveKey` the one it receives on; the
   * other end has them swapped. `peer` is the thread or process on the other side.
   */
  constructor(
    private readonly kind: ChannelKind,
    private readonly sendKey: string,
    private readonly receiveKey: string,
    private readonly peer: number,
  ) {
    // A Worker's end and its parentPort are two ends of one channel: hash them alike.
    const space = kind === 'parentPort' ? 'worker' : kind;
    this.sendHash = hashText(`${space}|${sendKey}|`);
    this.receiveHash = hashText(`${space}|${receiveKey}|`);
  }

  send(data: unknown): void {
    const seq = ++this.sent;
    const payload: MessagePayload = { channel: this.kind, key: this.sendKey, seq, peer: this.peer, data };
    recordEvent(EventType.messageSend, payload, { corr: correlationAt(this.sendHash, seq) });
  }

  receive(data: unknown): void {
    const seq = ++this.received;
    const payload: MessagePayload = { channel: this.kind, key: this.receiveKey, seq, peer: this.peer, data };
    recordEvent(EventType.messageReceive, payload, { corr: correlationAt(this.receiveHash, seq) });
  }
}

/** Records a send or receive on an unordered channel (MessagePort, BroadcastChannel). */
export function recordUnordered(send: boolean, channel: ChannelKind, key: string, data: unknown) {
  // Both sides must encode the same payload for the ids to match: no position, no peer.
  const payload: MessagePayload = { channel, key, seq: 0, peer: 0, data };
  recordEvent(send ? EventType.messageSend : EventType.messageReceive, payload, {
    corrSalt: `${pid}|${channel}|${key}`,
  });
}

/** Key of a worker channel: the worker's thread id and the direction, shared by both ends. */
export function workerKey(threadId: number, direction: 'down' | 'up'): string {
  return `${pid}:${threadId}:${direction}`;
}

/** Key of an IPC channel: the child's pid and the direction, known to parent and child. */
export function ipcKey(childPid: number, direction: 'down' | 'up'): string {
  return `${childPid}:${direction}`;
}

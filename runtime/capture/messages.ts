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
import { correlationOf } from '../correlation';
import { recordEvent } from '../recorder';

const pid = process.pid;

/** Per-direction positions of one ordered channel. */
export interface ChannelCounters {
  sent: number;
  received: number;
}

export function newCounters(): ChannelCounters {
  return { sent: 0, received: 0 };
}

/** Records a send on an ordered channel; `key` names the channel and direction. */
export function recordOrderedSend(
  channel: ChannelKind,
  key: string,
  seq: number,
  peer: number,
  data: unknown,
) {
  const payload: MessagePayload = { channel, key, seq, peer, data };
  recordEvent(EventType.messageSend, payload, { corr: orderedCorrelation(channel, key, seq) });
}

/** Records a receive on an ordered channel; matches the send with the same key and position. */
export function recordOrderedReceive(
  channel: ChannelKind,
  key: string,
  seq: number,
  peer: number,
  data: unknown,
) {
  const payload: MessagePayload = { channel, key, seq, peer, data };
  recordEvent(EventType.messageReceive, payload, { corr: orderedCorrelation(channel, key, seq) });
}

/** The two ends of a worker channel are 'worker' on one side and 'parentPort' on the other. */
function orderedCorrelation(channel: ChannelKind, key: string, seq: number): number {
  return correlationOf(`${channel === 'parentPort' ? 'worker' : channel}|${key}|${seq}`);
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

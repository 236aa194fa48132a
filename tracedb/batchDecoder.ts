/**
 * Decodes one binary batch (see runtime/eventSchema.ts) into TraceEvents, checking every length
 * against the bytes actually there: a batch comes from a socket and may be hostile.
 */
import {
  BATCH_HEADER_BYTES,
  BATCH_MAGIC,
  BatchOffset,
  HEADER_BYTES,
  Offset,
  SCHEMA_VERSION,
  align8,
} from '../runtime/eventSchema';
import { TraceError } from './errors';
import type { TraceEvent } from './traceEvent';
import { decodeValueJson } from './valueDecoder';

/** A decoded batch: the writing process and its events. */
export interface DecodedBatch {
  pid: number;
  events: TraceEvent[];
}

/** What `checkBatch` learns from a batch's structure. */
export interface BatchShape {
  pid: number;
  count: number;
}

/**
 * Checks a batch's structure — header, version, every record's length — without decoding
 * payloads: cheap enough to run on receipt, so a hostile frame is refused at once.
 */
export function checkBatch(bytes: Uint8Array): BatchShape {
  if (bytes.length < BATCH_HEADER_BYTES) {
    throw new TraceError('bad-batch', `A batch of ${bytes.length} bytes is shorter than its 16-byte header.`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(BatchOffset.magic, true) !== BATCH_MAGIC) {
    throw new TraceError('bad-batch', 'The data is not a Cinescope event batch (wrong magic number).');
  }
  const version = view.getUint16(BatchOffset.version, true);
  if (version !== SCHEMA_VERSION) {
    throw new TraceError(
      'unknown-version',
      `The batch uses event schema version ${version}; this Cinescope reads version ${SCHEMA_VERSION}. ` +
        'Use the same Cinescope version for the program and the collector.',
    );
  }
  const pid = view.getUint32(BatchOffset.pid, true);
  const count = view.getUint32(BatchOffset.count, true);
  // A record takes at least a header: a larger count cannot be honest.
  if (count > (bytes.length - BATCH_HEADER_BYTES) / HEADER_BYTES) {
    throw new TraceError('bad-batch', `The batch claims ${count} records but has room for fewer.`);
  }
  let at = BATCH_HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    const length = at + HEADER_BYTES <= bytes.length ? view.getUint32(at + Offset.length, true) : 0;
    if (length < HEADER_BYTES || at + length > bytes.length) {
      throw new TraceError(
        'corrupt-record',
        `Record ${i} of the batch at byte ${at} has an impossible length.`,
      );
    }
    at += align8(length);
  }
  return { pid, count };
}

/** Decodes a batch into events; throws TraceError for anything `checkBatch` refuses. */
export function decodeBatch(bytes: Uint8Array): DecodedBatch {
  const { pid, count } = checkBatch(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const events: TraceEvent[] = new Array(count);
  let at = BATCH_HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    const length = view.getUint32(at + Offset.length, true);
    events[i] = {
      pid,
      tid: view.getUint32(at + Offset.tid, true),
      eid: view.getUint32(at + Offset.eid, true),
      parent: view.getUint32(at + Offset.parent, true),
      site: view.getUint32(at + Offset.site, true),
      corr: view.getFloat64(at + Offset.corr, true),
      ts: view.getFloat64(at + Offset.ts, true),
      type: view.getUint16(at + Offset.type, true),
      flags: view.getUint16(at + Offset.flags, true),
      payload: length > HEADER_BYTES ? payloadJson(bytes, at + HEADER_BYTES, at + length) : null,
    };
    at += align8(length);
  }
  return { pid, events };
}

/**
 * A payload that cannot be decoded costs that payload only: the record's header is sound (it was
 * checked), so the event is kept with a marker saying why its value is missing.
 */
function payloadJson(bytes: Uint8Array, start: number, end: number): string {
  try {
    return decodeValueJson(bytes, start, end);
  } catch (error) {
    const reason = error instanceof TraceError ? error.message : String(error);
    return JSON.stringify({ $: 'undecodable', reason });
  }
}

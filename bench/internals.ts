/** The internals the benchmarks measure, bundled to dist/bench/internals.js by the build. */
export { Recorder, recordEvent, setRecorder } from '../runtime/recorder';
export { RingReader, RingWriter, createRingBuffer } from '../runtime/ring';
export { ValueEncoder } from '../runtime/valueEncoder';
export {
  EventType,
  HEADER_BYTES,
  BATCH_HEADER_BYTES,
  BATCH_MAGIC,
  SCHEMA_VERSION,
} from '../runtime/eventSchema';
export { TraceDb } from '../tracedb/traceDb';
export { decodeBatch } from '../tracedb/batchDecoder';
export { Collector } from '../tracedb/collector';

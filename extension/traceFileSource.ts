/**
 * A timeline data source from the bytes of a trace file. Every failure becomes a source that
 * answers each request with the sentence saying why, which the page shows in place of the
 * timeline. No VS Code dependency (the extension reads the bytes through `workspace.fs`).
 */
import { TraceError } from '../tracedb/errors';
import { TraceDb } from '../tracedb/traceDb';
import { TimelineDataSource } from '../webview/host';

export async function sourceFromBytes(bytes: Uint8Array, label: string): Promise<TimelineDataSource> {
  try {
    return new TimelineDataSource(await TraceDb.fromBytes(bytes, label), { ownsDb: true });
  } catch (error) {
    if (error instanceof TraceError) return new TimelineDataSource(error);
    return new TimelineDataSource(
      new TraceError('corrupt-file', `Trace file ${label} could not be opened: ${(error as Error).message}.`),
    );
  }
}

/** The source for a file that could not be read at all. */
export function unreadableSource(label: string, reason: string): TimelineDataSource {
  return new TimelineDataSource(new TraceError('unreadable', `Cannot read trace file ${label}: ${reason}.`));
}

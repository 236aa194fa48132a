/** `cinescope stats` and `cinescope query`: read-only views of a trace file. */
import { TraceDb } from '../tracedb/traceDb';
import { formatSummary } from './summary';
import { renderTimeline } from './timeline';

export async function stats(file: string, json: boolean): Promise<string> {
  const db = await TraceDb.open(file);
  try {
    const stats = db.stats();
    return json ? JSON.stringify(stats) + '\n' : formatSummary(stats, file);
  } finally {
    db.close();
  }
}

export async function timeline(file: string, width: number): Promise<string> {
  const db = await TraceDb.open(file);
  try {
    return renderTimeline(db, width);
  } finally {
    db.close();
  }
}

export async function query(file: string, sql: string, json: boolean): Promise<string> {
  const db = await TraceDb.open(file);
  try {
    const { columns, rows } = db.query(sql);
    if (json) {
      const objects = rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]])));
      return JSON.stringify(objects) + '\n';
    }
    return formatTable(columns, rows);
  } finally {
    db.close();
  }
}

function formatTable(columns: string[], rows: unknown[][]): string {
  const cells = [columns, ...rows.map((row) => row.map((v) => (v === null ? 'NULL' : String(v))))];
  const widths = columns.map((_, i) => Math.min(60, Math.max(...cells.map((r) => r[i].length))));
  const line = (r: string[]) =>
    r.map((v, i) => (v.length > 60 ? v.slice(0, 59) + '…' : v.padEnd(widths[i]))).join('  ');
  return (
    [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n') +
    `\n(${rows.length} row${rows.length === 1 ? '' : 's'})\n`
  );
}

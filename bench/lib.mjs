// Helpers shared by the benchmarks: argument parsing, statistics, tables and the BENCH_JSON line.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg } from 'node:os';

export const benchDir = dirname(fileURLToPath(import.meta.url));
export const rootDir = join(benchDir, '..');
/** The bundle of internals the build writes (`npm run build`). */
export const internalsPath = join(rootDir, 'dist/bench/internals.js');

/** Loads the bundled internals (Recorder, RingWriter, TraceDb, Collector, …). */
export function loadInternals() {
  try {
    return createRequire(import.meta.url)('../dist/bench/internals.js');
  } catch (error) {
    console.error(`bench: cannot load ${internalsPath}: run \`npm run build\` first.`);
    throw error;
  }
}

/** The 1-minute load average when the benchmark started: a busy machine explains odd figures. */
export const loadAtStart = round(loadavg()[0], 3);

/** `--quick` shortens every benchmark (fewer rounds, smaller counts). */
export const quick = process.argv.includes('--quick');

export function median(values) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function min(values) {
  return values.length ? Math.min(...values) : NaN;
}

/** Milliseconds from a high-resolution clock. */
export function nowMs() {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Rounds to `digits` significant digits (for the JSON line; the table formats on its own). */
export function round(value, digits = 4) {
  if (!Number.isFinite(value) || value === 0) return value;
  return Number(value.toPrecision(digits));
}

/** Formats a number for a table: thousands separators for big ones, a few decimals for small ones. */
export function fmt(value, decimals = 2) {
  if (value === null || value === undefined) return '-';
  if (typeof value !== 'number') return String(value);
  if (!Number.isFinite(value) || Number.isInteger(value))
    return Math.abs(value) >= 1000 ? value.toLocaleString('en-US') : String(value);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(decimals);
}

/**
 * Prints an aligned table: `rows` are arrays of cells, the first row is the header. The first
 * `leftColumns` columns are aligned left, the others (figures) right.
 */
export function printTable(title, rows, leftColumns = 1) {
  const cells = rows.map((row) => row.map((c) => (typeof c === 'number' ? fmt(c) : String(c ?? '-'))));
  const widths = cells[0].map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const line = (row) =>
    row.map((c, i) => (i < leftColumns ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(`\n${title}`);
  console.log(line(cells[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of cells.slice(1)) console.log(line(row));
}

/** The one machine-readable line of a benchmark. */
export function printBenchJson(bench, results, extra = {}) {
  const line = {
    bench,
    quick,
    node: process.version,
    cpus: cpus().length,
    loadavg: loadAtStart,
    ...extra,
    results,
  };
  console.log(`BENCH_JSON ${JSON.stringify(line)}`);
}

/** Shuffles the order of a small list, deterministically per round, so no variant always goes first. */
export function rotate(list, round) {
  const k = round % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

/**
 * The guard that keeps ad-hoc SQL read-only: TraceDb.query runs user SQL through runReadOnly.
 */
import type { Database, SqlValue, Statement } from 'sql.js';
import { TraceError } from './errors';

export interface QueryResult {
  columns: string[];
  rows: unknown[][];
}

/** Pragmas that only report; those in WITH_ARGUMENT may name a table or index in parentheses. */
const REPORTING_PRAGMAS = new Set([
  'table_info',
  'table_xinfo',
  'table_list',
  'index_list',
  'index_info',
  'index_xinfo',
  'foreign_key_list',
  'database_list',
  'collation_list',
  'function_list',
  'module_list',
  'pragma_list',
  'compile_options',
  'page_count',
  'page_size',
  'freelist_count',
  'encoding',
  'user_version',
  'schema_version',
  'application_id',
  'integrity_check',
  'quick_check',
]);
const WITH_ARGUMENT = new Set([
  'table_info',
  'table_xinfo',
  'table_list',
  'index_list',
  'index_info',
  'index_xinfo',
  'foreign_key_list',
]);
const READING_STATEMENTS = new Set(['SELECT', 'WITH', 'VALUES']);
const PRAGMA_FORM = /^PRAGMA\s+(?:\w+\s*\.\s*)?(\w+)\s*(\(\s*(?:\w+|'[^']*'|"[^"]*")\s*\))?\s*$/i;

/**
 * Runs one statement of ad-hoc SQL and returns all its rows. The text is vetted before SQLite
 * compiles any of it, because some PRAGMAs take effect while compiling: the first statement must
 * be a SELECT, WITH, VALUES, EXPLAIN of one of those, or a reporting PRAGMA, and nothing but
 * comments may follow it (the rest is never compiled). The caller turns `PRAGMA query_only` on
 * while it runs, which stops a write hidden in a WITH.
 */
export function runReadOnly(db: Database, sql: string, params: unknown[] = []): QueryResult {
  refuseWrites(sql);
  let text: string;
  let rest: string;
  const iterator = db.iterateStatements(sql);
  try {
    const first = iterator.next();
    text = first.done ? '' : first.value.getSQL();
    rest = iterator.getRemainingSQL();
  } catch (e) {
    throw queryFailure(e);
  } finally {
    (iterator as Partial<Iterator<Statement>>).return?.();
  }
  if (skipNoise(rest) !== '') {
    throw new TraceError(
      'read-only',
      'Queries run one statement at a time: remove everything after the first.',
    );
  }
  let statement: Statement | undefined;
  try {
    statement = db.prepare(text);
    statement.bind(params.map(toSqlValue));
    const columns = statement.getColumnNames();
    const rows: unknown[][] = [];
    while (statement.step()) rows.push(statement.get());
    return { columns, rows };
  } catch (e) {
    throw e instanceof TypeError ? e : queryFailure(e);
  } finally {
    statement?.free();
  }
}

function refuseWrites(sql: string): void {
  let text = skipNoise(sql);
  if (text === '') throw new TraceError('read-only', 'The query is empty: write one SELECT statement.');
  let keyword = leadingKeyword(text);
  if (keyword === 'EXPLAIN') {
    text = text.replace(/^EXPLAIN\s+(QUERY\s+PLAN\s+)?/i, '');
    keyword = leadingKeyword(text);
    if (keyword === 'EXPLAIN' || keyword === 'PRAGMA') keyword = '';
  }
  if (READING_STATEMENTS.has(keyword)) return;
  if (keyword === 'PRAGMA') {
    const m = PRAGMA_FORM.exec(text.replace(/;[\s;]*$/, ''));
    const name = m?.[1].toLowerCase();
    if (m && name && REPORTING_PRAGMAS.has(name) && (!m[2] || WITH_ARGUMENT.has(name))) return;
    throw new TraceError(
      'read-only',
      'Queries are read-only: only PRAGMAs that report (such as table_info) run.',
    );
  }
  throw new TraceError(
    'read-only',
    `Queries are read-only: ${keyword || 'this'} statements are refused. Use SELECT, WITH, VALUES or EXPLAIN.`,
  );
}

function leadingKeyword(text: string): string {
  return (/^[A-Za-z]+/.exec(text)?.[0] ?? '').toUpperCase();
}

/** Drops leading whitespace, comments and semicolons. An unterminated comment leaves nothing. */
function skipNoise(sql: string): string {
  let s = sql.replace(/^[\s;]+/, '');
  for (;;) {
    if (s.startsWith('--')) {
      const end = s.indexOf('\n');
      s = end < 0 ? '' : s.slice(end + 1);
    } else if (s.startsWith('/*')) {
      const end = s.indexOf('*/');
      s = end < 0 ? '' : s.slice(end + 2);
    } else {
      return s;
    }
    s = s.replace(/^[\s;]+/, '');
  }
}

function queryFailure(e: unknown): Error {
  const message = e instanceof Error ? e.message : String(e);
  if (/readonly|read-only|query_only/i.test(message)) {
    return new TraceError('read-only', 'Queries are read-only: the statement tried to change the trace.');
  }
  return new TraceError('bad-query', `The query failed: ${message}.`);
}

function toSqlValue(v: unknown, i: number): SqlValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string' || v instanceof Uint8Array) return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return Number(v);
  throw new TypeError(`Query parameter ${i + 1} is a ${typeof v}; use a number, string, Uint8Array or null.`);
}

/**
 * Loads sql.js once per process. The WebAssembly binary is looked up next to the running code first
 * (the build copies it to dist/sql-wasm.wasm beside the CommonJS bundles), then in the installed
 * sql.js package (TypeScript sources under vitest, the CLI run from a checkout).
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import initSqlJs from 'sql.js';
import type { SqlJsStatic } from 'sql.js';

let loading: Promise<SqlJsStatic> | undefined;

export function loadSqlJs(): Promise<SqlJsStatic> {
  if (!loading) {
    const wasm = wasmPath();
    loading = initSqlJs({ locateFile: () => wasm });
    // A failed load (missing binary) must not stick: let the next call try again.
    loading.catch(() => (loading = undefined));
  }
  return loading;
}

export function wasmPath(): string {
  if (typeof __dirname !== 'undefined') {
    const beside = path.join(__dirname, 'sql-wasm.wasm');
    if (fs.existsSync(beside)) return beside;
  }
  const req = typeof require !== 'undefined' ? require : createRequire(path.join(process.cwd(), 'index.js'));
  return req.resolve('sql.js/dist/sql-wasm.wasm');
}

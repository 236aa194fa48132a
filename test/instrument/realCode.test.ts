/**
 * Real npm code: popular files of varied style still compile once instrumented, and whole packages
 * (ws, @babel/parser, magic-string) behave the same loaded instrumented, with the recording probes on
 * and with no runtime at all.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Script } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instrument } from '../../runtime/instrument/instrument';
import { ROOT, bundlePreload, normalise, runNode, writeFile, writeInstrumented } from './harness';

const NODE_MODULES = join(ROOT, 'node_modules');
const wsFiles = readdirSync(join(NODE_MODULES, 'ws/lib')).map((f) => `ws/lib/${f}`);
const FILES = [
  ...wsFiles,
  'magic-string/dist/index.mjs',
  '@babel/parser/lib/index.js',
  '@ampproject/remapping/dist/remapping.umd.js',
  'esbuild/lib/main.js',
  'sql.js/dist/sql-wasm.js',
];

let root: string;
let preload: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cinescope-real-'));
  preload = bundlePreload(root);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('real npm files', () => {
  it.each(FILES)('%s compiles instrumented, on the same lines', (file) => {
    const source = readFileSync(join(NODE_MODULES, file), 'utf8');
    const result = instrument(source, { filename: file });
    expect(result.status).toBe('instrumented');
    expect(result.warnings).toEqual([]);
    expect(result.sites.length).toBeGreaterThan(0);
    expect(result.code.split('\n').length).toBe(source.split('\n').length + 1);
    if (file.endsWith('.mjs')) {
      const path = join(root, 'check', file);
      writeFile(path, result.code);
      const check = spawnSync(process.execPath, ['--check', path], { encoding: 'utf8' });
      expect(check.stderr).toBe('');
      expect(check.status).toBe(0);
    } else {
      expect(() => new Script(result.code, { filename: file })).not.toThrow();
    }
  });
});

type Variant = 'original' | 'traced' | 'fallback';
const VARIANTS: Variant[] = ['original', 'traced', 'fallback'];

/**
 * Copies packages (and their dependencies) into `<root>/<name>/<variant>/node_modules`, instrumenting
 * the files `instrumented` picks in the traced and fallback variants.
 */
function installCopies(name: string, packages: string[], instrumented: (file: string) => boolean): void {
  for (const variant of VARIANTS) {
    const modules = join(root, name, variant, 'node_modules');
    for (const pkg of packages) {
      cpSync(join(NODE_MODULES, pkg), join(modules, pkg), { recursive: true });
      if (variant === 'original') continue;
      for (const file of readdirSync(join(modules, pkg), { recursive: true, encoding: 'utf8' })) {
        if (!/\.(c|m)?js$/.test(file) || !instrumented(join(pkg, file))) continue;
        const path = join(modules, pkg, file);
        const result = writeInstrumented(path, readFileSync(path, 'utf8'));
        expect(result.warnings, relative(root, path)).toEqual([]);
      }
    }
  }
}

/** Runs `<root>/<name>/<variant>/<script>` in each variant; returns the outputs and the probes summary. */
async function runVariants(name: string, script: string, text: string) {
  const results = await Promise.all(
    VARIANTS.map(async (variant) => {
      const dir = join(root, name, variant);
      writeFile(join(dir, script), text);
      const out = join(dir, 'probes.json');
      const traced = variant === 'traced';
      const env = { CINESCOPE_TEST_PROBES_OUT: out };
      const run = await runNode(join(dir, script), { preload: traced ? preload : undefined, env });
      const probes = traced ? JSON.parse(readFileSync(out, 'utf8')) : null;
      return {
        code: run.code,
        stdout: normalise(run.stdout, dir),
        stderr: normalise(run.stderr, dir),
        probes,
      };
    }),
  );
  const [original, traced, fallback] = results;
  expect(original.code, original.stderr).toBe(0);
  for (const other of [traced, fallback]) {
    expect(other.stdout).toBe(original.stdout);
    expect(other.stderr).toBe(original.stderr);
    expect(other.code).toBe(original.code);
  }
  expect(traced.probes.problems).toEqual([]);
  return { stdout: original.stdout, counts: traced.probes.counts as Record<string, number> };
}

describe('real packages loaded instrumented behave the same', () => {
  it('ws: a WebSocket echo round trip on 127.0.0.1', async () => {
    installCopies('ws', ['ws'], () => true);
    const { stdout, counts } = await runVariants(
      'ws',
      'echo.js',
      `const WebSocket = require('ws');
const wss = new WebSocket.Server({ host: '127.0.0.1', port: 0, perMessageDeflate: true });
wss.on('connection', (socket) => socket.on('message', (data, binary) => socket.send(binary ? data : 'echo:' + data)));
wss.on('listening', () => {
  const ws = new WebSocket('ws://127.0.0.1:' + wss.address().port, { perMessageDeflate: true });
  const got = [];
  const record = (entry) => { got.push(entry); if (got.length === 4) ws.close(1000, 'bye'); };
  ws.on('open', () => { ws.send('hello'); ws.send(Buffer.from([1, 2, 3])); ws.send('x'.repeat(70000)); ws.ping('p'); });
  ws.on('pong', (data) => record('pong ' + data));
  ws.on('message', (data, binary) => {
    record(binary ? 'binary ' + [...data].join() : String(data).slice(0, 12) + ' length ' + data.length);
  });
  ws.on('close', (code, reason) => { got.push('close ' + code + ' ' + reason); console.log(got.join('\\n')); wss.close(); });
});`,
    );
    expect(stdout).toContain('echo:hello length 10');
    expect(stdout).toContain('close 1000 bye');
    expect(counts.enter).toBeGreaterThan(100);
  });

  it('@babel/parser parses a file to the same AST', async () => {
    installCopies('babel', ['@babel/parser'], (file) => file.endsWith('lib/index.js'));
    const { stdout, counts } = await runVariants(
      'babel',
      'parse.js',
      `const { parse } = require('@babel/parser');
const { createHash } = require('node:crypto');
const source = require('node:fs').readFileSync(${JSON.stringify(join(NODE_MODULES, 'ws/lib/limiter.js'))}, 'utf8');
const ast = parse(source, { sourceType: 'script' });
console.log(ast.program.body.length, createHash('sha256').update(JSON.stringify(ast)).digest('hex'));
try { parse('let x = ;'); } catch (e) { console.log(e.message); }`,
    );
    expect(stdout).toContain('Unexpected token (1:8)');
    expect(counts.enter).toBeGreaterThan(1000);
  });

  it('magic-string (ESM) edits and maps the same', async () => {
    installCopies('magic', ['magic-string', '@jridgewell/sourcemap-codec'], (f) =>
      f.startsWith('magic-string/'),
    );
    const { stdout, counts } = await runVariants(
      'magic',
      'edit.mjs',
      `import MagicString from 'magic-string';
const s = new MagicString('const answer = 41;\\nconsole.log(answer);');
s.overwrite(15, 17, '42').prepend('// edited\\n').appendLeft(18, ' // fixed');
console.log(s.toString());
console.log(s.generateMap({ hires: true, source: 'in.js' }).mappings);`,
    );
    expect(stdout).toContain('const answer = 42; // fixed');
    expect(counts.enter).toBeGreaterThan(10);
  });
});

/**
 * Source maps: inserted text stays on its line (stack line numbers are right even without a map),
 * the map takes every original token back to its exact position, and an input map is chained.
 */
import { transformSync } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInThisContext } from 'node:vm';
import { SourceMapConsumer } from 'source-map-js';
import { afterAll, describe, expect, it } from 'vitest';
import { instrument } from '../../runtime/instrument/instrument';
import type { SourceMapV3 } from '../../runtime/instrument/instrument';
import { ROOT, runNode, writeFile } from './harness';
import { inlineMap } from './harness';

const PROGRAM = `'use strict';
function alpha1(a) {
  const beta2 = (b) =>
    epsilon5(b);
  return beta2(a) + 1;
}
async function gamma3(c) { const delta4 = await epsilon5(c); return delta4; }
const epsilon5 = (d) => d * 2;
class Zeta6 { eta7() { return alpha1(theta8); } }
const theta8 = 4;
module.exports = { alpha1, Zeta6 };
`;

/** Positions (1-based line, 0-based column) of each identifier like `alpha1`, in order. */
function tokens(text: string): { name: string; line: number; column: number; index: number }[] {
  const found = [];
  for (const match of text.matchAll(/\b[a-z]+\d\b/g)) {
    const before = text.slice(0, match.index);
    const line = before.split('\n').length;
    found.push({
      name: match[0],
      line,
      column: match.index - (before.lastIndexOf('\n') + 1),
      index: match.index,
    });
  }
  return found;
}

/** Finds the original tokens, in order, in the generated code (inserted text has none of them). */
function generatedTokens(original: string, generated: string) {
  const all = tokens(generated);
  let from = 0;
  return tokens(original).map((token) => {
    const at = all.findIndex((t, i) => i >= from && t.name === token.name);
    from = at + 1;
    return all[at];
  });
}

/**
 * Checks the map character by character: each original character maps to a generated position
 * holding the same character, positions increase along each line, and map back to where they came from.
 */
function checkEveryCharacter(source: string, code: string, map: SourceMapV3): void {
  const consumer = new SourceMapConsumer(map as never);
  const breaks = /\r\n|[\n\r\u2028\u2029]/;
  const originalLines = source.split(breaks);
  const generatedLines = code.split(breaks);
  let checked = 0;
  originalLines.forEach((text, i) => {
    let last = -1;
    for (let column = 0; column < text.length; column++) {
      const at = consumer.generatedPositionFor({ source: map.sources[0]!, line: i + 1, column, bias: 1 });
      if (at.line !== i + 1 || !(at.column! > last) || generatedLines[i][at.column!] !== text[column]) {
        throw new Error(
          `line ${i + 1} column ${column} (${JSON.stringify(text[column])}) maps to ${at.line}:${at.column}`,
        );
      }
      last = at.column!;
      const back = consumer.originalPositionFor({ line: at.line, column: at.column! });
      if (back.line !== i + 1 || back.column !== column)
        throw new Error(`${at.line}:${at.column} maps back to ${back.line}:${back.column}`);
      checked++;
    }
  });
  expect(checked).toBe(source.replace(/\r\n|[\n\r\u2028\u2029]/g, '').length);
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('source maps', () => {
  it('keeps stack line numbers without a map', () => {
    const stackLines = (code: string) => {
      const source = `${code}\nreturn module.exports;`;
      const fn = runInThisContext(`(function (module) {${source}\n})`, { filename: '/virtual/lines.js' });
      const exported = fn({ exports: {} });
      const lines: number[] = [];
      exported.Zeta6.prototype.eta7.call(null); // warm up: no throw
      try {
        exported.alpha1(Symbol('not a number'));
      } catch (error) {
        for (const match of (error as Error).stack!.matchAll(/lines\.js:(\d+):\d+/g))
          lines.push(Number(match[1]));
      }
      return lines;
    };
    const { code } = instrument(PROGRAM, { filename: '/virtual/lines.js', sourceType: 'script' });
    const original = stackLines(PROGRAM);
    expect(original.length).toBeGreaterThan(2);
    expect(stackLines(code)).toEqual(original);
  });

  it('maps every original token back to its exact position, and the other way round', () => {
    // The map names its source relative to the file, as usual: `/src/app.js` → `app.js`.
    const { code, map } = instrument(PROGRAM, { filename: '/src/app.js' });
    const consumer = new SourceMapConsumer(map as never);
    const originals = tokens(PROGRAM);
    const generated = generatedTokens(PROGRAM, code);
    expect(generated.every(Boolean)).toBe(true);
    originals.forEach((token, i) => {
      const back = consumer.originalPositionFor({ line: generated[i].line, column: generated[i].column });
      expect({ token: token.name, ...back }).toMatchObject({
        token: token.name,
        source: 'app.js',
        line: token.line,
        column: token.column,
      });
      const forth = consumer.generatedPositionFor({
        source: 'app.js',
        line: token.line,
        column: token.column,
      });
      expect(forth).toMatchObject({ line: generated[i].line, column: generated[i].column });
    });
    expect(map!.sourcesContent).toEqual([PROGRAM]);
  });

  it.each(['ws/lib/websocket.js', 'ws/lib/permessage-deflate.js', 'magic-string/dist/index.mjs'])(
    'maps every character of %s to the same character, in order, and back',
    (file) => {
      const source = readFileSync(join(ROOT, 'node_modules', file), 'utf8');
      const { code, map } = instrument(source, { filename: file });
      checkEveryCharacter(source, code, map!);
    },
  );

  it('counts lines as V8 does: CRLF, CR, U+2028 and U+2029', () => {
    const source =
      "function a() {\r\n  return '\u2028' + b();\r}\u2029function b() {\n  return new Error('x').stack;\r\n}\r\nmodule.exports = a;";
    const { code, map } = instrument(source, { filename: '/virtual/breaks.js', sourceType: 'script' });
    checkEveryCharacter(source, code, map!);
    const module = { exports: {} as any };
    runInThisContext(`(function (module) {${code}\n})`, { filename: '/virtual/breaks.js' })(module);
    const consumer = new SourceMapConsumer(map as never);
    const frames = [...String(module.exports()).matchAll(/breaks\.js:(\d+):(\d+)/g)].slice(0, 2);
    const original = frames.map(([, line, column]) =>
      consumer.originalPositionFor({ line: Number(line), column: Number(column) - 1 }),
    );
    // The U+2028 inside the string literal breaks line 2 too: `b()` is at 3:4, `new Error` at 6:9.
    expect(original.map((p) => [p.line, p.column])).toEqual([
      [6, 9],
      [3, 4],
    ]);
  });

  it('chains an input map: positions go back to the TypeScript source', () => {
    const ts = `interface Point { x: number; y: number }
type Pair = [number, number];
export function alpha1(p: Point): number {
  const beta2 = (b: number): number =>
    b * 2;
  return beta2(p.x) + p.y;
}
export const gamma3 = (pair: Pair) => alpha1({ x: pair[0], y: pair[1] });
`;
    const js = transformSync(ts, {
      loader: 'ts',
      sourcemap: 'external',
      sourcefile: '/src/app.ts',
      format: 'esm',
    });
    const inputMap = JSON.parse(js.map);
    const { code, map } = instrument(js.code, { filename: '/build/app.js', inputSourceMap: inputMap });
    const consumer = new SourceMapConsumer(map as never);
    expect(map!.sources).toEqual(['/src/app.ts']);
    const originals = tokens(ts);
    const generated = generatedTokens(ts, code);
    originals.forEach((token, i) => {
      const back = consumer.originalPositionFor({ line: generated[i].line, column: generated[i].column });
      expect({ token: token.name, ...back }).toMatchObject({
        token: token.name,
        source: '/src/app.ts',
        line: token.line,
        column: token.column,
      });
    });
  });

  it('gives Node the original positions of an uncaught error through the chained map', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cinescope-map-'));
    dirs.push(dir);
    const ts = `type Id = string;
interface User { id: Id }
function check(user: User): never {
  throw new Error('bad user ' + user.id);
}
const load = async (id: Id): Promise<void> => {
  await null;
  check({ id });
};
load('u1');
`;
    const js = transformSync(ts, {
      loader: 'ts',
      sourcemap: 'external',
      sourcefile: join(dir, 'app.ts'),
      format: 'cjs',
    });
    const file = join(dir, 'app.js');
    const { code, map } = instrument(js.code, { filename: file, inputSourceMap: JSON.parse(js.map) });
    writeFile(file, code + inlineMap(map as SourceMapV3));
    const { stderr } = await runNode(file);
    expect(stderr).toContain(`at check (${join(dir, 'app.ts')}:4:9)`);
    expect(stderr).toContain(`at load (${join(dir, 'app.ts')}:8:3)`);
  });
});

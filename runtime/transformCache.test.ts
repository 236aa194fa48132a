import { describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TransformCache } from './transformCache';

const dir = () => mkdtempSync(join(tmpdir(), 'cinescope-cache-'));

describe('transform cache', () => {
  it('returns what was stored under the same file, content and options', () => {
    const cache = new TransformCache(dir());
    const key = cache.key('/a.js', 'code', { sourceType: 'script' });
    expect(cache.get(key)).toBeUndefined();
    cache.set(key, { code: 'instrumented', warnings: ['w'] });
    expect(cache.get(key)).toEqual({ code: 'instrumented', warnings: ['w'] });
  });

  it('keys on everything the output depends on', () => {
    const cache = new TransformCache(dir());
    const key = cache.key('/a.js', 'code', { sourceType: 'script' });
    expect(cache.key('/b.js', 'code', { sourceType: 'script' })).not.toBe(key);
    expect(cache.key('/a.js', 'code2', { sourceType: 'script' })).not.toBe(key);
    expect(cache.key('/a.js', 'code', { sourceType: 'module' })).not.toBe(key);
  });

  it('treats a damaged entry as a miss and never throws', () => {
    const root = dir();
    const cache = new TransformCache(root);
    const key = cache.key('/a.js', 'code', {});
    cache.set(key, { code: 'x', warnings: [] });
    const [shard] = readdirSync(root);
    writeFileSync(join(root, shard, `${key}.json`), '{"code": 12');
    expect(cache.get(key)).toBeUndefined();
    writeFileSync(join(root, shard, `${key}.json`), '{"code": 12, "warnings": []}');
    expect(cache.get(key)).toBeUndefined();
  });

  it('shrugs off a cache folder it cannot write', () => {
    const root = dir();
    chmodSync(root, 0o500);
    const cache = new TransformCache(join(root, 'sub'));
    const key = cache.key('/a.js', 'code', {});
    // As root the write may still succeed; either way nothing throws and a read is consistent.
    expect(() => cache.set(key, { code: 'x', warnings: [] })).not.toThrow();
    const got = cache.get(key);
    expect(got === undefined || got.code === 'x').toBe(true);
  });
});

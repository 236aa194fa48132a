/**
 * The transform cache: instrumented code on disk, keyed by the file's content, its name, the
 * options and the instrumenter's version, so a second run skips parsing. Entries are written
 * atomically (a temporary file, then a rename) and read defensively: anything unreadable is a miss.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { INSTRUMENTED_MARKER } from './instrument/probeApi';

/** What is cached for one file. */
export interface CachedTransform {
  code: string;
  warnings: string[];
}

export class TransformCache {
  constructor(private readonly dir: string) {}

  /** The key of one transform: everything the output depends on. */
  key(filename: string, content: string, options: object): string {
    return createHash('sha256')
      .update(INSTRUMENTED_MARKER)
      .update('\0')
      .update(filename)
      .update('\0')
      .update(JSON.stringify(options))
      .update('\0')
      .update(content)
      .digest('hex');
  }

  get(key: string): CachedTransform | undefined {
    try {
      const entry = JSON.parse(readFileSync(this.file(key), 'utf8')) as Partial<CachedTransform>;
      if (typeof entry.code !== 'string' || !Array.isArray(entry.warnings)) return undefined;
      return { code: entry.code, warnings: entry.warnings.filter((w) => typeof w === 'string') };
    } catch {
      return undefined;
    }
  }

  set(key: string, value: CachedTransform): void {
    const file = this.file(key);
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(tmp, JSON.stringify(value));
      renameSync(tmp, file);
    } catch {
      // A cache that cannot be written only costs the next run the transform.
    }
  }

  private file(key: string): string {
    return path.join(this.dir, key.slice(0, 2), `${key}.json`);
  }
}

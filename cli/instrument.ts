/**
 * `cinescope instrument <in> --out <dir>`: the load-time rewrite, offline, for build pipelines.
 * Every .js/.mjs/.cjs file under `<in>` (node_modules left out) is written to `<dir>` with probes
 * and a source map beside it; other files are copied, so the output runs as the input did. Code
 * instrumented offline runs untraced too: its probes fall back to no-ops without the runtime.
 */
import { copyFileSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { instrument } from '../runtime/instrument/instrument';
import { CliError, UsageError } from './usage';

/** What the command did, for its one-line report. */
export interface InstrumentReport {
  instrumented: number;
  copied: number;
  sites: number;
  warnings: string[];
}

export function instrumentTree(input: string, outDir: string): InstrumentReport {
  const source = path.resolve(input);
  const target = path.resolve(outDir);
  let isFile: boolean;
  try {
    isFile = statSync(source).isFile();
  } catch {
    throw new UsageError(`Nothing to instrument at ${source}: no such file or folder.`);
  }
  if (!isFile && (target === source || target.startsWith(source + path.sep))) {
    throw new UsageError('--out must be outside the folder being instrumented.');
  }
  const report: InstrumentReport = { instrumented: 0, copied: 0, sites: 0, warnings: [] };
  const files = isFile ? [source] : listFiles(source);
  const base = isFile ? path.dirname(source) : source;
  for (const file of files) {
    const destination = path.join(target, path.relative(base, file));
    try {
      mkdirSync(path.dirname(destination), { recursive: true });
      if (!/\.(c|m)?js$/.test(file)) {
        copyFileSync(file, destination);
        report.copied++;
        continue;
      }
      const result = instrument(readFileSync(file, 'utf8'), {
        filename: file,
        sourceType: file.endsWith('.mjs') ? 'module' : file.endsWith('.cjs') ? 'script' : 'unambiguous',
      });
      report.warnings.push(...result.warnings);
      if (!result.map) {
        copyFileSync(file, destination);
        report.copied++;
        continue;
      }
      const mapName = `${path.basename(destination)}.map`;
      writeFileSync(`${destination}.map`, JSON.stringify(result.map));
      writeFileSync(destination, `${result.code}\n//# sourceMappingURL=${mapName}\n`);
      report.instrumented++;
      report.sites += result.sites.length;
    } catch (error) {
      throw new CliError(`Cannot write ${destination}: ${(error as Error).message}.`);
    }
  }
  return report;
}

function listFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === '.git') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listFiles(full));
    else if (entry.isFile()) files.push(full);
  }
  return files;
}

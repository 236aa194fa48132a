// Bundles the end-to-end harness (runs in Node) and the journey suite (runs inside VS Code's
// extension host) into test-results/e2e/.build/. Shared by run.mjs and electron.mjs.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const e2e = dirname(fileURLToPath(import.meta.url));
export const repo = join(e2e, '../..');
export const results = join(repo, 'test-results/e2e');
const out = join(results, '.build');

/** Returns the paths of the built harness and suite. */
export async function buildE2e() {
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'warning',
  };
  const harness = join(out, 'harness.mjs');
  const suite = join(out, 'suite.js');
  await Promise.all([
    // playwright-core is loaded at run time from test/e2e/node_modules.
    build({
      ...common,
      format: 'esm',
      entryPoints: [join(e2e, 'harness/main.ts')],
      outfile: harness,
      external: ['playwright-core'],
    }),
    build({
      ...common,
      format: 'cjs',
      entryPoints: [join(e2e, 'suite/index.ts')],
      outfile: suite,
      external: ['vscode'],
    }),
  ]);
  return { harness, suite };
}

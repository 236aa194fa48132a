// Builds the bundles: the runtime (preload + drain worker + public mark module), the CLI and the
// extension. One command, no watch mode: `npm run build`.
import { build } from 'esbuild';
import { copyFileSync, cpSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  // Smaller bundles parse faster: the runtime's start-up is paid by every traced process.
  minify: true,
  keepNames: true,
  logLevel: 'warning',
  define: { RUNTIME_VERSION: JSON.stringify(version) },
  // ws loads these optional native helpers with a try/catch when they are installed.
  external: ['bufferutil', 'utf-8-validate', 'vscode'],
};

mkdirSync(join(root, 'dist/runtime'), { recursive: true });
await Promise.all([
  build({
    ...common,
    entryPoints: {
      preload: join(root, 'runtime/preload.ts'),
      drain: join(root, 'runtime/drain.ts'),
      mark: join(root, 'runtime/mark.ts'),
      loadHook: join(root, 'runtime/loadHook.ts'),
      instrumenter: join(root, 'runtime/instrumenter.ts'),
      // Preloaded by the debug adapter so that child processes of a debugged program wait for it.
      childDebug: join(root, 'adapter/childDebug.ts'),
    },
    outdir: join(root, 'dist/runtime'),
  }),
  build({ ...common, entryPoints: { cli: join(root, 'cli/main.ts') }, outdir: join(root, 'dist') }),
  // Node's module hooks load as an ES module on the loader thread.
  build({
    ...common,
    format: 'esm',
    entryPoints: { esmHooks: join(root, 'runtime/esmHooks.ts') },
    outdir: join(root, 'dist/runtime'),
    outExtension: { '.js': '.mjs' },
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  }),
  build({
    ...common,
    entryPoints: { internals: join(root, 'bench/internals.ts') },
    outdir: join(root, 'dist/bench'),
  }),
  build({
    ...common,
    entryPoints: { extension: join(root, 'extension/extension.ts') },
    outdir: join(root, 'dist'),
  }),
  // The timeline page: one script for the webview and `cinescope view`, no Node, no imports.
  build({
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    sourcemap: 'linked',
    minify: true,
    logLevel: 'warning',
    entryPoints: { timeline: join(root, 'webview/page/main.ts') },
    outdir: join(root, 'dist/webview'),
  }),
]);
copyFileSync(join(root, 'webview/timeline.css'), join(root, 'dist/webview/timeline.css'));
// The extension's gutter icons; the packaged extension ships dist/ only.
cpSync(join(root, 'extension/media'), join(root, 'dist/media'), { recursive: true });
for (const dir of ['dist', 'dist/bench']) {
  copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), join(root, dir, 'sql-wasm.wasm'));
}

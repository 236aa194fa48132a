// Builds the bundles: the runtime (preload + drain worker + public mark module), the CLI and the
// extension. One command, no watch mode: `npm run build`.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
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
  // Lists what each build wrote, so that anything else in dist/ can be removed below.
  metafile: true,
};

mkdirSync(join(root, 'dist/runtime'), { recursive: true });
const results = await Promise.all([
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
    metafile: true,
    entryPoints: { timeline: join(root, 'webview/page/main.ts') },
    outdir: join(root, 'dist/webview'),
  }),
]);
const written = new Set(results.flatMap((r) => Object.keys(r.metafile.outputs).map((f) => resolve(f))));
function copy(from, to) {
  mkdirSync(dirname(join(root, to)), { recursive: true });
  copyFileSync(from, join(root, to));
  written.add(join(root, to));
}
copy(join(root, 'webview/timeline.css'), 'dist/webview/timeline.css');
// Codicons for the timeline page: its style sheet and the font it names, side by side.
for (const name of ['codicon.css', 'codicon.ttf']) {
  copy(require.resolve(`@vscode/codicons/dist/${name}`), join('dist/webview', name));
}
// The extension's gutter icons; the packaged extension ships dist/ only.
for (const icon of readdirSync(join(root, 'extension/media'))) {
  copy(join(root, 'extension/media', icon), join('dist/media', icon));
}
for (const dir of ['dist', 'dist/bench']) {
  copy(require.resolve('sql.js/dist/sql-wasm.wasm'), join(dir, 'sql-wasm.wasm'));
}

// dist/ ends up holding what this build wrote and nothing else: a bundle whose entry point was
// renamed or dropped, or a stray debugging build, must not linger, be loaded by a test or ship.
// Removed after building rather than before, so that tests running meanwhile never find a bundle
// missing. dist/cinescope.vsix is `npm run package`'s (written right after this build) and stays.
const keep = new Set([...written, join(root, 'dist/cinescope.vsix')]);
function prune(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      prune(path);
      if (readdirSync(path).length === 0) rmdirSync(path);
    } else if (!keep.has(path)) {
      rmSync(path, { force: true });
      console.log(`build: removed ${relative(root, path)}, which this build does not make`);
    }
  }
}
prune(join(root, 'dist'));

// `npm run package`: builds the bundles and packs the VS Code extension into dist/cinescope.vsix with
// @vscode/vsce. The package is staged in a temporary folder because package.json's "files" (what npm
// publishes: the CLI and runtime) and .vscodeignore (what the .vsix holds) cannot both be given to
// vsce; the staged manifest drops the npm-only fields. Then the .vsix is checked: the files the
// extension loads are in it, and its bundle requires nothing but Node's modules and `vscode`.
import { spawnSync } from 'node:child_process';
import { builtinModules, createRequire } from 'node:module';
import {
  copyFileSync,
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist/cinescope.vsix');
const require = createRequire(import.meta.url);

/** Every file under `dir`, as a path relative to the repository with forward slashes. */
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) =>
      relative(root, join(entry.parentPath ?? entry.path, entry.name))
        .split(sep)
        .join('/'),
    );
}

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    console.error(`package: ${[command, ...args].join(' ')} failed (exit ${result.status}).`);
    process.exit(1);
  }
  return result.stdout;
}

run(process.execPath, [join(root, 'scripts/build.mjs')], root);

// The bundle must carry its dependencies: the .vsix has no node_modules.
const optional = new Set(['vscode', 'bufferutil', 'utf-8-validate']); // ws loads the last two in a try/catch
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const foreign = [...readFileSync(join(root, 'dist/extension.js'), 'utf8').matchAll(/require\("([^"]+)"\)/g)]
  .map((m) => m[1])
  .filter((m) => !m.startsWith('.') && !builtins.has(m) && !optional.has(m));
if (foreign.length) {
  console.error(
    `package: dist/extension.js requires ${[...new Set(foreign)].join(', ')}; bundle them (scripts/build.mjs).`,
  );
  process.exit(1);
}

const stage = mkdtempSync(join(tmpdir(), 'cinescope-vsix-'));
try {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  for (const npmOnly of [
    'files',
    'bin',
    'exports',
    'scripts',
    'dependencies',
    'devDependencies',
    'optionalDependencies',
  ]) {
    delete manifest[npmOnly];
  }
  writeFileSync(join(stage, 'package.json'), JSON.stringify(manifest, null, 2));
  for (const file of ['README.md', 'LICENSE', '.vscodeignore'])
    copyFileSync(join(root, file), join(stage, file));
  cpSync(join(root, 'dist'), join(stage, 'dist'), {
    recursive: true,
    filter: (src) => !src.endsWith('.vsix'),
  });

  const vsce = join(dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
  // No repository: README links stay as written (vsce would otherwise refuse relative links).
  run(
    process.execPath,
    [
      vsce,
      'package',
      '--no-dependencies',
      '--allow-missing-repository',
      '--no-rewrite-relative-links',
      '--out',
      out,
    ],
    stage,
  );
  const listing = run(process.execPath, [vsce, 'ls', '--no-dependencies'], stage).split('\n').filter(Boolean);
  // What the extension loads is what the build put in dist/ (scripts/build.mjs leaves nothing else
  // there): the extension, every runtime bundle it preloads or that those load by path (drain
  // worker, load and ES module hooks, instrumenter, child-process debugging), the timeline page and
  // its style, the gutter icons, sql.js's WebAssembly. Only the CLI, the benchmarks' internals and
  // the source maps are for npm and developers.
  const needed = filesUnder(join(root, 'dist')).filter(
    (f) => !f.endsWith('.map') && !f.endsWith('.vsix') && f !== 'dist/cli.js' && !f.startsWith('dist/bench/'),
  );
  const absent = needed.filter((f) => !listing.includes(f));
  if (absent.length) {
    console.error(`package: the .vsix lacks ${absent.join(', ')}, which the build makes; see .vscodeignore.`);
    process.exit(1);
  }
  const kib = (statSync(out).size / 1024).toFixed(0);
  console.log(`package: ${out} (${kib} KiB, ${listing.length} files: ${listing.join(', ')})`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}

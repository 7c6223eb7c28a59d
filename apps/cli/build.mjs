// Bundles the CLI into dist/ with esbuild: one small entry chunk, with heavy packages
// (docker, health, the API) split into chunks that load only when their commands run.
import { build } from 'esbuild';
import { cpSync, rmSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
// BERTH_CLI_OUTDIR builds elsewhere (benchmarks, experiments) without touching the shared dist/.
const outdir = process.env.BERTH_CLI_OUTDIR ? resolve(process.env.BERTH_CLI_OUTDIR) : here('./dist');
// The MCP server SDK is bundled too, into the chunk only `berth mcp` (and /mcp) loads: so it shares the slim zod
// below instead of loading a second, full copy from node_modules (bench/mcp-startup.mjs).
const BUNDLED = /^(@berth\/|zod$|zod\/|yaml$|commander$|@modelcontextprotocol\/(server|core)(\/|$))/;

/**
 * Leaves out the parts of zod the CLI never calls but `z`'s namespace drags in: the 40-odd message
 * locales (berth writes its own English messages; `en` stays) and fromJSONSchema. Each is replaced by a
 * module with the same exports, so nothing else changes. (The ahead-of-time `compile` API stays: @berth/spec
 * compiles a schema that parses a lot of text in one run, an ecosystem's members for one.)
 */
function slimZod() {
  const zodDir = /[\\/]node_modules[\\/]zod[\\/]v4[\\/]/;
  const stubs = {
    locales: `export { default as en } from ${JSON.stringify(fileURLToPath(import.meta.resolve('zod/v4/locales/en.js')))};`,
    fromJson: `export function fromJSONSchema() { throw new Error('fromJSONSchema is not part of the berth CLI bundle'); }`,
  };
  return {
    name: 'slim-zod',
    setup(b) {
      b.onResolve({ filter: /^(\.\.\/locales\/index|\.\/from-json-schema)\.js$/ }, (args) => {
        if (!zodDir.test(args.importer)) return undefined;
        const which = args.path.includes('locales') ? 'locales' : 'fromJson';
        return { path: which, namespace: 'slim-zod' };
      });
      b.onLoad({ filter: /.*/, namespace: 'slim-zod' }, (args) => ({ contents: stubs[args.path], loader: 'js', resolveDir: here('.') }));
    },
  };
}

/**
 * commander loads node:child_process when it loads, for the executable subcommands berth never declares; that
 * module drags in net, dgram and the streams, a few ms of every cold start. Its three spawn calls load it when
 * one runs instead. A commander whose source no longer has that line fails the build rather than loading it eagerly.
 */
function lazyCommanderChildProcess() {
  const eager = "const childProcess = require('node:child_process');";
  return {
    name: 'lazy-commander-child-process',
    setup(b) {
      b.onLoad({ filter: /[\\/]node_modules[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes(eager)) throw new Error(`${args.path}: no \`${eager}\` to make lazy (commander changed; update build.mjs)`);
        return { contents: source.replace(eager, "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };"), loader: 'js' };
      });
    },
  };
}

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: { berth: here('./src/bin.ts') },
  outdir,
  metafile: !!process.env.BERTH_CLI_METAFILE,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  conditions: ['@berth/source'],
  chunkNames: 'chunks/[name]-[hash]',
  // Identifiers stay readable: minifying them too measured no faster start (bench/cli-cold-start.mjs).
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: 'none',
  sourcemap: 'linked',
  logLevel: 'warning',
  banner: {
    js: [
      "import { createRequire as __berthCreateRequire } from 'node:module'; const require = __berthCreateRequire(import.meta.url);",
      // zod compiles a parser per object schema with new Function the first time it parses: worth it for a
      // server's millionth request, pure start-up cost for a CLI that parses one spec. The banner heads every
      // chunk, so it runs before the zod code in whichever chunk holds it.
      'globalThis.__zod_globalConfig = Object.assign(globalThis.__zod_globalConfig ?? {}, { jitless: true });',
    ].join(' '),
  },
  plugins: [
    slimZod(),
    lazyCommanderChildProcess(),
    {
      name: 'external-node-modules',
      setup(b) {
        // Bundle the workspace, the three small libraries every command needs and the MCP server SDK; leave the rest in node_modules.
        b.onResolve({ filter: /^[^./]/ }, (args) => {
          if (args.path.startsWith('node:') || BUNDLED.test(args.path)) return undefined;
          return { path: args.path, external: true };
        });
      },
    },
  ],
});
if (process.env.BERTH_CLI_METAFILE) writeFileSync(process.env.BERTH_CLI_METAFILE, JSON.stringify(result.metafile));
mkdirSync(join(outdir, 'examples'), { recursive: true });
cpSync(here('../../examples'), join(outdir, 'examples'), { recursive: true });
// The bundled ecosystem's second member is berth's own spec (examples/semops-dx-orchestrator/ecosystem.yaml names it).
cpSync(here('../api/berth.yaml'), join(outdir, 'apps', 'api', 'berth.yaml'));

// The fast path for the spec and engine commands: one CommonJS file, loaded by bin/berth.mjs through node:vm
// with the V8 code cache written below, so a cold `berth validate` or `berth status` skips compiling its code.
// @berth/docker/runtime (up, down, status, logs, restart) is in it, and @berth/ecosystem's root (validate and docs see a
// repo's ecosystem through it; pure apart from reading files and git); the other heavy packages (and the ecosystem's page
// renderer) are replaced by a module that says they do not belong here: the launcher never sends their commands this way. @berth/health/result
// (zod/mini schemas and the order of statuses, pure) stays: the health commands' renderer imports it.
const HEAVY = /^@berth\/(docker(?!\/runtime)|health(?!\/result)|gpu|doctor|api|devcontainer|mcp(?!\/mcp-json)|ecosystem(?=\/))(\/|$)/;
const fastDir = join(outdir, 'fast');
/** What every CommonJS file of dist/fast/ is built with. */
const fastCjs = {
  outdir: fastDir,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  conditions: ['@berth/source'],
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: 'none',
  logLevel: 'warning',
};
await build({
  ...fastCjs,
  entryPoints: { berth: here('./src/fast-entry.ts') },
  define: { 'import.meta.url': '__berthImportMetaUrl' },
  banner: {
    js: [
      'var __berthImportMetaUrl = require("node:url").pathToFileURL(__filename).href;',
      'globalThis.__zod_globalConfig = Object.assign(globalThis.__zod_globalConfig ?? {}, { jitless: true });',
    ].join(' '),
  },
  plugins: [
    slimZod(),
    lazyCommanderChildProcess(),
    {
      name: 'fast-path-externals',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) => {
          if (HEAVY.test(args.path)) return { path: args.path, namespace: 'not-on-fast-path' };
          if (args.path.startsWith('node:') || BUNDLED.test(args.path)) return undefined;
          return { path: args.path, external: true };
        });
        b.onLoad({ filter: /.*/, namespace: 'not-on-fast-path' }, (args) => ({
          contents: `throw new Error(${JSON.stringify(`${args.path} is not part of the fast path (this is a bug in the launcher)`)});`,
          loader: 'js',
        }));
      },
    },
  ],
});
// The head start of `up` and `build` (src/walk-ahead.ts): the walk of the build contexts, alone, for the launcher to load
// before the CLI and for the worker thread it starts to run. Only @berth/docker's walk and @berth/spec's file writes
// are in it: anything that would load a schema or the engine client fails the build.
await build({
  ...fastCjs,
  entryPoints: { 'walk-ahead': here('./src/walk-ahead.ts') },
  plugins: [
    {
      name: 'walk-ahead-only',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) => {
          if (args.path.startsWith('node:') || args.path === '@berth/spec/fs' || args.path === '@berth/docker/walk-ahead') return undefined;
          throw new Error(`walk-ahead.cjs must stay small: ${args.importer} imports ${args.path}`);
        });
      },
    },
  ],
});

// The fast path's first line names its build (`// berth-build <sha256>`), so a code cache the launcher writes for
// it under the user's cache folder is never used with another build (bin/fast-path.cjs).
const fastFile = join(fastDir, 'berth.cjs');
const fastSource = readFileSync(fastFile, 'utf8');
writeFileSync(fastFile, `// berth-build ${createHash('sha256').update(fastSource).digest('hex')}\n${fastSource}`);

// Warm the code cache for the Node that builds: run `berth validate` on the bundled example once, through the
// launcher's own loader, and keep what V8 compiled, beside the file, named for this Node. Other Node versions
// write their own on their first run.
const warm = spawnSync(process.execPath, [here('./bin/fast-path.cjs'), '--write-cache', fastFile, 'validate', '--spec', here('../../examples/semops-data/berth.yaml')], {
  cwd: here('.'),
  encoding: 'utf8',
  env: { ...process.env, NO_COLOR: '1' },
});
if (warm.status !== 0 && warm.status !== 1) {
  console.error(`build.mjs: warming the fast path's code cache failed (${warm.status}):\n${warm.stderr}`);
  process.exit(1);
}

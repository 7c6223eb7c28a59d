// Bundles the CLI into dist/ with esbuild: one small entry chunk, with heavy packages
// (docker, health, the API) split into chunks that load only when their commands run.
import { build } from 'esbuild';
import { cpSync, rmSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const BUNDLED = /^(@berth\/|zod$|zod\/|yaml$|commander$)/;

rmSync(here('./dist'), { recursive: true, force: true });
await build({
  entryPoints: { berth: here('./src/bin.ts') },
  outdir: here('./dist'),
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  conditions: ['@berth/source'],
  chunkNames: 'chunks/[name]-[hash]',
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: 'none',
  sourcemap: 'linked',
  logLevel: 'warning',
  banner: { js: "import { createRequire as __berthCreateRequire } from 'node:module'; const require = __berthCreateRequire(import.meta.url);" },
  plugins: [
    {
      name: 'external-node-modules',
      setup(b) {
        // Bundle the workspace and the three small libraries every command needs; leave the rest in node_modules.
        b.onResolve({ filter: /^[^./]/ }, (args) => {
          if (args.path.startsWith('node:') || BUNDLED.test(args.path)) return undefined;
          return { path: args.path, external: true };
        });
      },
    },
  ],
});
mkdirSync(here('./dist/examples'), { recursive: true });
cpSync(here('../../examples'), here('./dist/examples'), { recursive: true });

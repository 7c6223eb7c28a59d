#!/usr/bin/env node
// The berth binary: a thin launcher for the bundled CLI in dist/.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/berth.mjs', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('berth: the CLI is not built yet; run `npx nx run cli:build` (or `npm start`) first\n');
  process.exit(2);
}
await import(bundle.href);

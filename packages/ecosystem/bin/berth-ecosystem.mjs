#!/usr/bin/env node
// berth-ecosystem: the cross-repo check Nx runs before any app builds (validate-ecosystem).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/check-cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('berth-ecosystem: @berth/ecosystem is not built; run `npx nx run ecosystem:build`\n');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));

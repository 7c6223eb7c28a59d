#!/usr/bin/env node
// berth-spec: the validators Nx runs before any app builds (validate-ports, validate-env).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/validate-cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('berth-spec: @berth/spec is not built; run `npx nx run spec:build`\n');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));

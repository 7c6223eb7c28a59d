#!/usr/bin/env node
// The dashboard's JavaScript budget: every .js file vite emits, gzipped (level 9, as served), in total.
// `node apps/ui/scripts/bundle-size.mjs [distDir]` prints each file and exits 1 over the budget.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

/** 100 kB as vite prints sizes (1 kB = 1000 bytes): the stricter reading of "100 KB". */
export const BUDGET_BYTES = 100_000;

/** Every .js file under `dir` with its raw and gzipped size, biggest first. */
export function jsSizes(dir) {
  const files = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (/\.m?js$/.test(entry.name)) {
        const bytes = readFileSync(p);
        files.push({ file: relative(dir, p), bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
      }
    }
  };
  walk(dir);
  return files.sort((a, b) => b.gzip - a.gzip);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = resolve(process.argv[2] ?? join(fileURLToPath(new URL('..', import.meta.url)), 'dist'));
  const files = jsSizes(dir);
  const total = files.reduce((n, f) => n + f.gzip, 0);
  for (const f of files) console.log(`${(f.gzip / 1000).toFixed(1).padStart(7)} kB gz  ${(f.bytes / 1000).toFixed(1).padStart(7)} kB  ${f.file}`);
  console.log(`${(total / 1000).toFixed(1).padStart(7)} kB gz total; budget ${BUDGET_BYTES / 1000} kB (${((total / BUDGET_BYTES) * 100).toFixed(0)}% used)`);
  if (files.length === 0) {
    console.error(`no JavaScript under ${dir}: run \`npx vite build apps/ui\` first`);
    process.exit(2);
  }
  process.exit(total <= BUDGET_BYTES ? 0 : 1);
}

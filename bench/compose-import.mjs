// Benchmark for Compose import/export: berth's importer over the shared Compose corpus against
// `docker-compose config` (Debian's 1.29) on the same files, plus export. Bounded loops, local files only.
// Run: node --conditions=@berth/source --import tsx bench/compose-import.mjs
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSpec } from '@berth/spec';
import { exportCompose, importCompose } from '../packages/docker/src/index.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const corpus = resolve(root, '../shared/fixtures/compose');
if (!existsSync(corpus)) {
  console.log(`skipped: ${corpus} is absent`);
  process.exit(0);
}
const files = readdirSync(corpus).filter((f) => f.endsWith('.yml')).sort();
const tmp = mkdtempSync(join(tmpdir(), 'berth-bench-compose-'));
const env = { GRAYLOG_PASSWORD_SECRET: 'x', GRAYLOG_ROOT_PASSWORD_SHA2: 'y' };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

const rows = [];
for (const f of files) {
  const dir = join(tmp, f);
  spawnSync('mkdir', ['-p', dir]);
  copyFileSync(join(corpus, f), join(dir, 'docker-compose.yml'));
  const imports = [];
  let result;
  for (let i = 0; i < 15; i++) {
    const t0 = process.hrtime.bigint();
    result = importCompose({ files: ['docker-compose.yml'], cwd: dir, env });
    imports.push(ms(t0));
  }
  const spec = result.yaml ? parseSpec(result.yaml).value : undefined;
  const exports = [];
  if (spec) {
    for (let i = 0; i < 15; i++) {
      const t0 = process.hrtime.bigint();
      exportCompose(spec);
      exports.push(ms(t0));
    }
  }
  const configs = [];
  for (let i = 0; i < 3; i++) {
    const t0 = process.hrtime.bigint();
    spawnSync('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], { cwd: dir, env: { ...process.env, ...env } });
    configs.push(ms(t0));
  }
  rows.push({ file: f.slice(0, 48), importMs: median(imports), exportMs: exports.length ? median(exports) : NaN, composeConfigMs: median(configs) });
}
rmSync(tmp, { recursive: true, force: true });
console.table(rows.map((r) => ({ ...r, importMs: r.importMs.toFixed(2), exportMs: r.exportMs.toFixed(2), composeConfigMs: r.composeConfigMs.toFixed(0) })));
const sum = (k) => rows.reduce((a, r) => a + (Number.isNaN(r[k]) ? 0 : r[k]), 0);
console.log(`files: ${rows.length}`);
console.log(`berth import, whole corpus: ${sum('importMs').toFixed(1)} ms (median per file ${median(rows.map((r) => r.importMs)).toFixed(2)} ms)`);
console.log(`berth export, whole corpus: ${sum('exportMs').toFixed(1)} ms`);
console.log(`docker-compose config -q, whole corpus: ${sum('composeConfigMs').toFixed(0)} ms (includes its process start)`);
console.log(`ratio import / docker-compose config: ${(sum('importMs') / sum('composeConfigMs')).toFixed(3)}`);

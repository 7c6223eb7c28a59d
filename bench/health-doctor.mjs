// `berth doctor` on the bundled example with nothing of it running: wall time against the longest
// single timeout it could wait on (and the sum, which a sequential doctor would approach).
//   node apps/cli/build.mjs && node --conditions=@berth/source --import tsx bench/health-doctor.mjs [runs=5]
// Runs the built CLI from an empty temp dir, so it falls back to the bundled example as a new user's does.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadSpecFile } from '@berth/spec';
import { deriveChecks, timeoutOf } from '../packages/health/src/index.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'apps/cli/dist/berth.mjs');
if (!existsSync(bin)) {
  console.error('build the CLI first: node apps/cli/build.mjs');
  process.exit(2);
}
const runs = Math.min(20, Math.max(1, Number(process.argv[2] ?? 5)));
const example = join(root, 'examples/semops-data/berth.yaml');
const spec = loadSpecFile(example, root).value;
const checks = deriveChecks(spec, { baseDir: join(root, 'examples/semops-data') });
// the engine connect (2 s) and nvidia-smi (5 s) are timeouts too
const timeouts = [...checks.map((t) => timeoutOf(t.check)), 2000, 5000];
const longest = Math.max(...timeouts);
const sum = timeouts.reduce((a, b) => a + b, 0);

const cwd = mkdtempSync(join(tmpdir(), 'berth-bench-doctor-'));
const walls = [];
let last;
try {
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [bin, 'doctor', '--json'], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    walls.push(performance.now() - t0);
    if (r.status !== 0 && r.status !== 1) throw new Error(`doctor exited ${r.status}: ${r.stderr}`);
    last = JSON.parse(r.stdout);
  }
} finally {
  rmSync(cwd, { recursive: true, force: true });
}
walls.sort((a, b) => a - b);
const median = walls[Math.floor(walls.length / 2)];
console.log(`berth doctor on the bundled example, nothing running, ${runs} runs (process start included):`);
console.log(`  wall: median ${median.toFixed(0)} ms, min ${walls[0].toFixed(0)} ms, max ${walls.at(-1).toFixed(0)} ms; doctor's own time (last run) ${last.durationMs} ms`);
console.log(`  ${checks.length} checks + engine connect + nvidia-smi: longest single timeout ${longest} ms, sum of timeouts ${sum} ms`);
console.log(`  sections: ${last.sections.map((s) => `${s.id} ${s.status} (${s.durationMs} ms)`).join(', ')}`);
console.log(`=> median wall is ${(median / longest).toFixed(2)}x the longest single timeout and ${(median / sum).toFixed(3)}x the sum: ${median <= longest ? 'PASS' : 'FAIL'}`);

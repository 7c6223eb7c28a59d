// `berth doctor` on the bundled example with nothing of it running: wall time against the longest
// single timeout it could wait on (and the sum, which a sequential doctor would approach).
//   node apps/cli/build.mjs && node --conditions=@berth/source --import tsx bench/health-doctor.mjs [runs=5]
// Runs the built CLI from an empty temp dir, so it falls back to the bundled example as a new user's does.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
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
// doctor runs every derived check but the GPU one (its GPU section runs nvidia-smi once)
const checks = deriveChecks(spec, { baseDir: join(root, 'examples/semops-data') }).filter((t) => t.check.type !== 'gpu');
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

// The worst case: every service hangs (accepts and never answers), so every check runs to its timeout.
// Sequential, doctor would take the sum; concurrent, it takes about the longest one.
const HANGING = 8;
const hangDir = mkdtempSync(join(tmpdir(), 'berth-bench-doctor-hang-'));
const servers = [];
try {
  const ports = [];
  for (let i = 0; i < HANGING; i++) {
    const server = net.createServer((s) => void s.resume());
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    servers.push(server);
    ports.push(server.address().port);
  }
  const services = ports.map((p, i) => `  svc${i}:\n    runtime: host\n    ports: [{ host: ${p}, appProtocol: http }]\n    checks: [{ type: http, url: "http://127.0.0.1:${p}/health", timeout: 2s }]`).join('\n');
  writeFileSync(join(hangDir, 'berth.yaml'), `berth: 1\nrepo: { name: doctor-bench-hang }\nservices:\n${services}\n`);
  // the servers live in this process: run the CLI without blocking it
  const t0 = performance.now();
  const out = await new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'doctor', '--json'], { cwd: hangDir, env: { ...process.env, NO_COLOR: '1' } });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.on('close', () => resolve(text));
  });
  const wall = performance.now() - t0;
  const doc = JSON.parse(out);
  const timedOut = doc.checks.filter((c) => /^timed out after 2 s/.test(c.reason)).length;
  console.log(`\n${HANGING} services that accept and never answer, each check with a 2 s timeout (sum ${HANGING * 2000} ms):`);
  console.log(`  wall ${wall.toFixed(0)} ms (doctor's own time ${doc.durationMs} ms), ${timedOut}/${HANGING} checks timed out as they should`);
  console.log(`=> ${(wall / 2000).toFixed(2)}x the longest single timeout, ${(wall / (HANGING * 2000)).toFixed(2)}x the sum: ${wall < 2000 + 1500 ? 'PASS' : 'FAIL'} (process start included)`);
} finally {
  for (const s of servers) s.close();
  rmSync(hangDir, { recursive: true, force: true });
}

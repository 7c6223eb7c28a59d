// Benchmark for berth across engines: `berth status` of a project spread over two engines (5 services
// on each) against `berth status` of each engine's half alone; the target is the two-engine status
// within 1.2x of the slower engine alone (both engines are asked at once, not one after the other).
// The second engine is a dockerd of the bench's own (packages/docker/src/testing), so it needs root.
// Run: node apps/cli/build.mjs && node --import tsx bench/multi-engine-status.mjs [runs]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dockerAvailable, dockerSkipReason, dockerSocketPath, ensureTestImage, secondEngineSkipReason, startSecondEngine, TEST_IMAGE } from '../packages/docker/src/testing/index.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const RUNS = Math.max(3, Math.min(30, Number(process.argv[2] ?? 11)));
if (!dockerAvailable()) {
  console.log(`multi-engine-status bench${dockerSkipReason()}`);
  process.exit(0);
}
const skip = secondEngineSkipReason();
if (skip) {
  console.log(`multi-engine-status bench (skipped: ${skip})`);
  process.exit(0);
}
const BERTH = join(root, 'apps/cli/bin/berth.mjs');
if (!existsSync(join(root, 'apps/cli/dist/berth.mjs'))) execFileSync(process.execPath, [join(root, 'apps/cli/build.mjs')], { stdio: 'inherit' });
await ensureTestImage();
const second = await startSecondEngine({ images: [TEST_IMAGE] });

const project = `berthbench-engines${process.pid}`;
const CMD = `trap "exit 0" TERM; httpd -f -p 8080 -h /www & wait`;
const HEALTH = 'wget -q -O /dev/null http://127.0.0.1:8080/health';
/** Five services on `engine` (or the default one), each with a health check; no published ports (two engines on one host). */
function services(prefix, engine) {
  const lines = [];
  for (let i = 0; i < 5; i++) {
    lines.push(`  ${prefix}${i}:`, `    image: "${TEST_IMAGE}"`, `    command: ["sh", "-c", ${JSON.stringify(CMD)}]`, `    healthcheck: { test: "${HEALTH}", interval: 1s, timeout: 2s, retries: 30 }`, '    stopGracePeriod: 1s');
    if (engine) lines.push(`    engine: ${engine}`);
  }
  return lines;
}
const head = ['berth: 1', `repo: { name: ${project} }`, 'engines:', `  lab: { host: "${second.endpoint}" }`, 'services:'];
const specs = {
  both: [...head, ...services('here', undefined), ...services('there', 'lab')],
  defaultOnly: [...head, ...services('here', undefined)],
  labOnly: [...head, ...services('there', 'lab')],
};
const dir = mkdtempSync(join(tmpdir(), 'berth-bench-engines-'));
for (const [name, lines] of Object.entries(specs)) {
  mkdirSync(join(dir, name));
  writeFileSync(join(dir, name, 'berth.yaml'), `${lines.join('\n')}\n`);
}
const env = { ...process.env, NO_COLOR: '1', COMPOSE_PROFILES: '', DOCKER_HOST: `unix://${dockerSocketPath()}` };
const run = (which, ...args) => spawnSync(process.execPath, [BERTH, ...args], { cwd: join(dir, which), env, encoding: 'utf8' });

function timed(which) {
  const t0 = process.hrtime.bigint();
  const r = run(which, 'status', '--json');
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`status (${which}) exited ${r.status}: ${r.stderr.slice(-400)}`);
  return { ms, services: JSON.parse(r.stdout).services };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  const up = run('both', 'up', '--timeout', '300');
  if (up.status !== 0) throw new Error(`up failed (${up.status}): ${up.stderr.slice(-400)}`);
  const check = timed('both');
  const engines = [...new Set(check.services.map((s) => s.engine))];
  if (check.services.length !== 10 || engines.length !== 2 || check.services.some((s) => s.state !== 'running')) throw new Error(`unexpected status: ${JSON.stringify(check.services)}`);
  const times = { both: [], defaultOnly: [], labOnly: [] };
  for (let i = 0; i < RUNS; i++) for (const which of Object.keys(times)) times[which].push(timed(which).ms); // interleaved
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
  const slower = Math.max(m.defaultOnly, m.labOnly);
  console.log(`multi-engine-status: ${RUNS} runs each, interleaved, medians (load average ${loadavg()[0].toFixed(1)}, ${process.arch})`);
  console.log(`  berth status, 5 services on the default engine alone: ${m.defaultOnly.toFixed(0)} ms`);
  console.log(`  berth status, 5 services on the second engine alone:  ${m.labOnly.toFixed(0)} ms`);
  console.log(`  berth status, all 10 across both engines:             ${m.both.toFixed(0)} ms`);
  console.log(`  ratio to the slower engine alone: ${(m.both / slower).toFixed(2)}x (target <= 1.2x)`);
} finally {
  run('both', 'down');
  await second.stop();
  rmSync(dir, { recursive: true, force: true });
}

// Benchmark for @berth/docker: `berth up` / `down` / `status` against Debian's docker-compose on the same
// 10-service project (busybox httpd, each with a health check, dependency chain of depth 3).
// Run: node apps/cli/build.mjs && node --import tsx bench/docker-up.mjs [runs]
// Needs a Docker engine (.ci/setup.d/docker.sh) and docker-compose; loopback only; bounded loops.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import net from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Dockerode from 'dockerode';
import { ensureTestImage, TEST_IMAGE, dockerSocketPath, dockerAvailable, dockerSkipReason } from '../packages/docker/src/testing/index.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const RUNS = Math.min(10, Number(process.argv[2] ?? 3));
if (!dockerAvailable()) {
  console.log(`docker-up bench${dockerSkipReason()}`);
  process.exit(0);
}
const compose = spawnSync('docker-compose', ['version', '--short'], { encoding: 'utf8' });
if (compose.status !== 0) {
  console.log('docker-up bench (skipped: no docker-compose; run .ci/setup.d/docker.sh)');
  process.exit(0);
}
const BERTH = join(root, 'apps/cli/bin/berth.mjs');
if (!existsSync(join(root, 'apps/cli/dist/berth.mjs'))) execFileSync(process.execPath, [join(root, 'apps/cli/build.mjs')], { stdio: 'inherit' });
const docker = new Dockerode({ socketPath: dockerSocketPath() });
await ensureTestImage(docker);

async function freePorts(n) {
  const servers = await Promise.all(Array.from({ length: n }, () => new Promise((r) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => r(s)); })));
  const ports = servers.map((s) => s.address().port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

const CMD = `trap "exit 0" TERM; httpd -f -p 8080 -h /www & wait`;
const HEALTH = 'wget -q -O /dev/null http://127.0.0.1:8080/health';
/** s0 <- s1..s3 <- s4..s6 <- s7..s9: every service healthy-gated on one of the level above (depth 3). */
const parentOf = (i) => (i === 0 ? undefined : i <= 3 ? 0 : i - 3);

function berthYaml(project, ports) {
  const lines = ['berth: 1', `repo: { name: ${project} }`, 'profiles: { bench: {} }', 'services:'];
  for (let i = 0; i < 10; i++) {
    const p = parentOf(i);
    lines.push(`  s${i}:`, `    image: "${TEST_IMAGE}"`, `    profiles: [bench]`, `    command: ["sh", "-c", ${JSON.stringify(CMD)}]`, `    ports: ["${ports[i]}:8080"]`,
      `    healthcheck: { test: "${HEALTH}", interval: 300ms, timeout: 2s, retries: 30 }`);
    if (p !== undefined) lines.push(`    dependsOn: { s${p}: { condition: service_healthy } }`);
  }
  return lines.join('\n') + '\n';
}

function composeYaml(ports) {
  const lines = ["version: '2.4'", 'services:'];
  for (let i = 0; i < 10; i++) {
    const p = parentOf(i);
    lines.push(`  s${i}:`, `    image: "${TEST_IMAGE}"`, `    profiles: [bench]`, `    command: ["sh", "-c", ${JSON.stringify(CMD)}]`, `    ports: ["${ports[i]}:8080"]`,
      `    healthcheck: { test: ["CMD-SHELL", "${HEALTH}"], interval: 300ms, timeout: 2s, retries: 30 }`);
    if (p !== undefined) lines.push(`    depends_on: { s${p}: { condition: service_healthy } }`);
  }
  return lines.join('\n') + '\n';
}

const dir = mkdtempSync(join(tmpdir(), 'berth-bench-'));
const bProject = `berthbench-b${process.pid}`;
const cProject = `berthbench-c${process.pid}`;
const [bPorts, cPorts] = [await freePorts(10), await freePorts(10)];
writeFileSync(join(dir, 'berth.yaml'), berthYaml(bProject, bPorts));
writeFileSync(join(dir, 'docker-compose.yml'), composeYaml(cPorts));
const env = { ...process.env, NO_COLOR: '1', COMPOSE_PROFILES: '', DOCKER_HOST: `unix://${dockerSocketPath()}` };

function timed(cmd, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: dir, env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && !(cmd === BERTH || args[0] === BERTH) ) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-400)}`);
  if (r.status !== 0 && args[1] !== 'status') throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-400)}`);
  return ms;
}
const berth = (...a) => timed(process.execPath, [BERTH, ...a]);
const dc = (...a) => timed('docker-compose', ['-p', cProject, '--profile', 'bench', ...a]);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const loadBefore = loadavg()[0];
const t = { berthUp: [], berthUpNoWait: [], composeUp: [], berthDown: [], composeDown: [], berthStatus: [], composePs: [] };
try {
  for (let run = 0; run < RUNS; run++) {
    // Same semantics as `docker-compose up -d`: dependency conditions honoured, leaves not waited for.
    t.berthUpNoWait.push(berth('up', '--profile', 'bench', '--no-wait'));
    t.berthDown.push(berth('down'));
    t.composeUp.push(dc('up', '-d'));
    for (let i = 0; i < 3; i++) t.composePs.push(dc('ps'));
    t.composeDown.push(dc('down'));
    // berth's default: also waits for every service to be healthy.
    t.berthUp.push(berth('up', '--profile', 'bench'));
    for (let i = 0; i < 3; i++) t.berthStatus.push(berth('status'));
    berth('down');
  }
} finally {
  spawnSync(process.execPath, [BERTH, 'down'], { cwd: dir, env });
  spawnSync('docker-compose', ['-p', cProject, '--profile', 'bench', 'down'], { cwd: dir, env });
  rmSync(dir, { recursive: true, force: true });
}

const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)]));
const fmt = (x) => `${x.toFixed(0).padStart(6)} ms`;
const spread = (k) => `[${Math.min(...t[k]).toFixed(0)}-${Math.max(...t[k]).toFixed(0)}]`;
console.log(`docker-compose ${compose.stdout.trim()} (no --wait in this version: compose waits only for depends_on conditions)`);
console.log(`10 services, health checks every 300 ms, chain depth 3; medians of ${RUNS} runs (status/ps: ${RUNS * 3}), [min-max] after each`);
console.log('like for like: both are fresh processes on the same engine, same images, same health checks and dependency conditions;');
console.log('  `berth up --no-wait` vs `docker-compose up -d` (each waits for depends_on conditions only), `berth down` vs `down`, `berth status` vs `ps`');
console.log(`load average (1 min) before ${loadBefore.toFixed(2)}, after ${loadavg()[0].toFixed(2)} on ${availableParallelism()} CPUs`);
console.log(`up (same wait semantics)   berth ${fmt(m.berthUpNoWait)} ${spread('berthUpNoWait')}   compose ${fmt(m.composeUp)} ${spread('composeUp')}   ratio ${(m.berthUpNoWait / m.composeUp).toFixed(2)} (target <= 0.7)`);
console.log(`up (berth also waits for every service healthy) ${fmt(m.berthUp)} ${spread('berthUp')}   ratio vs compose up -d ${(m.berthUp / m.composeUp).toFixed(2)}`);
console.log(`down                       berth ${fmt(m.berthDown)} ${spread('berthDown')}   compose ${fmt(m.composeDown)} ${spread('composeDown')}   ratio ${(m.berthDown / m.composeDown).toFixed(2)} (target <= 1)`);
console.log(`status vs ps               berth ${fmt(m.berthStatus)} ${spread('berthStatus')}   compose ${fmt(m.composePs)} ${spread('composePs')}   ratio ${(m.berthStatus / m.composePs).toFixed(2)} (target <= 0.5)`);

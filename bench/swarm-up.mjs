// Benchmark for @berth/docker's swarm deployment: `deployStack` of a 10-service profile (busybox httpd,
// each with a healthcheck, a dependency chain of depth 3) against `docker stack deploy` of the stack
// file `berth compose --swarm` writes, plus a wait for the same health (every task running, which for a
// service with a healthcheck means healthy). A third variant deploys the same services without their
// dependencies, to tell berth's own cost from the cost of ordering (Swarm starts everything at once).
// Runs on a single-node swarm of a second dockerd of its own (never the shared engine).
// Run: node --conditions @berth/source --import tsx bench/swarm-up.mjs [runs]   (root; dockerd and docker CLI)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSpec } from '../packages/spec/src/index.ts';
import { connectEngine, deployStack, removeStack, resolveProfiles, stackStatus } from '../packages/docker/src/runtime.ts';
import { exportStack } from '../packages/docker/src/index.ts';
import { dockerAvailable, dockerSkipReason, ensureTestImage, freePort, secondEngineSkipReason, startSecondEngine, TEST_IMAGE } from '../packages/docker/src/testing/index.ts';

const RUNS = Math.max(1, Math.min(10, Number(process.argv[2] ?? 3)));
const skip = dockerAvailable() ? secondEngineSkipReason() : dockerSkipReason();
if (skip) {
  console.log(`swarm-up bench (skipped: ${skip})`);
  process.exit(0);
}

const freePorts = (n) => Promise.all(Array.from({ length: n }, () => freePort('tcp')));

const CMD = `trap "exit 0" TERM; httpd -f -p 8080 -h /www & wait`;
const HEALTH = 'wget -q -O /dev/null http://127.0.0.1:8080/health';
/** s0 <- s1..s3 <- s4..s6 <- s7..s9: every service gated on one of the level above (depth 3). */
const parentOf = (i) => (i === 0 ? undefined : i <= 3 ? 0 : i - 3);

function spec(project, ports, withDeps) {
  const lines = ['berth: 1', `repo: { name: ${project} }`, 'services:'];
  for (let i = 0; i < 10; i++) {
    const p = parentOf(i);
    lines.push(`  s${i}:`, `    image: "${TEST_IMAGE}"`, `    command: ["sh", "-c", ${JSON.stringify(CMD)}]`, `    ports: ["${ports[i]}:8080"]`, '    stopGracePeriod: 1s',
      `    healthcheck: { test: "${HEALTH}", interval: 300ms, timeout: 2s, retries: 30 }`, '    deploy: { endpointMode: dnsrr }');
    if (withDeps && p !== undefined) lines.push(`    dependsOn: { s${p}: { condition: service_healthy } }`);
  }
  const r = parseSpec(lines.join('\n') + '\n');
  if (!r.value) throw new Error(JSON.stringify(r.problems));
  return r.value;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;

await ensureTestImage();
const second = await startSecondEngine({ images: [TEST_IMAGE], swarm: true });
const engine = await connectEngine({ env: second.env });
const dir = mkdtempSync(join(tmpdir(), 'berth-swarm-bench-'));
const times = { berth: [], flat: [], cli: [] };

/** Until every service of the stack has all its tasks running (healthy), polled as berth polls (500 ms would favour nobody; 200 ms). */
async function untilHealthy(stack, count) {
  const until = Date.now() + 180_000;
  for (;;) {
    const s = await stackStatus(engine, stack);
    if (s.services.length === count && s.services.every((x) => x.desired > 0 && x.running === x.desired)) return;
    if (Date.now() > until) throw new Error(`stack ${stack} not healthy within 180 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

try {
  for (let run = 0; run < RUNS; run++) {
    for (const variant of ['berth', 'flat', 'cli']) {
      const stack = `swarmbench${run}${variant}`;
      const s = spec(stack, await freePorts(10), variant !== 'flat');
      const started = Date.now();
      if (variant === 'cli') {
        const file = join(dir, `${stack}.yaml`);
        writeFileSync(file, exportStack(s, { env: {} }).yaml);
        execFileSync('docker', ['-H', second.endpoint, 'stack', 'deploy', '--detach=true', '--resolve-image', 'never', '-c', file, stack], { stdio: 'ignore' });
        await untilHealthy(stack, 10);
      } else {
        await deployStack(engine, s, resolveProfiles(s, {}), { env: {}, pollMs: 200 });
      }
      times[variant].push(Date.now() - started);
      await removeStack(engine, stack);
    }
  }
} finally {
  engine.close();
  await second.stop();
  rmSync(dir, { recursive: true, force: true });
}

console.log(`swarm-up: 10 services with healthchecks, dependency depth 3, single-node swarm on a second dockerd; ${RUNS} run(s) each, interleaved; load average ${loadavg()[0].toFixed(1)}`);
console.log(`  berth deployStack (dependencies first, each waits for its dependency's healthy tasks): median ${fmt(median(times.berth))}  [${times.berth.map(fmt).join(', ')}]`);
console.log(`  berth deployStack, same services without dependsOn:                                median ${fmt(median(times.flat))}  [${times.flat.map(fmt).join(', ')}]`);
console.log(`  docker stack deploy -c (berth compose --swarm) + wait for every task running healthy: median ${fmt(median(times.cli))}  [${times.cli.map(fmt).join(', ')}]`);
console.log(`  ratio berth / docker stack deploy: ${(median(times.berth) / median(times.cli)).toFixed(2)}x (ordered), ${(median(times.flat) / median(times.cli)).toFixed(2)}x (unordered)`);

#!/usr/bin/env node
// Benchmark: `berth ecosystem check` on a generated ecosystem of 200 repos, 20,000 services and 40,000 connections
// (and twice that), run as the built CLI in a fresh process from the orchestrator's folder, as a user runs it.
// Targets: under 2 s and 500 MB peak RSS at 200 repos; 2x the input costs at most 2.3x the time.
// Each size runs three times; the run with the median wall time is reported (wall, CPU, peak RSS).
//
//   node apps/cli/build.mjs && node bench/ecosystem-check.mjs     # 200 and 400 repos
//   node bench/ecosystem-check.mjs 100 200                         # other sizes (the last is compared with the first)
//   node bench/ecosystem-check.mjs --generate DIR 200              # only write the tree (to profile: cd DIR/orchestrator)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

let lastChildCpu = 0;
const SERVICES_PER_REPO = 100;
const CONNECTIONS_PER_REPO = 200;
// The package's `bin` (apps/cli/package.json), as `npx berth` runs it.
const cliDir = fileURLToPath(new URL('../apps/cli/', import.meta.url));
const bin = join(cliDir, JSON.parse(readFileSync(join(cliDir, 'package.json'), 'utf8')).bin.berth);
if (!existsSync(fileURLToPath(new URL('../apps/cli/dist/berth.mjs', import.meta.url)))) {
  console.error('bench/ecosystem-check.mjs: build the CLI first (node apps/cli/build.mjs)');
  process.exit(2);
}

if (process.argv[2] === '--generate') {
  console.log(generate(process.argv[3], Number(process.argv[4] ?? 200)));
  process.exit(0);
}
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
if (!sizes.length) sizes.push(200, 400);
const dir = mkdtempSync(join(tmpdir(), 'berth-bench-eco-'));
const rssHook = join(dir, 'rss.cjs');
// Peak RSS of the CLI process itself, written when it exits (the kernel's high-water mark). CommonJS (`-r`), so the
// hook does not start Node's ES module loader, which the CLI itself does not need.
writeFileSync(rssHook, "const { writeFileSync } = require('node:fs');\nprocess.on('exit', () => writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)));\n");
try {
  const results = [];
  for (const repos of sizes) {
    const root = join(dir, `eco-${repos}`);
    const generated = generate(root, repos);
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(run(root));
    runs.sort((a, b) => a.wallMs - b.wallMs);
    results.push({ ...generated, ...runs[1] });
  }
  console.log(`berth ecosystem check (node ${process.version}, median of 3 cold runs of the built CLI per size)`);
  console.log(`load average (1, 5, 15 min): ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} CPUs (wall time suffers when the machine is busy; CPU time much less)`);
  console.log('repos  services  connections  YAML MB  problems  exit  wall ms  CPU ms  peak RSS MB');
  for (const r of results) {
    console.log(`${String(r.repos).padStart(5)}  ${String(r.services).padStart(8)}  ${String(r.connections).padStart(11)}  ${r.yamlMB.toFixed(1).padStart(7)}  ${String(r.problems).padStart(8)}  ${String(r.exit).padStart(4)}  ${r.wallMs.toFixed(0).padStart(7)}  ${r.cpuMs.toFixed(0).padStart(6)}  ${r.peakRssMB.toFixed(0).padStart(11)}`);
  }
  const verdict = (ok) => (ok ? 'ok' : 'MISSED');
  const first = results[0];
  if (first.repos === 200) console.log(`200 repos: ${first.wallMs.toFixed(0)} ms wall, ${first.cpuMs.toFixed(0)} ms CPU (target < 2000: ${verdict(first.wallMs < 2000)} by wall, ${verdict(first.cpuMs < 2000)} by CPU), peak RSS ${first.peakRssMB.toFixed(0)} MB (target < 500: ${verdict(first.peakRssMB < 500)})`);
  if (results.length > 1) {
    const last = results[results.length - 1];
    const factor = last.repos / first.repos;
    const wall = last.wallMs / first.wallMs;
    const cpu = last.cpuMs / first.cpuMs;
    console.log(`${last.repos} / ${first.repos} repos (${factor}x): wall ratio ${wall.toFixed(2)}x, CPU ratio ${cpu.toFixed(2)}x${factor === 2 ? ` (target <= 2.3: ${verdict(wall <= 2.3)} by wall, ${verdict(cpu <= 2.3)} by CPU)` : ''}, RSS ratio ${(last.peakRssMB / first.peakRssMB).toFixed(2)}x`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function run(root) {
  const rssFile = join(root, '.rss');
  childCpuMs();
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['-r', rssHook, bin, 'ecosystem', 'check', '--json'], {
    cwd: join(root, 'orchestrator'),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', BENCH_RSS_FILE: rssFile },
  });
  const wallMs = performance.now() - t0;
  if (r.status !== 0 && r.status !== 1) throw new Error(`berth ecosystem check exited ${r.status}: ${r.stderr.slice(0, 2000)}`);
  const json = JSON.parse(r.stdout);
  return { wallMs, cpuMs: childCpuMs(), exit: r.status, problems: json.problems.length, peakRssMB: Number(readFileSync(rssFile, 'utf8')) / 1024 };
}

/** CPU time of the reaped child since the last call: /proc/self/stat's cutime + cstime (clock ticks of 10 ms). */
function childCpuMs() {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  const ticks = Number(fields[13]) + Number(fields[14]);
  const ms = (ticks * 1000) / 100;
  const delta = ms - lastChildCpu;
  lastChildCpu = ms;
  return delta;
}

/**
 * `repos` repos of 100 services each, half of which publish a port (the rest are workers, like the seed's python
 * and dbt), all registered; 200 connections per repo to other repos' services (a tenth naming their owner), and
 * to three shared services. Some trouble, in proportion to the size: every 499th service takes another repo's
 * port, every 211th port is missing from the registry, every 97th connection reaches nothing, every 50th repo
 * misspells a registry entry's repo, every 20th repo lists a consumer that does not use it.
 */
function generate(root, repos) {
  const ports = [];
  let bytes = 0;
  const write = (rel, text) => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
    bytes += text.length;
  };
  const portOf = (r, s) => 10_000 + r * (SERVICES_PER_REPO / 2) + s / 2; // services 0, 2, 4, ... publish
  const registry = ['registry: 1', 'owner: orchestrator', 'ports:'];
  const shared = [
    { port: 6333, service: 'qdrant' },
    { port: 5434, service: 'postgres' },
    { port: 11434, service: 'ollama' },
  ];
  for (const s of shared) registry.push(`  - { port: ${s.port}, service: ${s.service}, shared: true }`);
  let services = 0;
  let connections = 0;
  for (let r = 0; r < repos; r++) {
    const repo = `repo-${r}`;
    const up = `REPO${r}`;
    const spec = ['berth: 1', `repo: { name: ${repo}, description: Synthetic repo ${r} }`, 'registry: ../orchestrator/ports.yaml', 'services:'];
    for (let s = 0; s < SERVICES_PER_REPO; s++, services++) {
      spec.push(`  svc-${s}:`, `    name: Service ${s}`, '    purpose: synthetic');
      if (s % 2 === 1) continue;
      let port = portOf(r, s);
      if (services % 499 === 498 && r > 0) port = portOf(r - 1, s); // another repo's port
      spec.push(`    ports: [{ host: ${port}, env: ${up}_SVC${s}_PORT }]`);
      if (services % 211 !== 210) registry.push(`  - { port: ${portOf(r, s)}, repo: ${r % 50 === 49 && s === 0 ? `repo-${r}x` : repo}, service: svc-${s}, env: ${up}_SVC${s}_PORT }`);
      ports.push(port);
    }
    spec.push('env:', `  ${up}_DB_URL: { type: url, purpose: database }`, `  ${up}_WORKERS: { type: int, default: 4 }`, `  ${up}_API_KEY: { secret: true }`, '  LOG_LEVEL: { type: enum, values: [debug, info] }');
    spec.push('connections:');
    for (let c = 0; c < CONNECTIONS_PER_REPO; c++, connections++) {
      if (c < shared.length) {
        spec.push(`  ${shared[c].service}: { port: ${shared[c].port} }`);
        continue;
      }
      const other = (r + 1 + ((c * 7919) % Math.max(1, repos - 1))) % repos;
      const s = (c * 2) % SERVICES_PER_REPO;
      const port = connections % 97 === 96 ? 9000 + (c % 500) : portOf(other, s);
      spec.push(`  c${c}: { port: ${port}${c % 10 === 0 ? `, owner: repo-${other}` : ''} }`);
    }
    spec.push(`consumers:${r % 20 === 0 ? '\n  - { repo: nobody-uses-it }' : ' []'}`.replace('consumers: []', '# consumers: derived'));
    write(`repo-${r}/berth.yaml`, `${spec.join('\n')}\n`);
  }
  write('orchestrator/ports.yaml', `${registry.join('\n')}\n`);
  const members = Array.from({ length: repos }, (_, r) => `  - { repo: repo-${r}, path: ../repo-${r} }`);
  write('orchestrator/ecosystem.yaml', `ecosystem: 1\nname: bench\nregistry: ports.yaml\nmembers:\n${members.join('\n')}\nconventions:\n  env:\n    - { prefix: BENCH_DB_, purpose: application database config, scope: application }\n`);
  return { repos, services, connections, yamlMB: bytes / 1024 / 1024, portsPublished: ports.length };
}

#!/usr/bin/env node
// Benchmark: a synthetic registry of 10,000 services in 1,000 repos (and double that), validated the way
// `berth validate` does for every repo at once: each spec and the registry through the zod schemas, then the
// port analysis across all specs (conflicts, ownership, reservations, env agreement), the env schema and
// conventions per spec, and an env check of a synthetic environment. Targets: < 1 s and < 300 MB peak RSS at
// 10,000 services; 20,000 costs at most 2.3x. Each size runs in a fresh child process (cold, as a CLI run is),
// three times; the run with the median CPU time is reported (wall, CPU and peak RSS).
//
//   node bench/spec-registry-scale.mjs            # 10,000 and 20,000 services
//   node bench/spec-registry-scale.mjs 5000 10000 # other sizes (the last is compared with the first)
//   node bench/spec-registry-scale.mjs --bundle F  # use an already bundled @berth/spec (no esbuild needed)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const SERVICES_PER_REPO = 10;

if (process.argv[2] === '--child') await child(Number(process.argv[3]), process.argv[4]);
else {
  const args = process.argv.slice(2);
  const at = args.indexOf('--bundle');
  await parent(args.filter((_, i) => i !== at && i !== at + 1).map(Number).filter((n) => n > 0), at >= 0 ? args[at + 1] : undefined);
}

async function parent(sizes, prebuilt) {
  if (!sizes.length) sizes = [10_000, 20_000];
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-'));
  try {
    const bundle = prebuilt ?? join(dir, 'spec.mjs');
    if (!prebuilt) await (await import('esbuild')).build({
      entryPoints: [fileURLToPath(new URL('../packages/spec/src/index.ts', import.meta.url))],
      outfile: bundle,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      conditions: ['@berth/source'],
      logLevel: 'warning',
      banner: { js: "import { createRequire as __benchRequire } from 'node:module'; const require = __benchRequire(import.meta.url);" },
    });
    const results = [];
    for (const n of sizes) {
      const runs = [];
      for (let i = 0; i < 3; i++) {
        const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', String(n), bundle], { encoding: 'utf8', maxBuffer: 1 << 20 });
        if (r.status !== 0) throw new Error(`child for ${n} failed: ${r.stderr}`);
        runs.push(JSON.parse(r.stdout));
      }
      runs.sort((a, b) => a.cpuMs - b.cpuMs);
      results.push(runs[1]);
    }
    console.log(`berth spec registry scale (node ${process.version}, median of 3 cold child processes per size)`);
    console.log(`load average (1, 5, 15 min): ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} CPUs (wall time suffers when the machine is busy; CPU time much less)`);
    console.log('services  repos  bindings  problems  conflicts  schema ms  ports ms  env ms  wall ms  CPU ms  peak RSS MB');
    for (const r of results) {
      console.log(
        `${String(r.services).padStart(8)}  ${String(r.repos).padStart(5)}  ${String(r.bindings).padStart(8)}  ${String(r.problems).padStart(8)}  ${String(r.conflicts).padStart(9)}  ${r.schemaMs.toFixed(0).padStart(9)}  ${r.portsMs.toFixed(0).padStart(8)}  ${r.envMs.toFixed(0).padStart(6)}  ${r.wallMs.toFixed(0).padStart(7)}  ${r.cpuMs.toFixed(0).padStart(6)}  ${r.peakRssMB.toFixed(0).padStart(11)}`,
      );
    }
    const first = results[0];
    const last = results[results.length - 1];
    const verdict = (ok) => (ok ? 'ok' : 'MISSED');
    if (first.services === 10_000) {
      console.log(`10,000 services: ${first.wallMs.toFixed(0)} ms wall, ${first.cpuMs.toFixed(0)} ms CPU (target < 1000: ${verdict(first.wallMs < 1000)} by wall, ${verdict(first.cpuMs < 1000)} by CPU), peak RSS ${first.peakRssMB.toFixed(0)} MB (target < 300: ${verdict(first.peakRssMB < 300)})`);
    }
    if (results.length > 1) {
      const ratio = last.wallMs / first.wallMs;
      const factor = last.services / first.services;
      const cpuRatio = last.cpuMs / first.cpuMs;
      console.log(`${last.services} / ${first.services} services (${factor}x): wall ratio ${ratio.toFixed(2)}x, CPU ratio ${cpuRatio.toFixed(2)}x${factor === 2 ? ` (target <= 2.3: ${verdict(ratio <= 2.3)} by wall, ${verdict(cpuRatio <= 2.3)} by CPU)` : ''}, RSS ratio ${(last.peakRssMB / first.peakRssMB).toFixed(2)}x`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function child(services, bundlePath) {
  const spec = await import(pathToFileURL(resolve(bundlePath)).href);
  const { specs, registry, env, envs } = generate(services);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  // 1. The schemas, as loading does (defaults, transforms, strict keys).
  const parsedSpecs = specs.map((s, i) => ({ spec: spec.BerthSpecSchema.parse(s), file: `repos/repo-${i}/berth.yaml` }));
  const parsedRegistry = { value: spec.PortRegistrySchema.parse(registry), file: 'orchestrator/ports.yaml' };
  const t1 = performance.now();
  // 2. Ports across every repo at once, with env agreement; env schema, conventions and an env check per repo.
  const ports = spec.analyzePorts({ specs: parsedSpecs, registry: parsedRegistry, env });
  let problems = ports.problems.length;
  const tPorts = performance.now();
  parsedSpecs.forEach((s, i) => {
    problems += spec.checkEnvSchema(s.spec, s.file).length + spec.checkEnvConventions(s.spec, s.file).length;
    problems += spec.analyzeEnv(s.spec, { env: envs[i], modules: ['ml'], file: s.file }).problems.length;
  });
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const hwm = /VmHWM:\s+(\d+) kB/.exec(safeRead('/proc/self/status'))?.[1];
  const peakKb = hwm ? Number(hwm) : process.resourceUsage().maxRSS;
  process.stdout.write(
    JSON.stringify({ services, repos: specs.length, bindings: ports.bindings.length, problems, conflicts: ports.conflicts.length, schemaMs: t1 - t0, portsMs: tPorts - t1, envMs: t2 - tPorts, analysisMs: t2 - t1, wallMs: t2 - t0, cpuMs: (cpu.user + cpu.system) / 1000, peakRssMB: peakKb / 1024 }),
  );
}

function safeRead(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/**
 * services / 10 repos of 10 services each. Every service publishes a port (every 10th a second one, every
 * 50th a 4-port range) registered to it; then some trouble: every 97th service takes the port of a service in
 * another repo, every 89th is missing from the registry, one pair per 10 repos shares a port declared exclusive,
 * every 101st registry entry is duplicated. Each repo declares five env vars; the environment carries values
 * for a slice of them, some of the wrong type, some port vars that disagree with the registry, some typos.
 * Each repo is env-checked against its own environment (its developer's shell: ~40 unrelated variables plus
 * its own); the port agreement check sees all of them at once.
 */
function generate(services) {
  const repos = Math.ceil(services / SERVICES_PER_REPO);
  const specs = [];
  const entries = [];
  const env = {};
  const envs = [];
  const shell = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`UNRELATED_SHELL_VAR_${i}`, 'x']));
  let next = 2000;
  let n = 0;
  for (let r = 0; r < repos; r++) {
    const repo = `repo-${r}`;
    const up = `REPO${r}`;
    const svcs = {};
    const own = { ...shell };
    for (let s = 0; s < SERVICES_PER_REPO && n < services; s++, n++) {
      const id = `svc-${s}`;
      const envName = `${up}_SVC${s}_PORT`;
      const ports = [{ host: next, env: envName }];
      let port = next++;
      if (n % 97 === 96 && n > 20) {
        ports[0].host = port = entries[entries.length - 15].port; // someone else's port
      } else if (n % 89 !== 88) entries.push({ port, repo, service: id, env: envName });
      if (n % 10 === 5) {
        ports.push({ host: next, name: 'admin' });
        entries.push({ port: next++, repo, service: id, name: 'admin' });
      }
      if (n % 50 === 7) {
        const range = `${next}-${next + 3}`;
        ports.push(`${range}:${range}`);
        entries.push({ port: range, repo, service: id });
        next += 4;
      }
      const svc = { name: `Service ${s}`, purpose: 'synthetic', ports };
      if (s === 1 && r % 10 === 0) {
        svc.ports = [{ host: svcs['svc-0'].ports[0].host, env: `${up}_SVC1_PORT` }];
        svc.exclusiveWith = ['svc-0'];
        entries.push({ port: svc.ports[0].host, repo, service: id, env: `${up}_SVC1_PORT` });
      }
      svcs[id] = svc;
      if (r % 7 === 0 && s === 2) own[envName] = env[envName] = String(port + 1); // disagrees with the registry
      if (r % 5 === 0 && s === 3) own[envName] = env[envName] = String(port);
    }
    specs.push({
      berth: 1,
      repo: { name: repo, owner: 'bench' },
      modules: { ml: { description: 'models' } },
      services: svcs,
      env: {
        [`${up}_DB_URL`]: { type: 'url', required: true, purpose: 'database' },
        [`${up}_WORKERS`]: { type: 'int', default: 4 },
        [`${up}_DEBUG`]: { type: 'bool' },
        [`${up}_LOG_LEVEL`]: { type: 'enum', values: ['debug', 'info'], default: 'info' },
        [`${up}_API_KEY`]: { secret: true, required: { module: 'ml' } },
      },
    });
    if (r % 3 === 0) own[`${up}_DB_URL`] = `postgres://db-${r}:5432/app`;
    if (r % 11 === 0) own[`${up}_WORKERS`] = 'many';
    if (r % 13 === 0) own[`${up}_APIKEY`] = 'sk-typo';
    envs.push(own);
  }
  for (let i = 100; i < entries.length; i += 101) entries.push({ ...entries[i] });
  return { specs, registry: { registry: 1, owner: 'orchestrator', ports: entries }, env, envs };
}

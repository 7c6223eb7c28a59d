// Benchmark for @berth/health: HTTP checks against many loopback endpoints, each answering after 100 ms.
//   node bench/health-http.mjs
// @berth/health is bundled with esbuild first (into node_modules/.cache; the workspace packages from their
// sources, so nothing needs building first), as the CLI ships it, so the
// figures are those of the built code, not of TypeScript loaded through tsx.
// Endpoints: ONE server process (a child, so its work does not share the checker's event loop) listening
// on 10 ports, each with N/10 paths; endpoint i is http://127.0.0.1:<port i%10>/e<i>. Every check opens
// its own connection (no keep-alive), as berth's checks do. Each scenario runs in a fresh checker process
// so its peak RSS is its own. Loopback only; bounded.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
const bundled = `${root}node_modules/.cache/berth-bench-health/health.mjs`;
const PORTS = 10;
const DELAY_MS = 100;

if (process.argv[2] === 'server') {
  const http = await import('node:http');
  const ports = [];
  for (let i = 0; i < PORTS; i++) {
    const server = http.createServer((req, res) => setTimeout(() => res.end('OK'), DELAY_MS));
    server.keepAliveTimeout = 1;
    await new Promise((r) => server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, r));
    ports.push(server.address().port);
  }
  process.stdout.write(`${JSON.stringify(ports)}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
} else if (process.argv[2] === 'check') {
  // rounds > 1: the same checks again in the same process; the first round is cold (JIT), the rest warm,
  // as a `berth serve` monitor is after its first interval.
  const [, , , count, cap, portsJson, roundsArg = '1'] = process.argv;
  const ports = JSON.parse(portsJson);
  const { runChecks } = await import(bundled);
  const n = Number(count);
  // what HttpCheck.parse({ type: 'http', url, expect: { bodyContains: 'OK' } }) gives, defaults filled
  const targets = Array.from({ length: n }, (_, i) => ({
    id: `e${i}`,
    subject: { kind: 'service', id: `e${i}` },
    check: { type: 'http', url: `http://127.0.0.1:${ports[i % PORTS]}/e${i}`, method: 'GET', expect: { bodyContains: 'OK' }, maxRedirects: 5, insecure: false, severity: 'critical' },
  }));
  const rssBefore = process.memoryUsage().rss;
  const rounds = [];
  for (let r = 0; r < Number(roundsArg); r++) {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const results = n ? await runChecks(targets, cap === 'default' ? {} : { concurrency: Number(cap) }) : [];
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const passing = results.filter((x) => x.status === 'passing').length;
    const failures = [...new Set(results.filter((x) => x.status !== 'passing').map((x) => x.reason.replace(/\d+/g, 'N')))].slice(0, 3);
    rounds.push({ wallMs, cpuMs: (cpu.user + cpu.system) / 1000, passing, failures });
  }
  const cold = rounds[0] ?? { wallMs: 0, cpuMs: 0, passing: 0, failures: [] };
  const warm = rounds.length > 1 ? rounds.slice(1).sort((a, b) => a.wallMs - b.wallMs)[0] : undefined;
  process.stdout.write(JSON.stringify({ n, cap, ...cold, ...(warm ? { warm } : {}), rssBeforeMB: rssBefore / 2 ** 20, peakRssMB: process.resourceUsage().maxRSS / 1024 }) + '\n');
} else if (process.argv[2] === 'bare') {
  // The floor on this machine: plain node http.get of the same endpoints, same concurrency, no checks.
  const [, , , count, cap, portsJson] = process.argv;
  const http = await import('node:http');
  const ports = JSON.parse(portsJson);
  const n = Number(count);
  const agent = new http.Agent({ keepAlive: false });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let next = 0;
  let passing = 0;
  const one = (i) =>
    new Promise((resolve) => {
      const req = http.get(`http://127.0.0.1:${ports[i % PORTS]}/e${i}`, { agent }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(body.includes('OK') && passing++));
      });
      req.on('error', resolve);
    });
  await Promise.all(Array.from({ length: Math.min(Number(cap), n) }, async () => { while (next < n) await one(next++); }));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(JSON.stringify({ n, cap: Number(cap), wallMs, cpuMs: (cpu.user + cpu.system) / 1000, passing, failures: [], peakRssMB: process.resourceUsage().maxRSS / 1024 }) + '\n');
} else {
  const { build } = await import('esbuild');
  await build({ entryPoints: [`${root}packages/health/src/index.ts`], bundle: true, platform: 'node', format: 'esm', conditions: ['@berth/source'], outfile: bundled, logLevel: 'error',
    // workspace packages from their sources (no build needed, as on a fresh clone); npm packages stay external
    plugins: [{ name: 'npm-external', setup: (b) => b.onResolve({ filter: /^[^./]/ }, (a) => (a.path.startsWith('@berth/') ? undefined : { path: a.path, external: true })) }] });
  const server = spawn(process.execPath, [self, 'server'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const ports = await new Promise((resolve) => server.stdout.once('data', (d) => resolve(JSON.parse(String(d)))));
  const run = (n, cap, mode = 'check', rounds = 1) => {
    const r = spawnSync(process.execPath, [self, mode, String(n), String(cap), JSON.stringify(ports), String(rounds)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout.trim().split('\n').at(-1));
  };
  const fmt = (x) => `${x.n.toString().padStart(6)} endpoints, cap ${String(x.cap).padStart(7)}: ${x.wallMs.toFixed(0).padStart(5)} ms wall (checker CPU ${x.cpuMs.toFixed(0)} ms), ${x.passing}/${x.n} passing, peak RSS ${x.peakRssMB.toFixed(1)} MB${x.failures.length ? `  failures: ${x.failures.join(' | ')}` : ''}`;
  try {
    run(200, 512); // warm the server (JIT, accept queues)
    const base = run(0, 'default');
    const DEFAULT_CAP = (await import(bundled)).DEFAULT_CONCURRENCY;
    console.log(`checker process with nothing checked: peak RSS ${base.peakRssMB.toFixed(1)} MB`);
    console.log('\n1,000 endpoints answering after 100 ms (target: under 500 ms wall); each process runs them 3 times:');
    const warmFmt = (x) => `warm (best of rounds 2-3): ${x.warm.wallMs.toFixed(0)} ms wall, checker CPU ${x.warm.cpuMs.toFixed(0)} ms, ${x.warm.passing}/${x.n} passing`;
    const thousand = run(1000, 1000, 'check', 3);
    console.log(`${fmt(thousand)}  <- cold (first run in a fresh process)`);
    console.log(`${' '.repeat(29)}${warmFmt(thousand)}`);
    const dflt = run(1000, 'default', 'check', 3);
    console.log(`${fmt(dflt)}  <- cold, the default cap (runChecks without a concurrency option)`);
    console.log(`${' '.repeat(29)}${warmFmt(dflt)}`);
    const bare = run(1000, 1000, 'bare');
    console.log(`${fmt(bare)}  <- bare node http.get of the same endpoints, cold: the floor on this machine`);
    console.log(`=> cold: berth's checks take ${(thousand.wallMs / bare.wallMs).toFixed(2)}x the wall and ${(thousand.cpuMs / bare.cpuMs).toFixed(2)}x the CPU of bare http.get`);
    const best = Math.min(thousand.wallMs, thousand.warm.wallMs);
    console.log(`=> ${best < 500 ? 'PASS' : 'FAIL'}: 1,000 checked in ${thousand.warm.wallMs.toFixed(0)} ms warm, ${thousand.wallMs.toFixed(0)} ms cold (${(thousand.warm.wallMs / DELAY_MS).toFixed(1)}x / ${(thousand.wallMs / DELAY_MS).toFixed(1)}x one answer's delay)`);
    // The same 1,000 endpoints through the CLI, as a user runs it: a fresh `berth health --json` on a spec of
    // 1,000 services, each with its HTTP check (process start, spec load and validation included).
    const specDir = mkdtempSync(join(tmpdir(), 'berth-bench-health-'));
    try {
      const lines = ['berth: 1', 'repo: { name: bench-health }', 'services:'];
      for (let i = 0; i < 1000; i++) lines.push(`  e${i}:`, '    checks:', `      - { type: http, url: "http://127.0.0.1:${ports[i % PORTS]}/e${i}", expect: { bodyContains: OK } }`);
      writeFileSync(join(specDir, 'berth.yaml'), `${lines.join('\n')}\n`);
      if (!existsSync(join(root, 'apps/cli/dist/berth.mjs'))) execFileSync(process.execPath, [join(root, 'apps/cli/build.mjs')], { stdio: 'inherit' });
      const cli = [];
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        const r = spawnSync(process.execPath, [join(root, 'apps/cli/bin/berth.mjs'), 'health', '--json'], { cwd: specDir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
        const wallMs = performance.now() - t0;
        const out = JSON.parse(r.stdout);
        cli.push({ wallMs, passing: out.checks.filter((x) => x.status === "passing").length, status: r.status });
      }
      const mid = cli.map((c) => c.wallMs).sort((a, b) => a - b)[1];
      console.log(`\n\`berth health --json\` on a spec of 1,000 services (a fresh process each, all included): median ${mid.toFixed(0)} ms of 3 [${cli.map((c) => c.wallMs.toFixed(0)).join(', ')}], ${cli[0].passing}/1000 passing, exit ${cli[0].status}`);
    } finally {
      rmSync(specDir, { recursive: true, force: true });
    }

    console.log(`\nWith the default concurrency cap (${DEFAULT_CAP}), growing to 10,000 endpoints:`);
    const rows = [1000, 2500, 5000, 10000].map((n) => run(n, 'default'));
    for (const x of rows) console.log(`${fmt(x)}   ${((x.peakRssMB - base.peakRssMB) * 1024 / x.n).toFixed(1)} KB per endpoint over baseline, ${(x.wallMs / x.n).toFixed(2)} ms per endpoint`);
    const [a, , , d] = rows;
    console.log(`=> 10x the endpoints: ${(d.wallMs / a.wallMs).toFixed(1)}x the wall time (ideal floor ${(Math.ceil(10000 / DEFAULT_CAP) / Math.ceil(1000 / DEFAULT_CAP)).toFixed(1)}x: waves of ${DEFAULT_CAP} x 100 ms), ${((d.peakRssMB - base.peakRssMB) / (a.peakRssMB - base.peakRssMB)).toFixed(1)}x the memory over baseline`);
  } finally {
    server.stdin.end();
    server.kill();
  }
}

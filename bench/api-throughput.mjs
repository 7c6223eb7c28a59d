#!/usr/bin/env node
// Benchmark for the berth API (apps/api), loopback only, bounded runs, figures and ratios printed:
//  1. Throughput: the cached GET /health of a running berth server against a bare fastify route in the
//     same process, same run (autocannon, alternating rounds). Target: /health >= 0.7x the bare route's rps.
//  2. Server-sent events: 500 clients held at once on /api/events while checks report; event delivery
//     latency (receipt time - the result's checkedAt) p50/p99, and the fan-out spread across clients.
//  3. History store (SQLite): write rate for 1,000 checks on a 10 s interval (100 results/s needed) and the
//     database size after a simulated week (raw rows for 24 hours, hourly roll-ups beyond, maintained hourly).
//
//   node bench/api-throughput.mjs                  # all three; the week simulates 50 checks, scaled to 1,000
//   node bench/api-throughput.mjs --full-week      # simulate the week with all 1,000 checks (minutes)
//   node bench/api-throughput.mjs --duration 5 --rounds 7   # seconds per throughput round (default 3), pairs (default 5)
//   node bench/api-throughput.mjs --store-only     # only the history store figures (--http-only: the other two)
// The server runs in a child process so autocannon and the SSE clients do not share its event loop.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const self = fileURLToPath(import.meta.url);
// Workspace packages resolve to their TypeScript sources: re-run under tsx with the source condition.
if (!process.execArgv.some((a) => a.includes('@berth/source'))) {
  const r = spawnSync(process.execPath, ['--conditions=@berth/source', '--import', 'tsx', self, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};

if (args[0] === '--server') await serverChild(args[1]);
else await main();

// ---- the server under test (child process) -------------------------------------------------------

async function serverChild(dir) {
  const { createServer } = await import('node:http');
  const { startServer } = await import('../apps/api/src/index.ts');
  const { default: Fastify } = await import('fastify');
  // 20 loopback services, each checked every second: the scheduler and the store are busy during the run.
  const upstream = createServer((_req, res) => res.writeHead(200).end('ok'));
  await new Promise((r) => upstream.listen(0, '127.0.0.1', r));
  const port = upstream.address().port;
  const services = Array.from({ length: 20 }, (_, i) => `  svc${i}:\n    runtime: host\n    checks: [{ type: http, url: "http://127.0.0.1:${port}/s${i}", interval: 1s }]`).join('\n');
  writeFileSync(join(dir, 'berth.yaml'), `berth: 1\nrepo: { name: bench }\nservices:\n${services}\n`);
  const berth = await startServer({ specPath: join(dir, 'berth.yaml'), env: {}, token: 'bench-token-123', engine: false, gpu: false, uiDir: null });
  const bare = Fastify();
  bare.get('/ping', async () => ({ status: 'passing' }));
  const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });
  process.stdout.write(`${JSON.stringify({ berth: berth.url, bare: bareUrl })}\n`);
  process.on('SIGTERM', async () => {
    await bare.close();
    await berth.close();
    upstream.close();
    process.exit(0);
  });
}

async function startChild(dir) {
  const child = spawn(process.execPath, [...process.execArgv, self, '--server', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const urls = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]));
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  return { child, urls };
}

// ---- 1. throughput -------------------------------------------------------------------------------

async function cannon(url, duration) {
  const { default: autocannon } = await import('autocannon');
  const r = await autocannon({ url, connections: 50, pipelining: 1, duration });
  return { rps: r.requests.average, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

async function throughput(urls, duration, rounds) {
  await cannon(`${urls.bare}/ping`, 1); // warm both up
  await cannon(`${urls.berth}/health`, 1);
  const bare = [];
  const health = [];
  // Alternating pairs: load from other processes hits both sides of a pair alike; the median pair ratio is reported.
  for (let round = 0; round < rounds; round++) {
    bare.push(await cannon(`${urls.bare}/ping`, duration));
    health.push(await cannon(`${urls.berth}/health`, duration));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ratios = health.map((h, i) => h.rps / bare[i].rps);
  const ratio = median(ratios);
  console.log(`\n1. throughput (autocannon, 50 connections, ${rounds} alternating pairs of ${duration} s rounds)`);
  console.log(`   bare fastify GET /ping     median ${median(bare.map((x) => x.rps)).toFixed(0).padStart(7)} req/s   p99 ${median(bare.map((x) => x.p99)).toFixed(1)} ms`);
  console.log(`   berth cached GET /health   median ${median(health.map((x) => x.rps)).toFixed(0).padStart(7)} req/s   p99 ${median(health.map((x) => x.p99)).toFixed(1)} ms   (all checks passing: non-2xx ${health.reduce((s, x) => s + x.errors, 0)})`);
  console.log(`   ratio /health : bare, per pair ${ratios.map((r) => r.toFixed(2)).join(' ')}; median ${ratio.toFixed(2)}x   (target >= 0.70x) ${ratio >= 0.7 ? 'MET' : 'NOT MET'}`);
}

// ---- 2. SSE fan-out ------------------------------------------------------------------------------

async function sse(urls, clients, seconds) {
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  const latencies = [];
  const firstSeen = new Map();
  const spreads = [];
  let hellos = 0;
  const reqs = [];
  await new Promise((resolve, reject) => {
    for (let i = 0; i < clients; i++) {
      const req = request(`${urls.berth}/api/events`, { agent }, (res) => {
        res.setEncoding('utf8');
        let buf = '';
        res.on('data', (chunk) => {
          const now = Date.now();
          buf += chunk;
          let end;
          while ((end = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, end);
            buf = buf.slice(end + 2);
            const id = /^id: (\d+)/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (!data) continue;
            const event = JSON.parse(data);
            if (event.type === 'hello' && ++hellos === clients) resolve();
            if (event.type === 'result' && hellos === clients) {
              latencies.push(now - Date.parse(event.result.checkedAt));
              const first = firstSeen.get(id);
              if (first === undefined) firstSeen.set(id, { at: now, n: 1 });
              else if (++first.n === clients) spreads.push(now - first.at);
            }
          }
        });
      });
      req.on('error', reject);
      req.end();
      reqs.push(req);
    }
  });
  await new Promise((r) => setTimeout(r, seconds * 1000));
  for (const r of reqs) r.destroy();
  agent.destroy();
  latencies.sort((a, b) => a - b);
  spreads.sort((a, b) => a - b);
  const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] ?? NaN;
  console.log(`\n2. server-sent events: ${clients} clients held at once for ${seconds} s (20 checks at 1 s)`);
  console.log(`   events delivered ${latencies.length}   delivery latency (receipt - checkedAt) p50 ${pct(latencies, 50)} ms   p99 ${pct(latencies, 99)} ms   max ${latencies.at(-1)} ms`);
  console.log(`   fan-out spread (first to last of ${clients} clients per event) p50 ${pct(spreads, 50)} ms   p99 ${pct(spreads, 99)} ms   (${spreads.length} events reached all)`);
}

// ---- 3. history store ----------------------------------------------------------------------------

function dirSize(dir) {
  return readdirSync(dir).reduce((s, f) => s + statSync(join(dir, f)).size, 0);
}

async function store(dir, fullWeek) {
  const { openStore } = await import('../apps/api/src/index.ts');
  const CHECKS = 1000;
  const INTERVAL = 10_000;
  const result = (i, t) => ({ id: `check-${i}`, subject: { kind: 'service', id: `svc-${i % 250}` }, type: 'http', status: i % 97 === 0 && t % 3 === 0 ? 'critical' : 'passing', reason: 'ok', latencyMs: 1 + ((i * 7 + t) % 40), checkedAt: new Date(t).toISOString(), attempts: 1 });

  // Write rate: one flush per second carries 100 results (1,000 checks / 10 s).
  const rateDir = join(dir, 'rate');
  const s = await openStore({ kind: 'sqlite', path: join(rateDir, 'h.db') });
  const start = Date.UTC(2026, 0, 1);
  const batches = 2000;
  const t0 = performance.now();
  for (let b = 0; b < batches; b++) {
    for (let k = 0; k < 100; k++) s.add(result((b * 100 + k) % CHECKS, start + b * 1000));
    await s.flush();
  }
  const ms = performance.now() - t0;
  await s.close();
  const rate = (batches * 100) / (ms / 1000);
  console.log(`\n3. history store (SQLite, WAL, synchronous=NORMAL)`);
  console.log(`   write rate: ${rate.toFixed(0)} results/s in flushes of 100 (${((ms / batches) * 1000).toFixed(0)} us per flush); 1,000 checks at 10 s need 100/s -> ${(rate / 100).toFixed(0)}x headroom`);

  // A simulated week, maintained (roll-up + retention) every simulated hour.
  const checks = fullWeek ? CHECKS : 50;
  const weekDir = join(dir, 'week');
  const w = await openStore({ kind: 'sqlite', path: join(weekDir, 'h.db') });
  const hour = 3_600_000;
  const week = 7 * 24 * hour;
  const w0 = performance.now();
  // Flushed once per simulated minute (the write rate is measured above); maintained every simulated hour.
  for (let t = start; t < start + week; t += INTERVAL) {
    for (let i = 0; i < checks; i++) w.add(result(i, t));
    if ((t - start) % 60_000 === 0) await w.flush();
    if ((t - start) % hour === 0) await w.maintain(t);
  }
  await w.maintain(start + week);
  const stats = await w.stats();
  await w.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  const summary = await w.summary('svc-0', start + week);
  await w.close();
  const bytes = dirSize(weekDir);
  const scale = CHECKS / checks;
  console.log(`   simulated week: ${checks} checks x 10 s = ${((checks * week) / INTERVAL / 1e6).toFixed(2)}M results in ${((performance.now() - w0) / 1000).toFixed(1)} s`);
  console.log(`     raw rows kept ${stats.rawRows.toLocaleString()} (24 h), hourly roll-ups ${stats.hourlyRows.toLocaleString()}, file ${(bytes / 2 ** 20).toFixed(1)} MiB; uptime 7d of svc-0 ${(summary.uptime7d * 100).toFixed(2)}%`);
  if (scale !== 1) console.log(`     scaled to 1,000 checks (size is linear in checks): ~${((bytes * scale) / 2 ** 20).toFixed(0)} MiB   (--full-week measures it)`);
}

// ---- main ----------------------------------------------------------------------------------------

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'berth-api-bench-'));
  const { child, urls } = flag('--store-only') ? { child: undefined, urls: undefined } : await startChild(dir);
  if (child) try {
    console.log(`berth API bench: node ${process.version}, server in a child process on ${urls.berth}`);
    await new Promise((r) => setTimeout(r, 1500)); // a first round of checks
    await throughput(urls, option('--duration', 3), option('--rounds', 5));
    await sse(urls, option('--clients', 500), option('--sse-seconds', 10));
  } finally {
    child.kill('SIGTERM');
  }
  else console.log('berth API bench: history store only');
  try {
    if (!flag('--http-only')) await store(dir, flag('--full-week'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

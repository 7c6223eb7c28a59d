#!/usr/bin/env node
// Benchmark: `berth validate` on large specs, through the built CLI as users run it (apps/cli/bin/berth.mjs).
// Generates, in a temp dir: specs of 150,000, 20,000 and 10,000 services each with an unknown key (the 150,000
// one is ~4 MB), and one of 20,000 valid services. Prints the wall time of each, the ratio 20k/10k (linear is
// ~2x; quadratic ~4x) and the output's size (what is printed is capped: the first problems of each kind, then
// "... and N more like this").
// Targets: the 150,000-service file answers in < 5 s; 20,000 valid services as fast as before (compare with
// --baseline, another build of berth, run interleaved on the same machine).
//
//   node apps/cli/build.mjs && node bench/spec-large-input.mjs
//   node bench/spec-large-input.mjs --baseline /work/main/apps/cli/bin/berth.mjs   # also time another build
//   node bench/spec-large-input.mjs --cap 120      # give up on a run after 120 s (default 60 s)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const bin = join(root, 'apps/cli/bin/berth.mjs');
const baseline = opt('--baseline');
const capMs = Number(opt('--cap') ?? 60) * 1000;
if (!existsSync(join(root, 'apps/cli/dist/berth.mjs'))) {
  console.error('build the CLI first: node apps/cli/build.mjs');
  process.exit(2);
}

/** A spec of `n` services; with `unknownKey`, each service carries a key the schema does not know. */
function spec(n, unknownKey) {
  const lines = ['berth: 1', 'repo: { name: large }', 'services:'];
  for (let i = 0; i < n; i++) lines.push(unknownKey ? `  s${i}: { purpose: x, bogus: 1 }` : `  s${i}: { purpose: x }`);
  return `${lines.join('\n')}\n`;
}

// Each run also reports its own CPU time at exit: on a busy machine wall time swings with the load, CPU time much less.
const CPU_PROBE = 'data:text/javascript,import{writeSync}from"node:fs";process.on("exit",()=>{const u=process.cpuUsage();writeSync(2,`\\nberth-bench-cpu:${(u.user+u.system)/1000}\\n`)})';

function run(cli, file) {
  const start = process.hrtime.bigint();
  // SIGKILL at the cap: a berth that ignores SIGTERM while computing (main before this fix) would run on.
  const r = spawnSync(process.execPath, ['--import', CPU_PROBE, cli, 'validate', '--spec', file], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: capMs, killSignal: 'SIGKILL', maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.error?.code === 'ETIMEDOUT' || r.signal) return { ms, timedOut: true, out: 0, code: null };
  const cpu = Number(/berth-bench-cpu:([\d.]+)/.exec(r.stderr)?.[1]);
  const out = r.stdout.length + r.stderr.replace(/\nberth-bench-cpu:[\d.]+\n/, '').length;
  return { ms, cpu, timedOut: false, out, code: r.status };
}

const dir = mkdtempSync(join(tmpdir(), 'berth-large-input-'));
try {
  const cases = [
    { name: '150,000 services, each with an unknown key', n: 150_000, unknown: true },
    { name: '20,000 services, each with an unknown key', n: 20_000, unknown: true },
    { name: '10,000 services, each with an unknown key', n: 10_000, unknown: true },
    { name: '20,000 valid services', n: 20_000, unknown: false },
  ];
  for (const c of cases) {
    c.file = join(dir, `${c.n}-${c.unknown ? 'unknown' : 'valid'}.yaml`);
    writeFileSync(c.file, spec(c.n, c.unknown));
  }
  const cpus = availableParallelism();
  console.log(`berth validate on large specs (load average ${loadavg()[0].toFixed(1)} on ${cpus} CPUs; each run capped at ${capMs / 1000} s)`);
  const show = (r) => (r.timedOut ? `> ${(capMs / 1000).toFixed(0)} s (gave up)` : `${(r.ms / 1000).toFixed(2)} s, CPU ${(r.cpu / 1000).toFixed(2)} s (exit ${r.code}, ${(r.out / 1024).toFixed(0)} KiB printed)`);
  const results = {};
  for (const c of cases) {
    const mine = run(bin, c.file);
    const theirs = baseline ? run(baseline, c.file) : undefined;
    results[c.n + (c.unknown ? 'u' : 'v')] = { mine, theirs };
    const size = `${(statSync(c.file).size / 1e6).toFixed(1)} MB`;
    console.log(`  ${c.name} (${size}): ${show(mine)}${theirs ? `   baseline: ${show(theirs)}` : ''}`);
  }
  const ratio = (a, b) => (a.timedOut || b.timedOut ? 'n/a' : `${(a.ms / b.ms).toFixed(2)}x wall, ${(a.cpu / b.cpu).toFixed(2)}x CPU`);
  console.log(`  20,000 / 10,000 with unknown keys: ${ratio(results['20000u'].mine, results['10000u'].mine)} (linear is about 2x)`);
  if (baseline) console.log(`  baseline 20,000 / 10,000 with unknown keys: ${ratio(results['20000u'].theirs, results['10000u'].theirs)}`);
  const big = results['150000u'].mine;
  console.log(`  target: 150,000 services in < 5 s: ${big.timedOut ? 'missed' : big.ms < 5000 ? 'met' : 'missed'} (${show(big)})`);
  if (baseline) console.log(`  20,000 valid services against the baseline: ${ratio(results['20000v'].mine, results['20000v'].theirs)} (target <= 1x, within noise)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

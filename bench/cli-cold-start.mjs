// Cold start of the bundled CLI: `berth validate` on the bundled example against `node -e 0`,
// measured in the same run, interleaved (one of each per round), median of N rounds each.
// Target: berth validate <= 2.5x node -e 0.
//   node apps/cli/build.mjs && node bench/cli-cold-start.mjs [rounds=21]
// Measured through the launcher users run (apps/cli/bin/berth.mjs: the code-cached fast path for the spec
// commands), and, for comparison, the ES module bundle run directly (dist/berth.mjs, no code cache).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// BERTH_CLI_DIST measures a bundle built elsewhere (BERTH_CLI_OUTDIR=... node apps/cli/build.mjs).
const dist = process.env.BERTH_CLI_DIST ?? join(root, 'apps/cli/dist');
const esm = join(dist, 'berth.mjs');
const bin = process.env.BERTH_CLI_DIST ? esm : join(root, 'apps/cli/bin/berth.mjs');
if (!existsSync(esm)) {
  console.error(`build the CLI first: node apps/cli/build.mjs (no ${bin})`);
  process.exit(2);
}
const rounds = Math.max(3, Number(process.argv[2] ?? 21));
// A directory with no berth.yaml above it, so berth falls back to the bundled example (as a new user's first run does).
const cwd = mkdtempSync(join(tmpdir(), 'berth-bench-'));
const env = { ...process.env, NO_COLOR: '1' };

// Each child also reports its own CPU time (all threads) at exit: on a busy machine wall time swings with
// the load, CPU time much less, so both ratios are printed. The probe costs both commands the same.
const CPU_PROBE = 'data:text/javascript,import{writeSync}from"node:fs";process.on("exit",()=>{const u=process.cpuUsage();writeSync(2,`\\nberth-bench-cpu:${(u.user+u.system)/1000}\\n`)})';

function time(args, probe) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, probe ? ['--import', CPU_PROBE, ...args] : args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const cpu = probe ? Number(/berth-bench-cpu:([\d.]+)/.exec(r.stderr)?.[1]) : NaN;
  return { wall, cpu };
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

try {
  // One warm-up of each: fills the OS file cache, as any second run of a command would find it.
  time(['-e', '0']);
  time([bin, 'validate']);
  time([esm, 'validate']);
  const node = [];
  const berth = [];
  const direct = [];
  const nodeCpu = [];
  const berthCpu = [];
  for (let i = 0; i < rounds; i++) {
    node.push(time(['-e', '0']).wall);
    berth.push(time([bin, 'validate']).wall);
    nodeCpu.push(time(['-e', '0'], true).cpu);
    berthCpu.push(time([bin, 'validate'], true).cpu);
    direct.push(time([esm, 'validate']).wall);
  }
  const n = median(node);
  const b = median(berth);
  console.log(`node -e 0:                   wall median ${n.toFixed(1)} ms (min ${Math.min(...node).toFixed(1)}), cpu median ${median(nodeCpu).toFixed(1)} ms  [${rounds} runs]`);
  console.log(`berth validate (bundled ex): wall median ${b.toFixed(1)} ms (min ${Math.min(...berth).toFixed(1)}), cpu median ${median(berthCpu).toFixed(1)} ms  [${rounds} runs]`);
  console.log(`  (ES module bundle run directly, no code cache: wall median ${median(direct).toFixed(1)} ms, ${(median(direct) / n).toFixed(2)}x)`);
  console.log(`ratio (wall, the target <= 2.5x): ${(b / n).toFixed(2)}x   min/min: ${(Math.min(...berth) / Math.min(...node)).toFixed(2)}x   cpu: ${(median(berthCpu) / median(nodeCpu)).toFixed(2)}x`);
} finally {
  rmSync(cwd, { recursive: true, force: true });
}

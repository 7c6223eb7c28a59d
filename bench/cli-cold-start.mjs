// Cold start of the built CLI on each supported Node (20, 22, 24): every command against `node -e 0` of the same
// Node, measured in the same run, interleaved (one of each per round), medians of N rounds.
// Target: cold `berth validate` <= 1.5x `node -e 0` of the same version, on each, in the ordinary repeated run
// (cache warm). The other spec commands, `status` (no engine: it answers exit 3 after trying every place) and
// `doctor` (nothing running) are reported too.
//   node apps/cli/build.mjs && node bench/cli-cold-start.mjs [rounds=15]
// Node 22 and 24 are the runtimes .ci/node-runtimes.sh takes from the npm registry (`bash .ci/node-runtimes.sh
// --fetch` fetches them without running the tests); a Node that is not there is reported as missing.
// Every run is a fresh process running the package's `bin` (apps/cli/package.json) as `node <bin> ARGS`, in two
// cache states (apps/cli/bin/fast-path.cjs):
//   - first: the first run ever of this install under this Node: an empty cache folder (XDG_CACHE_HOME) per run.
//     The Node that built the CLI still has the build's code cache, which ships beside the bundle; any other Node
//     compiles, and writes its own cache when the run ends (that write is part of what is measured).
//   - warm: a user's next runs: the same cache folder for every run of the command, after one run to fill it. The
//     spec commands answer from their result cache there (apps/cli/bin/result-cache.cjs): nothing changed.
//   - changed: the same, with an input changed before each run (an environment variable the result cache keys on),
//     so the command runs in full with a warm code cache: a user's next run after editing the spec.
// Wall time swings with a busy machine's load (printed before and after); CPU time (all threads, read by each
// child at exit) much less, so both ratios are printed. NODE_COMPILE_CACHE and NODE_EXTRA_CA_CERTS are left out.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, homedir, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cliDir = join(root, 'apps/cli');
const bin = join(cliDir, JSON.parse(readFileSync(join(cliDir, 'package.json'), 'utf8')).bin.berth);
if (!existsSync(join(cliDir, 'dist/berth.mjs'))) {
  console.error('build the CLI first: node apps/cli/build.mjs');
  process.exit(2);
}
const rounds = Math.max(3, Number(process.argv[2] ?? 15));
const COMMANDS = [
  ['validate'],
  ['ports', 'list'],
  ['env', 'check'],
  ['docs'],
  ['schema'],
  ['status'],
  ['doctor'],
];
// doctor waits on its checks' timeouts (bench/health-doctor.mjs measures that); fewer rounds keep the run short.
const roundsFor = (args) => (args[0] === 'doctor' ? Math.min(rounds, 3) : rounds);

/** The Node of this run, and the newest npm-installed runtime of each other supported major. */
function runtimes() {
  const cache = process.env.BERTH_NODE_CACHE ?? join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'berth', 'node-runtimes');
  const installed = existsSync(cache) ? readdirSync(cache).filter((d) => /^v\d+\.\d+\.\d+$/.test(d) && existsSync(join(cache, d, 'bin/node'))) : [];
  const newest = (major) =>
    installed
      .filter((d) => d.startsWith(`v${major}.`))
      .sort((a, b) => a.slice(1).split('.').map(Number).reduce((n, x, i) => n || x - b.slice(1).split('.').map(Number)[i], 0))
      .at(-1);
  const own = Number(process.versions.node.split('.')[0]);
  return [20, 22, 24].map((major) => {
    if (major === own) return { major, node: process.execPath };
    const dir = newest(major);
    return { major, node: dir ? join(cache, dir, 'bin/node') : undefined };
  });
}

// Each child writes its own CPU time (all threads) to stderr at exit; `-r` (CommonJS) costs both commands the same.
const scratch = mkdtempSync(join(tmpdir(), 'berth-bench-'));
const probe = join(scratch, 'cpu-probe.cjs');
writeFileSync(probe, 'process.on("exit",()=>{const u=process.cpuUsage();require("fs").writeSync(2,`\\nberth-bench-cpu:${(u.user+u.system)/1000}\\n`)});\n');

function time(node, args, cwd, env) {
  const start = process.hrtime.bigint();
  const r = spawnSync(node, ['-r', probe, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0 && r.status !== 1 && r.status !== 3) throw new Error(`${node} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { wall, cpu: Number(/berth-bench-cpu:([\d.]+)/.exec(r.stderr)?.[1]) };
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => `${x.toFixed(1)} ms`;
const ratio = (x) => `${x.toFixed(2)}x`;
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

// A directory with no berth.yaml above it, so berth falls back to the bundled example (as a new user's first run
// does), and an engine socket that is not there, so `status` measures berth and not the engine.
const cwd = mkdtempSync(join(tmpdir(), 'berth-bench-cwd-'));
const loadBefore = load();
const rows = [];
try {
  for (const { major, node } of runtimes()) {
    if (!node) {
      rows.push({ major, missing: true });
      continue;
    }
    const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
    const base = { ...process.env, NO_COLOR: '1', DOCKER_HOST: 'unix:///nonexistent/berth-bench.sock' };
    delete base.NODE_COMPILE_CACHE;
    // Node 20 reads and parses the whole of NODE_EXTRA_CA_CERTS at every start, `node -e 0` included (22 and 24 when
    // TLS is first used): a machine that sets it (this one points it at the system's CA bundle) makes Node 20's
    // baseline five times dearer in instructions and its ratios look better than a user's.
    delete base.NODE_EXTRA_CA_CERTS;
    const withCache = (xdg) => ({ ...base, XDG_CACHE_HOME: xdg });
    time(node, ['-e', '0'], cwd, base);
    for (const args of COMMANDS) {
      const warmXdg = mkdtempSync(join(scratch, 'warm-'));
      time(node, [bin, ...args], cwd, withCache(warmXdg)); // the run before: the OS file cache, and this Node's code cache
      const m = { base: { wall: [], cpu: [] }, first: { wall: [], cpu: [] }, warm: { wall: [], cpu: [] }, changed: { wall: [], cpu: [] } };
      const add = (k, t) => (m[k].wall.push(t.wall), m[k].cpu.push(t.cpu));
      for (let i = 0; i < roundsFor(args); i++) {
        add('base', time(node, ['-e', '0'], cwd, base));
        const firstXdg = mkdtempSync(join(scratch, 'first-'));
        add('first', time(node, [bin, ...args], cwd, withCache(firstXdg)));
        rmSync(firstXdg, { recursive: true, force: true });
        add('warm', time(node, [bin, ...args], cwd, withCache(warmXdg)));
        add('changed', time(node, [bin, ...args], cwd, { ...withCache(warmXdg), BERTH_BENCH_ROUND: String(i) }));
      }
      rmSync(warmXdg, { recursive: true, force: true });
      const med = (k) => ({ wall: median(m[k].wall), cpu: median(m[k].cpu) });
      rows.push({ major, version, command: args.join(' '), base: med('base'), first: med('first'), warm: med('warm'), changed: med('changed'), n: roundsFor(args) });
    }
  }
} finally {
  rmSync(cwd, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
}

console.log(`berth cold start against node -e 0 of the same Node (medians; the target: validate warm <= 1.5x)`);
console.log(`bin: ${bin.slice(root.length)}; ${cpus().length} CPUs; load average (1, 5, 15 min) before: ${loadBefore}, after: ${load()}`);
console.log(`first: an empty cache folder each run (the build's code cache only for the Node that built it); warm: after a run of the same command`);
console.log(`(the spec commands answer from their result cache); changed: the same cache folder, an input changed before each run\n`);
const cols = [
  ['node', 10, (r) => r.version],
  ['command', 11, (r) => r.command],
  ['-e 0', 10, (r) => ms(r.base.wall)],
  ['first', 10, (r) => ms(r.first.wall)],
  ['x', 6, (r) => ratio(r.first.wall / r.base.wall)],
  ['warm', 10, (r) => ms(r.warm.wall)],
  ['x', 6, (r) => ratio(r.warm.wall / r.base.wall)],
  ['changed', 10, (r) => ms(r.changed.wall)],
  ['x', 6, (r) => ratio(r.changed.wall / r.base.wall)],
  ['cpu -e 0', 11, (r) => ms(r.base.cpu)],
  ['cpu first', 11, (r) => ms(r.first.cpu)],
  ['x', 6, (r) => ratio(r.first.cpu / r.base.cpu)],
  ['cpu warm', 11, (r) => ms(r.warm.cpu)],
  ['x', 6, (r) => ratio(r.warm.cpu / r.base.cpu)],
  ['cpu changed', 12, (r) => ms(r.changed.cpu)],
  ['x', 6, (r) => ratio(r.changed.cpu / r.base.cpu)],
];
const line = (cells) => cells.map((c, i) => (i < 2 ? c.padEnd(cols[i][1]) : c.padStart(cols[i][1]))).join(' ');
console.log(`${line(cols.map(([h]) => h))}  runs`);
for (const r of rows) {
  if (r.missing) {
    console.log(`${`${r.major}.x`.padEnd(11)}missing: bash .ci/node-runtimes.sh --fetch ${r.major}`);
    continue;
  }
  const target = r.command === 'validate' ? (r.warm.wall / r.base.wall <= 1.5 ? '  (target met)' : '  (target: 1.5x)') : '';
  console.log(`${line(cols.map(([, , f]) => f(r)))}  ${r.n}${target}`);
}

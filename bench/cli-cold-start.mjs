// Cold start of the built CLI on each supported Node (20, 22, 24): every command against `node -e 0` of the same
// Node, measured in the same run, interleaved (one of each per round), medians of N rounds.
// Target: cold `berth validate` <= 1.5x `node -e 0` of the same version, on each. The other spec commands,
// `status` (no engine: it answers exit 3 after trying every place) and `doctor` (nothing running) are reported too.
//   node apps/cli/build.mjs && node bench/cli-cold-start.mjs [rounds=15]
// Node 22 and 24 are the runtimes .ci/node-runtimes.sh takes from the npm registry (`bash .ci/node-runtimes.sh
// --fetch` fetches them without running the tests); a Node that is not there is reported as missing.
// Each Node starts with an empty cache folder (XDG_CACHE_HOME) and one warm-up run per command, so the figures
// are those of a user's second run: the build's code cache for the Node that built it, the cache the first run
// wrote for the others (apps/cli/bin/fast-path.cjs). Wall time swings with a busy machine's load; CPU time (all
// threads, read by each child at exit) much less, so both ratios are printed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'apps/cli/bin/berth.mjs');
if (!existsSync(join(root, 'apps/cli/dist/berth.mjs'))) {
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
const probe = join(mkdtempSync(join(tmpdir(), 'berth-bench-probe-')), 'cpu-probe.cjs');
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
const ms = (x) => `${x.toFixed(1)} ms`.padStart(10);
const ratio = (x) => `${x.toFixed(2)}x`.padStart(7);

// A directory with no berth.yaml above it, so berth falls back to the bundled example (as a new user's first run
// does), and an engine socket that is not there, so `status` measures berth and not the engine.
const cwd = mkdtempSync(join(tmpdir(), 'berth-bench-'));
const rows = [];
try {
  for (const { major, node } of runtimes()) {
    if (!node) {
      rows.push({ major, missing: true });
      continue;
    }
    const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
    const xdg = mkdtempSync(join(tmpdir(), 'berth-bench-cache-'));
    const env = { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: xdg, DOCKER_HOST: 'unix:///nonexistent/berth-bench.sock' };
    delete env.NODE_COMPILE_CACHE;
    try {
      time(node, ['-e', '0'], cwd, env);
      for (const args of COMMANDS) time(node, [bin, ...args], cwd, env); // warm-up: the OS file cache, and this Node's code cache
      for (const args of COMMANDS) {
        const base = { wall: [], cpu: [] };
        const cmd = { wall: [], cpu: [] };
        for (let i = 0; i < roundsFor(args); i++) {
          const b = time(node, ['-e', '0'], cwd, env);
          const c = time(node, [bin, ...args], cwd, env);
          base.wall.push(b.wall);
          base.cpu.push(b.cpu);
          cmd.wall.push(c.wall);
          cmd.cpu.push(c.cpu);
        }
        rows.push({ major, version, command: args.join(' '), base: { wall: median(base.wall), cpu: median(base.cpu) }, cmd: { wall: median(cmd.wall), cpu: median(cmd.cpu) }, n: roundsFor(args) });
      }
    } finally {
      rmSync(xdg, { recursive: true, force: true });
    }
  }
} finally {
  rmSync(cwd, { recursive: true, force: true });
  rmSync(join(probe, '..'), { recursive: true, force: true });
}

console.log(`berth cold start against node -e 0 of the same Node (medians; the target: validate <= 1.5x)\n`);
console.log(`${'node'.padEnd(10)}${'command'.padEnd(12)}${'node -e 0'.padStart(10)}${'berth'.padStart(11)}${'wall'.padStart(8)}${'cpu -e 0'.padStart(11)}${'cpu berth'.padStart(11)}${'cpu'.padStart(8)}  runs`);
for (const r of rows) {
  if (r.missing) {
    console.log(`${`${r.major}.x`.padEnd(10)}missing: bash .ci/node-runtimes.sh --fetch ${r.major}`);
    continue;
  }
  const target = r.command === 'validate' ? (r.cmd.wall / r.base.wall <= 1.5 ? '  (target met)' : '  (target: 1.5x)') : '';
  console.log(`${r.version.padEnd(10)}${r.command.padEnd(12)}${ms(r.base.wall)}${ms(r.cmd.wall).padStart(11)}${ratio(r.cmd.wall / r.base.wall).padStart(8)}${ms(r.base.cpu).padStart(11)}${ms(r.cmd.cpu).padStart(11)}${ratio(r.cmd.cpu / r.base.cpu).padStart(8)}  ${r.n}${target}`);
}

// Benchmark for berth's image builds: (1) digesting a 10,000-file build context (target: under 1 s), cold
// (every file read), with one file changed (the other content hashes remembered by stat), and with nothing changed
// (every stat as when the digest was last taken: what a second `berth up` does); (2) a second
// `berth up` with nothing changed on services that build their images, against `berth up` on the same images
// prebuilt (services with `image:` only): it must build nothing and take under 1.2x the time.
// Run: node --conditions=@berth/source --import tsx bench/docker-build.mjs [runs] (it bundles the CLI first, so part (2) measures this tree)
// Part (2) needs a Docker engine (.ci/setup.d/docker.sh); loopback only; bounded loops; everything it makes is removed.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ContentHashCache, digestContext } from '../packages/docker/src/build/context-digest.ts';
import { walkContext } from '../packages/docker/src/build/context-walk.ts';
import { IgnoreMatcher, readIgnoreFile, withBuildFiles } from '../packages/docker/src/build/dockerignore.ts';
import { dockerAvailable, dockerSkipReason, dockerSocketPath, ensureTestImage, TEST_IMAGE } from '../packages/docker/src/testing/index.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const RUNS = Math.min(15, Number(process.argv[2] ?? 7));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x) => `${x.toFixed(0).padStart(5)} ms`;
const dir = mkdtempSync(join(tmpdir(), 'berth-bench-build-'));
const write = (rel, text) => {
  mkdirSync(join(dir, rel, '..'), { recursive: true });
  writeFileSync(join(dir, rel), text);
};

/**
 * A source tree of `files` files that are sent (100 per directory, 0.5 to 8 KiB), and beside them what a
 * .dockerignore leaves out: a log file per directory (matched, never stat-ed) and a node_modules of
 * files/10 files (never walked), as real projects have.
 */
function makeContext(at, files) {
  for (let d = 0; d < Math.ceil(files / 100); d++) {
    for (let f = 0; f < 100 && d * 100 + f < files; f++) {
      const sub = f % 3 === 0 ? 'lib/' : f % 3 === 1 ? 'src/' : '';
      write(`${at}/pkg${d}/${sub}file${f}.ts`, `// ${d}/${f}\n${'x'.repeat(512 + ((d * 131 + f * 37) % 7680))}\n`);
    }
    write(`${at}/pkg${d}/debug.log`, 'noise');
  }
  for (let f = 0; f < files / 10; f++) write(`${at}/node_modules/m${f % 20}/f${f}.js`, 'module');
  write(`${at}/.dockerignore`, 'node_modules\n**/*.log\n');
  write(`${at}/Dockerfile`, `FROM ${TEST_IMAGE}\nCOPY . /app\n`);
}

function hashOnce(context, cacheDir) {
  const text = readIgnoreFile(readFileSync(join(context, '.dockerignore'), 'utf8'));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const entries = walkContext(context, new IgnoreMatcher(withBuildFiles(text.map((r) => r.pattern), 'Dockerfile')));
  digestContext(context, entries, ContentHashCache.open(cacheDir, context));
  const cpu = process.cpuUsage(cpu0);
  return { wall: performance.now() - t0, cpu: (cpu.user + cpu.system) / 1000, entries: entries.length };
}

const loadBefore = loadavg()[0];
console.log(`berth build benchmarks; load average (1 min) ${loadBefore.toFixed(2)} on ${availableParallelism()} CPUs; medians of ${RUNS} runs, [min-max] after each`);

// (1) hashing a 10,000-file context
makeContext('big', 10_000);
const cacheDir = join(dir, 'cache');
const cold = [];
const warm = [];
const one = [];
let sent = 0;
for (let i = 0; i < RUNS; i++) {
  // files written within the last second are never remembered (their timestamps cannot be trusted yet)
  spawnSync('sleep', ['1.1']);
  rmSync(cacheDir, { recursive: true, force: true });
  const c = hashOnce(join(dir, 'big'), cacheDir);
  cold.push(c);
  sent = c.entries;
  warm.push(hashOnce(join(dir, 'big'), cacheDir));
  write(`big/pkg${i}/src/file1.ts`, `changed ${i}\n`);
  one.push(hashOnce(join(dir, 'big'), cacheDir));
}
const spread = (xs, k) => `[${Math.min(...xs.map((x) => x[k])).toFixed(0)}-${Math.max(...xs.map((x) => x[k])).toFixed(0)}]`;
const m = (xs, k) => median(xs.map((x) => x[k]));
console.log(`(1) digest of a context of 10,000 files sent (${sent} entries with the directories and the build files; node_modules and *.log left out by .dockerignore), target < 1000 ms`);
console.log(`    cold (every file read)                           wall ${fmt(m(cold, 'wall'))} ${spread(cold, 'wall')}   cpu ${fmt(m(cold, 'cpu'))}   ratio to target ${(m(cold, 'wall') / 1000).toFixed(2)}`);
console.log(`    one file changed (the other hashes remembered)   wall ${fmt(m(one, 'wall'))} ${spread(one, 'wall')}   cpu ${fmt(m(one, 'cpu'))}   ratio to target ${(m(one, 'wall') / 1000).toFixed(2)}`);
console.log(`    nothing changed (every stat as remembered)       wall ${fmt(m(warm, 'wall'))} ${spread(warm, 'wall')}   cpu ${fmt(m(warm, 'cpu'))}   ratio to target ${(m(warm, 'wall') / 1000).toFixed(2)}`);

// (2) a second up with nothing changed, against up on prebuilt images
if (!dockerAvailable()) {
  console.log(`(2) second berth up${dockerSkipReason()}`);
} else {
  const BERTH = join(root, 'apps/cli/bin/berth.mjs');
  execFileSync(process.execPath, [join(root, 'apps/cli/build.mjs')], { stdio: 'ignore' });
  const Dockerode = (await import('dockerode')).default;
  const docker = new Dockerode({ socketPath: dockerSocketPath() });
  await ensureTestImage(docker);
  const SERVICES = 5;
  const CMD = 'trap "exit 0" TERM; httpd -f -p 8080 -h /www & wait';
  const HEALTH = 'wget -q -O /dev/null http://127.0.0.1:8080/health';
  const env = { ...process.env, NO_COLOR: '1', COMPOSE_PROFILES: '', DOCKER_HOST: `unix://${dockerSocketPath()}`, XDG_CACHE_HOME: join(dir, 'xdg') };
  /** Runs the CLI; its wall time, and its own CPU time (user + system, from the shell's `times`), which the load of a shared machine stretches less. */
  const berth = (where, ...args) => berthWith(env, where, ...args);
  const berthWith = (env, where, ...args) => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync('sh', ['-c', '"$0" "$@"; s=$?; times >&2; exit $s', process.execPath, BERTH, ...args], { cwd: join(dir, where), env, encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`berth ${args.join(' ')} in ${where} failed (${r.status}): ${r.stderr.slice(-600)} ${r.stdout.slice(-1200)}`);
    const times = [...r.stderr.trim().split('\n').at(-1).matchAll(/(\d+)m([\d.]+)s/g)].map((t) => Number(t[1]) * 60_000 + Number(t[2]) * 1000);
    return { ms, cpu: times.reduce((a, b) => a + b, 0), out: r.stdout };
  };
  /**
   * One project that builds its 5 images from contexts of `files` files (or, `shared`, all five from one context
   * with a build arg each, as services built from `context: .` are), one that runs the same images prebuilt.
   */
  const compare = (files, shared = false) => {
    const name = `${files}${shared ? 's' : ''}`;
    const built = `berthbench-b${name}-${process.pid}`;
    const pre = `berthbench-p${name}-${process.pid}`;
    const spec = (project, withBuild) => {
      const lines = ['berth: 1', `repo: { name: ${project} }`, 'services:'];
      for (let i = 0; i < SERVICES; i++) {
        // A check every 2 s (Compose's default is 30 s): both projects' ten containers stay up while the other one is
        // measured, and at every 300 ms their checks' execs were a process start each 30 ms on two cores, the noise
        // that decided the ratio. The first `up` of each waits for its first checks; the ones measured find them healthy.
        lines.push(`  s${i}:`, `    command: ["sh", "-c", ${JSON.stringify(CMD)}]`, '    stopGracePeriod: 1s', `    healthcheck: { test: "${HEALTH}", interval: 2s, timeout: 2s, retries: 30 }`);
        lines.push(!withBuild ? `    image: ${built}-s${i}` : shared ? `    build: { context: ctx/shared, args: { N: "${i}" } }` : `    build: { context: ctx/s${i} }`);
      }
      return `${lines.join('\n')}\n`;
    };
    if (shared) {
      makeContext(`b${name}/ctx/shared`, files);
      write(`b${name}/ctx/shared/Dockerfile`, `FROM ${TEST_IMAGE}\nARG N\nRUN echo "$N" > /n\nCOPY . /app\n`);
    } else for (let i = 0; i < SERVICES; i++) makeContext(`b${name}/ctx/s${i}`, files);
    write(`b${name}/berth.yaml`, spec(built, true));
    write(`p${name}/berth.yaml`, spec(pre, false));
    try {
      const first = berth(`b${name}`, 'up', '--json', '--timeout', '600');
      const firstBuilds = JSON.parse(first.out).builds.map((b) => b.action);
      berth(`p${name}`, 'up');
      const second = [];
      const alone = [];
      const prebuilt = [];
      let builtNothing = true;
      const keptAll = (s) => {
        const json = JSON.parse(s.out);
        builtNothing &&= json.builds.every((b) => b.action === 'kept') && json.plan.steps.every((st) => st.action === 'keep');
        return s;
      };
      for (let run = 0; run < RUNS; run++) {
        second.push(keptAll(berth(`b${name}`, 'up', '--json')));
        // the same without the launcher's head start: the command walks the contexts itself
        alone.push(keptAll(berthWith({ ...env, BERTH_WALK_AHEAD: '0' }, `b${name}`, 'up', '--json')));
        prebuilt.push(berth(`p${name}`, 'up', '--json'));
      }
      const sp = (xs) => `[${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}]`;
      const row = (label, xs) => `      ${label.padEnd(30)}wall ${fmt(median(xs.map((x) => x.ms)))} ${sp(xs.map((x) => x.ms))}   cpu ${fmt(median(xs.map((x) => x.cpu)))} ${sp(xs.map((x) => x.cpu))}`;
      const ratio = (k, xs = second) => (median(xs.map((x) => x[k])) / median(prebuilt.map((x) => x[k]))).toFixed(2);
      const what = shared ? `one context of ${files} files, with a build arg each` : `contexts of ${files} files each (${SERVICES * files} files)`;
      console.log(`    ${SERVICES} services building from ${what}; first up: ${firstBuilds.join(', ')} in ${fmt(first.ms)}`);
      console.log(`${row('second up, nothing changed', second)}   built nothing, recreated nothing: ${builtNothing}`);
      console.log(row('  the same, no walk ahead', alone));
      console.log(row('up on the prebuilt images', prebuilt));
      console.log(`      ratio: wall ${ratio('ms')} (target < 1.2), berth's cpu ${ratio('cpu')}; with no walk ahead: wall ${ratio('ms', alone)}, cpu ${ratio('cpu', alone)}`);
    } finally {
      // the prebuilt project's containers first: while they run, the images cannot be removed
      spawnSync(process.execPath, [BERTH, 'down'], { cwd: join(dir, `p${name}`), env });
      const down = spawnSync(process.execPath, [BERTH, 'down', '--rmi', 'local'], { cwd: join(dir, `b${name}`), env, encoding: 'utf8' });
      if (down.status !== 0) console.log(`      (berth down --rmi local failed: ${down.stderr.trim().slice(-300)}; remove the images ${built}-s* by hand)`);
    }
  };
  console.log('(2) a second berth up with nothing changed, against berth up on the same images prebuilt (both: every service kept, healthy)');
  compare(200);
  compare(1000);
  compare(1000, true);
}
console.log(`load average (1 min) after ${loadavg()[0].toFixed(2)}`);
rmSync(dir, { recursive: true, force: true });

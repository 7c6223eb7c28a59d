// Runs the benchmarks in bench/, one after the other, each the way its header says, after building what they
// measure through Nx (the CLI and everything it depends on). Each prints its own figures, targets and ratios.
//   npm run bench                          # all of them (minutes: the API, Docker and registry ones are long)
//   npm run bench -- cli-cold-start gpu-parse    # only these
// A benchmark whose peer is missing (docker-up needs a Docker engine and docker-compose) fails and says why; the
// others still run, and the exit code is 1 when any failed.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const TSX = ['--import', 'tsx'];
const SOURCES = ['--conditions=@berth/source', '--import', 'tsx'];
/** Node's arguments for each benchmark, from its header. */
const HOW = {
  'api-throughput': [],
  'cli-cold-start': [],
  'compose-import': SOURCES,
  'docker-up': TSX,
  'ecosystem-check': [],
  'gpu-parse': TSX,
  'health-doctor': SOURCES,
  'health-http': [],
  'mcp-startup': [],
  'spec-registry-scale': [],
  'swarm-up': SOURCES,
};

const all = readdirSync(new URL('.', import.meta.url))
  .filter((f) => f.endsWith('.mjs') && f !== 'run-all.mjs')
  .map((f) => f.replace(/\.mjs$/, ''))
  .sort();
const unknown = all.filter((b) => !(b in HOW));
if (unknown.length) {
  console.error(`run-all.mjs: no run line for ${unknown.join(', ')}: add it to HOW, from the benchmark's header`);
  process.exit(2);
}
const asked = process.argv.slice(2);
const missing = asked.filter((b) => !all.includes(b));
if (missing.length) {
  console.error(`run-all.mjs: no such benchmark: ${missing.join(', ')} (there are: ${all.join(', ')})`);
  process.exit(2);
}
const chosen = asked.length ? asked : all;

const step = (title, command, args) => {
  console.log(`\n=== ${title}: ${[command, ...args].join(' ')}`);
  const start = Date.now();
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  console.log(`=== ${title}: ${r.status === 0 ? 'done' : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - start) / 1000).toFixed(0)} s`);
  return r.status === 0;
};

if (!step('build', 'npx', ['nx', 'run', 'cli:build', '--output-style=stream'])) process.exit(1);
const failed = chosen.filter((b) => !step(b, process.execPath, [...HOW[b], `bench/${b}.mjs`]));
if (failed.length) {
  console.log(`\n${failed.length} of ${chosen.length} benchmarks failed: ${failed.join(', ')}`);
  process.exit(1);
}
console.log(`\nall ${chosen.length} benchmarks ran`);

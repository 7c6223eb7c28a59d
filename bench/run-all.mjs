// Runs the benchmarks in bench/, one after the other, each the way its header says, after building what they
// measure through Nx (the CLI and everything it depends on). Each prints its own figures, targets and ratios.
//   npm run bench                          # all of them (minutes: the API, Docker and registry ones are long)
//   npm run bench -- cli-cold-start gpu-parse    # only these
//   npm run bench -- --list                # each benchmark and how it runs, from its header's run line
// A benchmark whose peer is missing (docker-up needs a Docker engine and docker-compose) fails and says why; the
// others still run, and the exit code is 1 when any failed.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/**
 * Node's arguments for benchmark NAME, from the run line its header gives (`node [flags] bench/NAME.mjs`, the last
 * `node` before the file's name): the header is the one place that says how a benchmark runs. Undefined when the
 * header has no such line.
 */
function nodeArgsOf(name, source) {
  const header = source.split('\n').filter((l) => l.startsWith('//')).join('\n');
  const file = `bench/${name}.mjs`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // a flag, with its value where one follows as a separate word (`--import tsx`, `--conditions @berth/source`)
  const line = new RegExp(`(?:^|[\\s/])node((?:\\s+-{1,2}[\\w-]+(?:=\\S+|\\s+(?!-)(?!${file})\\S+)?)*)\\s+${file}(?=\\s|$)`, 'm').exec(header);
  return line ? line[1].split(/\s+/).filter(Boolean) : undefined;
}

const all = readdirSync(new URL('.', import.meta.url))
  .filter((f) => f.endsWith('.mjs') && f !== 'run-all.mjs')
  .map((f) => f.replace(/\.mjs$/, ''))
  .sort();
const HOW = Object.fromEntries(all.map((b) => [b, nodeArgsOf(b, readFileSync(new URL(`${b}.mjs`, import.meta.url), 'utf8'))]));
const unknown = all.filter((b) => !HOW[b]);
if (unknown.length) {
  console.error(`run-all.mjs: no run line (\`node ... bench/NAME.mjs\`) in the header of ${unknown.map((b) => `bench/${b}.mjs`).join(', ')}`);
  process.exit(2);
}
if (process.argv[2] === '--list') {
  for (const b of all) console.log(['node', ...HOW[b], `bench/${b}.mjs`].join(' '));
  process.exit(0);
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

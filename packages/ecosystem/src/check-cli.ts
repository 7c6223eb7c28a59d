import { formatProblem, hasErrors, type Problem } from '@berth/spec';
import { checkEcosystem } from './check/check-ecosystem.js';
import { loadEcosystem } from './load/load-ecosystem.js';

const USAGE = 'usage: berth-ecosystem check <ecosystem.yaml | folder> [--registry FILE]\n';

/**
 * `berth-ecosystem check <ecosystem.yaml> [--registry FILE]`: the check Nx runs before builds (validate-ecosystem),
 * every member against the registry and each other, as `berth ecosystem check` does, without the CLI (which is
 * itself built after it). Neither the process env nor a `.env` is read, so the cached result depends on the files
 * (and git refs) alone. One line per problem; 0 clean or warnings only, 1 errors, 2 something could not be loaded.
 */
export async function main(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr, cwd = process.cwd()): Promise<number> {
  const [command, manifest, ...rest] = argv;
  const flag = rest.indexOf('--registry');
  const registry = flag >= 0 ? rest[flag + 1] : undefined;
  if (command !== 'check' || !manifest || (flag >= 0 && !registry) || rest.length !== (flag >= 0 ? 2 : 0)) {
    err.write(USAGE);
    return 2;
  }
  const load = await loadEcosystem(manifest, { cwd, ...(registry ? { registry } : {}) });
  const report = load.ecosystem ? checkEcosystem(load.ecosystem) : undefined;
  const problems: Problem[] = [...load.problems, ...(report?.problems ?? [])];
  for (const p of problems) (p.severity === 'error' ? err : out).write(`${formatProblem(p)}\n`);
  if (!load.ecosystem || hasErrors(load.problems)) return 2;
  if (hasErrors(problems)) return 1;
  const eco = load.ecosystem;
  out.write(`${eco.manifests[0]?.file ?? manifest}: ecosystem ${eco.name ?? ''} ok (${eco.members.length} member${eco.members.length === 1 ? '' : 's'})\n`);
  return 0;
}

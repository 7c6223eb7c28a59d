import { formatProblem, hasErrors, type Problem } from './problem.js';
import { loadRegistryFile, loadSpecFile, resolveRegistryPath } from './load/load.js';

/**
 * `berth-spec ports|env <berth.yaml> [--registry FILE]`: the checks Nx runs before builds.
 * Prints one line per problem and returns 0 (clean or warnings only), 1 (findings) or 2 (bad input).
 */
export async function main(argv: string[], out = process.stdout, err = process.stderr): Promise<number> {
  const [check, file, ...rest] = argv;
  if ((check !== 'ports' && check !== 'env') || !file) {
    err.write('usage: berth-spec ports|env <berth.yaml> [--registry FILE]\n');
    return 2;
  }
  const regFlag = rest.indexOf('--registry');
  const loaded = loadSpecFile(file);
  const problems: Problem[] = [...loaded.problems];
  if (!loaded.value) return report(problems, 2);
  if (check === 'ports') {
    const ref = regFlag >= 0 ? { path: rest[regFlag + 1] } : resolveRegistryPath(loaded.value, loaded.path);
    if ('problem' in ref && ref.problem) return report([...problems, { ...ref.problem, file: loaded.file }], 2);
    if (ref.path) {
      const registry = loadRegistryFile(ref.path);
      problems.push(...registry.problems);
      if (!registry.value) return report(problems, 2);
    }
  }
  return report(problems, hasErrors(problems) ? 1 : 0);

  function report(list: Problem[], code: number): number {
    for (const p of list) (p.severity === 'error' ? err : out).write(`${formatProblem(p)}\n`);
    if (code === 0) out.write(`${loaded.file}: ${check} ok\n`);
    return code;
  }
}

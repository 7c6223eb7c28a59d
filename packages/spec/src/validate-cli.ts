import { formatProblem, hasErrors, type Problem } from './problem.js';
import { loadRegistryFile, loadSpecFile, resolveRegistryPath } from './load/load.js';
import { analyzePorts } from './analysis/analyze-ports.js';
import { checkEnvSchema } from './analysis/env-schema-checks.js';
import { checkEnvConventions } from './analysis/env-conventions.js';
import { sortProblems } from './analysis/validate.js';

/**
 * `berth-spec ports|env <berth.yaml> [--registry FILE]`: the checks Nx runs before builds.
 * ports: the spec's ports against its registry and each other; env: the env schema and its naming conventions.
 * The process env is deliberately not read, so the cached result depends on the files alone.
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
  const spec = { spec: loaded.value, file: loaded.file, ...(loaded.source ? { source: loaded.source } : {}) };
  if (check === 'ports') {
    const ref = regFlag >= 0 ? { path: rest[regFlag + 1] } : resolveRegistryPath(loaded.value, loaded.path);
    if ('problem' in ref && ref.problem) return report([...problems, { ...ref.problem, file: loaded.file }], 2);
    let registry;
    if (ref.path) {
      const r = loadRegistryFile(ref.path);
      problems.push(...r.problems);
      if (!r.value || hasErrors(r.problems)) return report(problems, 2);
      registry = { value: r.value, file: r.file, ...(r.source ? { source: r.source } : {}) };
    }
    problems.push(...analyzePorts({ specs: [spec], registry }).problems);
  } else {
    problems.push(...checkEnvSchema(spec.spec, spec.file, spec.source), ...checkEnvConventions(spec.spec, spec.file, spec.source));
  }
  return report(sortProblems(problems), hasErrors(problems) ? 1 : 0);

  function report(list: Problem[], code: number): number {
    for (const p of list) (p.severity === 'error' ? err : out).write(`${formatProblem(p)}\n`);
    if (code === 0) out.write(`${loaded.file}: ${check} ok\n`);
    return code;
  }
}

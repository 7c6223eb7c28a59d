import { formatProblem, hasErrors, type Problem } from './problem.js';
import { loadWorkspace } from './load/workspace.js';
import { analyzePorts } from './analysis/analyze-ports.js';
import { checkSpecEnv, sortProblems } from './analysis/validate.js';
import { pushAll } from './util/push-all.js';

/**
 * `berth-spec ports|env <berth.yaml> [--registry FILE]`: the checks Nx runs before builds.
 * ports: the spec's ports against its registry and each other; env: what the spec says of its environment (checkSpecEnv).
 * Neither the process env nor a `.env` is read, so the cached result depends on the spec (and for ports the
 * registry) alone. Prints one line per problem and returns 0 (clean or warnings only), 1 (findings) or 2 (bad input).
 */
export async function main(argv: string[], out = process.stdout, err = process.stderr): Promise<number> {
  const [check, file, ...rest] = argv;
  if ((check !== 'ports' && check !== 'env') || !file) {
    err.write('usage: berth-spec ports|env <berth.yaml> [--registry FILE]\n');
    return 2;
  }
  const regFlag = rest.indexOf('--registry');
  const registryPath = regFlag >= 0 ? rest[regFlag + 1] : undefined;
  const ws = loadWorkspace({ specPath: file, withEnv: false, withRegistry: check === 'ports', ...(registryPath ? { registryPath } : {}) });
  const problems: Problem[] = [...ws.problems];
  if (ws.failed || !ws.spec.value) return report(problems, 2);
  const spec = { spec: ws.spec.value, file: ws.spec.file, ...(ws.spec.source ? { source: ws.spec.source } : {}) };
  if (check === 'ports') {
    const r = ws.registry;
    const registry = r?.value ? { value: r.value, file: r.file, ...(r.source ? { source: r.source } : {}) } : undefined;
    pushAll(problems, analyzePorts({ specs: [spec], registry }).problems);
  } else {
    pushAll(problems, checkSpecEnv(spec.spec, spec.file, spec.source));
  }
  return report(sortProblems(problems), hasErrors(problems) ? 1 : 0);

  function report(list: Problem[], code: number): number {
    for (const p of list) (p.severity === 'error' ? err : out).write(`${formatProblem(p)}\n`);
    if (code === 0) out.write(`${ws.spec.file}: ${check} ok\n`);
    return code;
  }
}

import { analyzeEnv, analyzePorts, type BerthSpec, type EnvFile, type PortRegistry, type Problem } from '@berth/spec';
import type { EnvResponse, EnvVarStatus, RegistryResponse } from '../contract.js';
import { errorLine } from './error-line.js';

/** A problem as the API shows it: never more than these fields. */
function problemView(p: Problem) {
  return { severity: p.severity, code: p.code, message: p.message, file: p.file, line: p.line, col: p.col, hint: p.hint };
}

export async function registryReport(input: { spec: BerthSpec; specFile: string; registry?: { value: PortRegistry; file: string }; env: NodeJS.ProcessEnv }): Promise<RegistryResponse> {
  try {
    const r = analyzePorts({ specs: [{ spec: input.spec, file: input.specFile }], registry: input.registry, env: input.env });
    return { available: true, file: input.registry?.file ?? null, bindings: r.bindings, conflicts: r.conflicts, problems: r.problems.map(problemView) };
  } catch (err) {
    return { available: false, reason: `port analysis failed: ${errorLine(err)}` };
  }
}

/** The modules an env var belongs to: those its `required: { module }` names, else "core". */
function modulesOf(spec: BerthSpec, name: string): string[] {
  const req = spec.env[name]?.required;
  return req && req.kind === 'module' ? req.modules : ['core'];
}

/** Env status grouped per module: names and states, never a value. */
export async function envReport(spec: BerthSpec, env: NodeJS.ProcessEnv, envFile?: EnvFile): Promise<EnvResponse> {
  try {
    const r = analyzeEnv(spec, { env, modules: Object.keys(spec.modules), ...(envFile ? { envFile } : {}) });
    const groups = new Map<string, EnvVarStatus[]>([['core', []], ...Object.keys(spec.modules).map((m) => [m, []] as [string, EnvVarStatus[]])]);
    for (const v of r.vars) {
      // Copy field by field, so nothing else the analysis carries (never a value) can reach the wire.
      const view: EnvVarStatus = { name: v.name, required: v.required, secret: v.secret, set: v.set, valid: v.valid, source: v.source, reason: v.reason };
      for (const m of modulesOf(spec, v.name)) (groups.get(m) ?? groups.set(m, []).get(m)!).push(view);
    }
    const modules = [...groups].map(([module, vars]) => ({
      module,
      description: module === 'core' ? 'Variables no module needs' : spec.modules[module]?.description,
      ok: vars.every((v) => (!v.required || v.set) && (!v.set || v.valid)),
      vars,
    }));
    return { available: true, modules, problems: r.problems.map(problemView) };
  } catch (err) {
    return { available: false, reason: `env analysis failed: ${errorLine(err)}` };
  }
}

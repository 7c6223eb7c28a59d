import type { Problem } from '../problem.js';
import { analyzePorts } from './analyze-ports.js';
import { checkDevcontainerForwards } from './devcontainer-forwards.js';
import { checkEnvConventions } from './env-conventions.js';
import { checkEnvSchema } from './env-schema-checks.js';
import { checkImageReferences } from './image-reference.js';
import { checkSecretsInSpec } from '../secrets/in-spec.js';
import type { BerthSpec } from '../schema/spec.js';
import type { SourceDocument } from '../load/yaml-document.js';
import type { EnvOrigin, RegistryInput, SpecInput } from './types.js';

export interface ValidateInput {
  spec: SpecInput;
  registry?: RegistryInput;
  /** Env values whose port vars must agree with the registry; leave out for a reproducible check. */
  env?: Record<string, string | undefined>;
  envOrigins?: Record<string, EnvOrigin>;
}

/**
 * Everything `berth validate` reports beyond what loading already did (schema and references):
 * the ports against the registry and each other, the env naming conventions, and what it judges of the spec on its
 * own (checkSpecOnItsOwn). Sorted by file and position so the output reads top to bottom.
 */
export function validateSpec(input: ValidateInput): Problem[] {
  const { spec, file, source } = input.spec;
  const problems = [
    ...analyzePorts({ specs: [input.spec], registry: input.registry, env: input.env, envOrigins: input.envOrigins }).problems,
    ...checkSpecOnItsOwn(input.spec),
    ...checkEnvConventions(spec, file, source),
  ];
  return sortProblems(problems, [file, ...(input.registry ? [input.registry.file] : [])]);
}

/**
 * What `berth validate` judges of one spec with neither its registry, nor its env values, nor the conventions it
 * may inherit: the devcontainer's forwards against Compose's ports, the images it names, its env schema, and
 * secrets written into it. `berth ecosystem check` runs the same on every member (it judges ports and naming
 * across the members itself), so a member the orchestrator passes is one its own validate passes.
 */
export function checkSpecOnItsOwn(input: SpecInput): Problem[] {
  const { spec, file, source } = input;
  return [...checkDevcontainerForwards(input), ...checkImageReferences(spec, file, source), ...checkEnvSchema(spec, file, source), ...checkSecretsInSpec(spec, file, source)];
}

/**
 * What the spec says of its environment, checked on the spec alone (no registry, no values): the env schema, the
 * naming conventions, and secrets written into the spec. `berth validate` and the Nx validate-env target.
 */
export function checkSpecEnv(spec: BerthSpec, file?: string, source?: SourceDocument): Problem[] {
  return [...checkEnvSchema(spec, file, source), ...checkEnvConventions(spec, file, source), ...checkSecretsInSpec(spec, file, source)];
}

/**
 * Grouped by file (in `fileOrder`, then in order of first appearance), then by line and column;
 * problems without a position keep their order after those with one.
 */
export function sortProblems(problems: Problem[], fileOrder: readonly string[] = []): Problem[] {
  const rank = new Map<string, number>(fileOrder.map((f, i) => [f, i]));
  for (const p of problems) if (!rank.has(p.file ?? '')) rank.set(p.file ?? '', rank.size);
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => rank.get(a.p.file ?? '')! - rank.get(b.p.file ?? '')! || (a.p.line ?? Infinity) - (b.p.line ?? Infinity) || (a.p.col ?? 0) - (b.p.col ?? 0) || a.i - b.i)
    .map(({ p }) => p);
}

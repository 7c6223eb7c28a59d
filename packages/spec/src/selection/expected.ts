import type { BerthSpec } from '../schema/spec.js';
import type { Problem } from '../problem.js';
import { dependencyOrder, resolveProfiles, runsOutsideEngine, type Environment } from './profiles.js';

/** Which services of a spec are expected to run under a profile selection, and why the others are not. */
export interface ExpectedServices {
  /** Services expected to answer, in spec order. */
  expected: string[];
  /** Services nothing is meant to start, each with the profiles that would enable it (all off). */
  off: Record<string, string[]>;
  /** What the selection warns of, as `up` does: a profile that enables no service. */
  warnings: Problem[];
}

/**
 * The services a selection expects to be running: what `up` would start under it (profiles from
 * `--profile` or COMPOSE_PROFILES, `*` for all, with the enabled dependencies of what is selected),
 * what it enables to run elsewhere, and every service one of whose runtimes is the devcontainer or
 * the host: those run whatever Compose's profiles say (the seed's Jupyter runs in the devcontainer on
 * 8888 with the `notebooks` profile off). `berth health`, `berth doctor` and the API all ask this. Pure.
 */
export function expectedServices(spec: BerthSpec, options: { profiles?: string[]; env?: Environment } = {}): ExpectedServices {
  const selection = resolveProfiles(spec, options);
  const selected = new Set([...selection.services, ...selection.elsewhere]);
  const expected: string[] = [];
  const off: Record<string, string[]> = {};
  for (const [id, service] of Object.entries(spec.services)) {
    if (selected.has(id) || runsOutsideEngine(service)) expected.push(id);
    else off[id] = service.profiles ?? [];
  }
  return { expected, off, warnings: selection.problems.filter((p) => p.severity === 'warning') };
}

/**
 * The services a profile adds to what runs without any: what `up --profile NAME` starts beyond the
 * default selection, with the dependencies it pulls in, dependencies first. The dashboard's profile
 * buttons act on these.
 */
export function profileServices(spec: BerthSpec, profile: string): string[] {
  const without = resolveProfiles(spec, { env: {} });
  const base = new Set([...without.services, ...without.elsewhere]);
  const withIt = resolveProfiles(spec, { profiles: [profile], env: {} });
  return dependencyOrder(spec, [...withIt.services, ...withIt.elsewhere].filter((s) => !base.has(s)));
}

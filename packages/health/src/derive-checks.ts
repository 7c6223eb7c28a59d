import type { BerthSpec, HealthCheck } from '@berth/spec';
import { specChecks } from '@berth/spec';
import { projectName, specEngineAddresses } from '@berth/docker/runtime';
import { checkLabel } from './check-label.js';
import type { CheckSubject, CheckTarget } from './types.js';

export interface DeriveChecksOptions {
  /** Only these services and connections (by id). */
  services?: string[];
  /** The spec's folder: where relative paths and the default `.env` are. */
  baseDir?: string;
  /** The Compose project whose containers a service's container and exec checks look at (default: the spec's, as `berth up` names it: COMPOSE_PROJECT_NAME in env, else `project`, else the repo). */
  project?: string;
  /** Each engine's address by name (default: specEngineAddresses, where each engine is found from `env`). */
  addresses?: ReadonlyMap<string, string>;
  /** The variables `${VAR}` in HTTP checks read first (CheckTarget.env; default: the process env). */
  env?: Record<string, string | undefined>;
  /** The `.env` values the command read (CheckTarget.dotenv; default: the `.env` in baseDir). */
  dotenv?: Record<string, string>;
}

/**
 * Every check of a spec as targets to run: @berth/spec's specChecks (the one rule: each service's and
 * connection's own checks, or a sensible default for each port when it names none; the MCP connection's
 * stdio check; the devcontainer's checks), each with a unique id and what its kind needs to run.
 * `services` narrows it to those services and connections (by id). A service is checked at its engine's
 * address (`addresses`, by engine name; by default specEngineAddresses: the default engine's where
 * DOCKER_HOST or a context puts it, a declared one's at its host or context), and its container checks
 * carry the engine's name when the spec declares engines. The CLI, the doctor and the API all derive
 * their checks here, so where a port is probed is decided once.
 */
export function deriveChecks(spec: BerthSpec, options: DeriveChecksOptions = {}): CheckTarget[] {
  const wanted = options.services?.length ? new Set(options.services) : undefined;
  // always a project: a container check without one would take another project's container of the same service name
  const project = options.project ?? projectName(spec, options.env ?? process.env);
  const targets: CheckTarget[] = [];
  const add = (subject: CheckSubject, checks: HealthCheck[], context?: CheckTarget['context']) => {
    const used = new Map<string, number>();
    for (const check of checks) {
      const base = `${subject.kind}:${subject.id}/${checkLabel(check)}`;
      const n = (used.get(base) ?? 0) + 1;
      used.set(base, n);
      targets.push({
        id: n > 1 ? `${base}#${n}` : base,
        subject,
        check,
        ...(options.baseDir ? { baseDir: options.baseDir } : {}),
        ...(options.env ? { env: options.env } : {}),
        ...(options.dotenv ? { dotenv: options.dotenv } : {}),
        ...(context ? { context } : {}),
      });
    }
  };
  const addresses = options.addresses ?? specEngineAddresses(spec, (options.env ?? process.env) as NodeJS.ProcessEnv);
  for (const { subject, checks, engine } of specChecks(spec, { addresses })) {
    if (wanted && !wanted.has(subject.id)) continue;
    // Every subject carries the spec's devcontainer: an `in: devcontainer` check, whoever's it is, finds the one container
    // the spec names (its `config`), by the one rule the devcontainer's own checks use (exec-check's findDevcontainer).
    const devcontainer = spec.devcontainer ? { devcontainer: spec.devcontainer } : {};
    if (subject.kind === 'service') {
      add(subject, checks, { project, ...(engine ? { engine } : {}), ...devcontainer });
    } else if (subject.kind === 'devcontainer' && spec.devcontainer) add(subject, checks, { image: spec.devcontainer.image, ...devcontainer });
    else add(subject, checks, spec.devcontainer ? devcontainer : undefined);
  }
  return targets;
}

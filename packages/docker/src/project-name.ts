import type { BerthSpec } from '@berth/spec';

/** Compose's normalisation: lower-case, only [a-z0-9_-], starting with a letter or digit. */
export function normalizeProjectName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[^a-z0-9]+/, '');
}

/** The project: COMPOSE_PROJECT_NAME, else the spec's `project`, else the repo name. */
export function projectName(spec: BerthSpec, env: NodeJS.ProcessEnv = {}): string {
  return normalizeProjectName(env['COMPOSE_PROJECT_NAME'] || spec.project || spec.repo.name);
}

/** `<project>-<service>-1`, as Compose names containers. */
export function containerName(project: string, service: string): string {
  return `${project}-${service}-1`;
}

export function networkName(project: string): string {
  return `${project}_default`;
}

/** `<project>_<name>`: how Compose and `docker stack deploy` scope networks, volumes, secrets and configs. */
export function stackScoped(stack: string, name: string): string {
  return `${stack}_${name}`;
}

/**
 * The engine name of a network key of the spec in a project or stack: its `name:` (an external one's key when it
 * has none), else `<project>_<key>`. Containers (`berth up`) and swarm services join the same names.
 */
export function stackNetworkName(spec: BerthSpec, stack: string, key: string): string {
  const declared = spec.networks[key];
  return declared?.external || declared?.name ? (declared.name ?? key) : stackScoped(stack, key);
}

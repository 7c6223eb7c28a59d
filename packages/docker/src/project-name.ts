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

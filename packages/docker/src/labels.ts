/** Compose's own labels, so `docker compose ps/down` still see what berth started. */
export const COMPOSE_PROJECT = 'com.docker.compose.project';
export const COMPOSE_SERVICE = 'com.docker.compose.service';
export const COMPOSE_NUMBER = 'com.docker.compose.container-number';
export const COMPOSE_ONEOFF = 'com.docker.compose.oneoff';
export const COMPOSE_WORKDIR = 'com.docker.compose.project.working_dir';
export const COMPOSE_NETWORK = 'com.docker.compose.network';
export const COMPOSE_VOLUME = 'com.docker.compose.volume';
/** berth's own labels: its config hash cannot equal Compose's, so it lives under its own prefix. */
export const BERTH_CONFIG_HASH = 'dev.berth.config-hash';
export const BERTH_MANAGED = 'dev.berth.managed';
/** On a swarm service's containers: the hash of its task template, so a task of the current spec is told from an old one. */
export const BERTH_TASK_HASH = 'dev.berth.task-hash';
/** On a swarm secret or config: a salted digest of its content, to tell a changed one without reading it back. */
export const BERTH_CONTENT_DIGEST = 'dev.berth.content-digest';
/** `docker stack deploy`'s labels: a stack's services, networks, secrets and configs carry its name. */
export const STACK_NAMESPACE = 'com.docker.stack.namespace';
export const STACK_IMAGE = 'com.docker.stack.image';

/** The label filter that finds everything of a project. */
export function projectFilter(project: string, extra: string[] = []): { label: string[] } {
  return { label: [`${COMPOSE_PROJECT}=${project}`, ...extra] };
}

import { dirname, resolve, sep } from 'node:path';
import { DEVCONTAINER_LABELS, devcontainerPlace } from '@berth/spec';

/** The absolute workspace folder and devcontainer.json that the Dev Containers CLI writes into its labels. */
export interface DevcontainerLocation {
  workspaceFolder: string;
  configFile: string;
}

/** A container as the engine lists it (`GET /containers/json`): dockerode's ContainerInfo has these fields. */
export interface ListedContainer {
  Id: string;
  Names?: string[];
  State?: string;
  Labels?: Record<string, string>;
}

/** Lists containers, stopped ones too, that carry every `label=value` given (the engine's `label` filter). */
export type ListContainersByLabel = (labels: string[]) => Promise<ListedContainer[]>;

/** Where the spec's devcontainer is on this host: its folder and devcontainer.json, from the spec's folder. */
export function devcontainerLocation(specDir: string, config?: string): DevcontainerLocation {
  const place = devcontainerPlace(config);
  return { workspaceFolder: resolve(specDir, place.workspace || '.'), configFile: resolve(specDir, place.config) };
}

/** The workspace folder the editor opens for a devcontainer.json (absolute): the folder holding `.devcontainer/` or `.devcontainer.json`. */
export function workspaceFolderOf(configPath: string): string {
  const path = resolve(configPath);
  const place = devcontainerPlace(path.split(sep).join('/'));
  if (!place.standard) return dirname(path);
  return place.workspace ? resolve(place.workspace) : resolve('/');
}

/**
 * The devcontainer among containers labelled with its workspace folder, as the Dev Containers CLI picks it: one
 * labelled with this devcontainer.json, else an older one without a config-file label (never one started from
 * another devcontainer.json of the same folder), a running one before a stopped one; none that is being removed.
 */
export function pickDevcontainer(containers: readonly ListedContainer[], where: DevcontainerLocation): ListedContainer | undefined {
  const ours = containers.filter((c) => c.Labels?.[DEVCONTAINER_LABELS.localFolder] === where.workspaceFolder && c.State !== 'removing');
  const rank = (c: ListedContainer) => {
    const config = c.Labels?.[DEVCONTAINER_LABELS.configFile];
    if (config !== undefined && config !== where.configFile) return -1;
    return (config === where.configFile ? 2 : 0) + (c.State === 'running' ? 1 : 0);
  };
  return ours
    .filter((c) => rank(c) >= 0)
    .sort((a, b) => rank(b) - rank(a))[0];
}

export type DevcontainerLookup = { container: ListedContainer; name: string } | { missing: string };

/** Finds the spec's devcontainer through the engine, by the labels the Dev Containers CLI gives it. */
export async function findDevcontainer(list: ListContainersByLabel, where: DevcontainerLocation): Promise<DevcontainerLookup> {
  const found = pickDevcontainer(await list([`${DEVCONTAINER_LABELS.localFolder}=${where.workspaceFolder}`]), where);
  if (!found) return { missing: `no container labelled ${DEVCONTAINER_LABELS.localFolder}=${where.workspaceFolder}: the devcontainer has not been opened (Dev Containers: Reopen in Container, or devcontainer up)` };
  return { container: found, name: found.Names?.[0]?.replace(/^\//, '') ?? found.Id.slice(0, 12) };
}

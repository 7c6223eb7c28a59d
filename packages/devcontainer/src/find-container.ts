import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
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

/** Whether two host paths name the same file or folder. */
export type SamePath = (a: string, b: string) => boolean;

/** The path with every symlink of its longest existing head resolved (a file not there yet keeps its tail as written). */
function realPath(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(realPath(parent), basename(path));
  }
}

/**
 * The same place as written, or through symlinks: the Dev Containers CLI labels the path it was given
 * (`path.resolve`, no realpath: the editor's opened folder, or the physical cwd of `devcontainer up`), while berth
 * may hold the other spelling (a symlinked checkout, macOS /tmp → /private/tmp), so both are resolved on this host.
 */
export const samePlace: SamePath = (a, b) => a === b || realPath(a) === realPath(b);

const exactly: SamePath = (a, b) => a === b;

/**
 * The devcontainer among containers labelled with its workspace folder, as the Dev Containers CLI picks it: one
 * labelled with this devcontainer.json, else an older one without a config-file label (never one started from
 * another devcontainer.json of the same folder), a running one before a stopped one; none that is being removed.
 * `same` compares a label's path with berth's (exactly by default; findDevcontainer passes samePlace).
 */
export function pickDevcontainer(containers: readonly ListedContainer[], where: DevcontainerLocation, same: SamePath = exactly): ListedContainer | undefined {
  const ours = containers.filter((c) => {
    const folder = c.Labels?.[DEVCONTAINER_LABELS.localFolder];
    return folder !== undefined && same(folder, where.workspaceFolder) && c.State !== 'removing';
  });
  const rank = (c: ListedContainer) => {
    const config = c.Labels?.[DEVCONTAINER_LABELS.configFile];
    if (config === undefined) return c.State === 'running' ? 1 : 0;
    if (!same(config, where.configFile)) return -1;
    return 2 + (c.State === 'running' ? 1 : 0);
  };
  return ours
    .filter((c) => rank(c) >= 0)
    .sort((a, b) => rank(b) - rank(a))[0];
}

export type DevcontainerLookup = { container: ListedContainer; name: string } | { missing: string };

const nameOf = (c: ListedContainer) => c.Names?.[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12);

/**
 * Finds the spec's devcontainer through the engine, by the labels the Dev Containers CLI gives it: every container
 * carrying the folder label is listed, and its labels compared with berth's paths as written and through symlinks.
 * When none is the spec's, the reason names both labels looked for and a container open for another configuration.
 */
export async function findDevcontainer(list: ListContainersByLabel, where: DevcontainerLocation): Promise<DevcontainerLookup> {
  const labelled = await list([DEVCONTAINER_LABELS.localFolder]);
  const found = pickDevcontainer(labelled, where, samePlace);
  if (found) return { container: found, name: nameOf(found) };
  const other = labelled.find((c) => samePlace(c.Labels?.[DEVCONTAINER_LABELS.localFolder] ?? '', where.workspaceFolder) && c.State !== 'removing');
  const besides = other ? `; ${nameOf(other)} is open for another configuration (${other.Labels?.[DEVCONTAINER_LABELS.configFile] ?? 'no config-file label'})` : '';
  return {
    missing: `no container labelled ${DEVCONTAINER_LABELS.localFolder}=${where.workspaceFolder} and ${DEVCONTAINER_LABELS.configFile}=${where.configFile} (compared through symlinks too): the devcontainer has not been opened (Dev Containers: Reopen in Container, or devcontainer up)${besides}`,
  };
}

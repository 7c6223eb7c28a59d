import { posix } from 'node:path';
import { DEVCONTAINER_LABELS } from '@berth/spec';

/** The label the Dev Containers CLI writes on every container it starts: the merged metadata of its image and devcontainer.json (a JSON array). */
export const DEVCONTAINER_METADATA_LABEL = 'devcontainer.metadata';

/** A container as the engine inspects it (`GET /containers/{id}/json`): the fields read here. */
export interface InspectedDevcontainer {
  Config?: { Labels?: Record<string, string> | null; Env?: string[] | null };
  Mounts?: Array<{ Type?: string; Source?: string; Destination?: string }> | null;
}

/** How `devcontainer exec` runs a program in the devcontainer: as `user`, in `workingDir`, with `env` added. */
export interface RemoteExec {
  user?: string;
  workingDir?: string;
  /** remoteEnv, `${containerEnv:NAME}` filled from the container's environment. */
  env: Record<string, string>;
}

/** A container's `Env` list (`NAME=value`) as a map. */
export function envMap(list: readonly string[] | null | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of list ?? []) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

type MetadataEntry = { remoteUser?: unknown; containerUser?: unknown; remoteEnv?: unknown };

function metadataOf(label: string | undefined): MetadataEntry[] {
  if (!label) return [];
  try {
    const parsed: unknown = JSON.parse(label);
    const list = Array.isArray(parsed) ? parsed : [parsed];
    return list.filter((e): e is MetadataEntry => !!e && typeof e === 'object');
  } catch {
    return [];
  }
}

/**
 * What the Dev Containers CLI's `devcontainer exec` runs a program as, read off the container: the user, remoteEnv
 * and workspace folder. Each is taken from the `devcontainer.metadata` label the CLI writes (its entries merged in
 * order, as the CLI merges them: the last remoteUser, else the last containerUser; remoteEnv entries merged, a null
 * one unset), and the workspace folder from where the workspace folder (the `devcontainer.local_folder` label) is
 * mounted. Pure. What it cannot know (the login shell's environment, `userEnvProbe`) is left out.
 */
export function remoteExecOf(container: InspectedDevcontainer): RemoteExec {
  const labels = container.Config?.Labels ?? {};
  let remoteUser: string | undefined;
  let containerUser: string | undefined;
  const remoteEnv = new Map<string, string>();
  for (const entry of metadataOf(labels[DEVCONTAINER_METADATA_LABEL])) {
    if (typeof entry.remoteUser === 'string' && entry.remoteUser) remoteUser = entry.remoteUser;
    if (typeof entry.containerUser === 'string' && entry.containerUser) containerUser = entry.containerUser;
    if (entry.remoteEnv && typeof entry.remoteEnv === 'object') {
      for (const [name, value] of Object.entries(entry.remoteEnv as Record<string, unknown>)) {
        if (value === null) remoteEnv.delete(name);
        else if (typeof value === 'string') remoteEnv.set(name, value);
      }
    }
  }
  const containerEnv = envMap(container.Config?.Env);
  const workingDir = workspaceMount(container, labels[DEVCONTAINER_LABELS.localFolder]);
  const fill = (value: string) =>
    value
      .replace(/\$\{containerEnv:([^}:]+)(?::([^}]*))?\}/g, (_, name: string, fallback?: string) => containerEnv[name] ?? fallback ?? '')
      .replace(/\$\{containerWorkspaceFolder\}/g, workingDir ?? '');
  const env: Record<string, string> = {};
  for (const [name, value] of remoteEnv) env[name] = fill(value);
  const user = remoteUser ?? containerUser;
  return { ...(user ? { user } : {}), ...(workingDir ? { workingDir } : {}), env };
}

/** Where the host's workspace folder is mounted in the container (a mount of the folder itself, or of a folder above it). */
function workspaceMount(container: InspectedDevcontainer, folder: string | undefined): string | undefined {
  if (!folder) return undefined;
  const norm = (p: string) => p.replace(/\\/g, '/').replace(/\/+$/, '');
  const want = norm(folder);
  let best: { depth: number; path: string } | undefined;
  for (const m of container.Mounts ?? []) {
    if (!m.Source || !m.Destination) continue;
    const source = norm(m.Source);
    const under = want === source ? '' : want.startsWith(`${source}/`) ? want.slice(source.length + 1) : undefined;
    if (under === undefined) continue;
    if (!best || source.length > best.depth) best = { depth: source.length, path: under ? posix.join(m.Destination, under) : m.Destination };
  }
  return best?.path;
}

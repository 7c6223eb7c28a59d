/** Where the editor and the Dev Containers CLI look for devcontainer.json when told nothing. */
export const DEVCONTAINER_CONFIG = '.devcontainer/devcontainer.json';

/**
 * The labels the Dev Containers CLI (and so VS Code) puts on the container it starts: the workspace folder
 * on the host and the devcontainer.json it came from, both absolute. The container's name is the editor's
 * choice, so these labels are the only way to find it.
 */
export const DEVCONTAINER_LABELS = { localFolder: 'devcontainer.local_folder', configFile: 'devcontainer.config_file' } as const;

/** Where a spec's devcontainer lives, relative to the spec's folder (posix separators). */
export interface DevcontainerPlace {
  /** devcontainer.json. */
  config: string;
  /** The workspace folder the editor opens ('' is the spec's folder). */
  workspace: string;
  /** devcontainer.json is where the editor looks for it (`.devcontainer/`, `.devcontainer.json`, `.devcontainer/NAME/`). */
  standard: boolean;
  /** The editor finds `config` in `workspace` without being told which (the one default file), so the folder alone names the container. */
  onlyConfig: boolean;
}

const trimDot = (p: string) => p.replace(/\\/g, '/').replace(/^(\.\/)+/, '');

/**
 * The workspace folder of a devcontainer.json, as the editor sees it: the folder holding `.devcontainer/`
 * (for `.devcontainer/devcontainer.json` and `.devcontainer/NAME/devcontainer.json`) or `.devcontainer.json`;
 * any other place is opened with the spec's folder as the workspace (`devcontainer up --config`).
 */
export function devcontainerPlace(config: string = DEVCONTAINER_CONFIG): DevcontainerPlace {
  const path = trimDot(config);
  const folder = (prefix: string | undefined) => (prefix ?? '').replace(/\/$/, '');
  let m = /^(.*\/)?\.devcontainer\/devcontainer\.json$/.exec(path);
  if (m) return { config: path, workspace: folder(m[1]), standard: true, onlyConfig: true };
  m = /^(.*\/)?\.devcontainer\.json$/.exec(path);
  if (m) return { config: path, workspace: folder(m[1]), standard: true, onlyConfig: true };
  m = /^(.*\/)?\.devcontainer\/[^/]+\/devcontainer\.json$/.exec(path);
  if (m) return { config: path, workspace: folder(m[1]), standard: true, onlyConfig: false };
  return { config: path, workspace: '', standard: false, onlyConfig: false };
}

import type { DevcontainerJson } from './config-schema.js';
import { devcontainerLocation } from './find-container.js';
import { readDevcontainerJson } from './read-config.js';

/**
 * The environment a devcontainer sets over its image's, as NAME=VALUE, in the order docker applies it (a later entry
 * for a name wins): `containerEnv` (the Dev Containers CLI passes each as `-e` ahead of `runArgs`), then `-e` /
 * `--env` in `runArgs` (`-e X=1`, `--env X=1`, `--env=X=1`, `-e=X=1`, `-eX=1`). `--env NAME` without a value (taken
 * from the host's environment) and `--env-file` are left out: their values are not in the file.
 */
export function devcontainerEnv(config: Pick<DevcontainerJson, 'containerEnv' | 'runArgs'>): string[] {
  const out = Object.entries(config.containerEnv ?? {}).map(([name, value]) => `${name}=${value}`);
  const runArgs = config.runArgs ?? [];
  const take = (value: string | undefined) => {
    if (value !== undefined && value.indexOf('=') > 0) out.push(value);
  };
  for (let i = 0; i < runArgs.length; i++) {
    const a = runArgs[i]!;
    if (a === '-e' || a === '--env') take(runArgs[++i]);
    else if (a.startsWith('--env=')) take(a.slice('--env='.length));
    else if (a.startsWith('-e=')) take(a.slice('-e='.length));
    else if (a.startsWith('-e') && !a.startsWith('--')) take(a.slice('-e'.length));
  }
  return out;
}

/**
 * What the spec's devcontainer sets over its image's environment (`devcontainerEnv` of its devcontainer.json, found
 * where `devcontainerLocation` says from the spec's folder); undefined when the spec has no devcontainer or its
 * devcontainer.json cannot be read (berth's devcontainer checks say why: a GPU verdict is not the place).
 */
export function specDevcontainerEnv(specDir: string, devcontainer: { config?: string | undefined } | undefined): string[] | undefined {
  if (!devcontainer) return undefined;
  const { configFile } = devcontainerLocation(specDir, devcontainer.config);
  const read = readDevcontainerJson(configFile, configFile);
  return read.config ? devcontainerEnv(read.config) : undefined;
}

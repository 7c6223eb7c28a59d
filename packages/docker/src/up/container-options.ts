import { parseSize, type Service } from '@berth/spec';
import type Dockerode from 'dockerode';

/** Compose's `tmpfs` (`/path`, or `/path:size=64m,mode=1777`) as the engine's HostConfig.Tmpfs: each path and its mount options. */
export function tmpfsMounts(tmpfs: Service['tmpfs']): Record<string, string> | undefined {
  if (tmpfs === undefined) return undefined;
  const entries = (Array.isArray(tmpfs) ? tmpfs : [tmpfs]).map((entry) => {
    const colon = entry.indexOf(':');
    return colon < 0 ? [entry, ''] : [entry.slice(0, colon), entry.slice(colon + 1)];
  });
  return entries.length ? Object.fromEntries(entries) : undefined;
}

/**
 * A service's container options (hostname, init, tty, stdin_open, read_only, privileged, cap_add, cap_drop, shm_size,
 * tmpfs) as the engine's create fields: `config` at the top of the create body, `host` in its HostConfig. Only
 * those the spec sets, so a container made before berth carried them keeps its config hash.
 */
export function containerOptions(service: Service): { config: Partial<Dockerode.ContainerCreateOptions>; host: Dockerode.HostConfig } {
  const config: Partial<Dockerode.ContainerCreateOptions> = {};
  const host: Dockerode.HostConfig = {};
  if (service.hostname !== undefined) config.Hostname = service.hostname;
  if (service.tty !== undefined) config.Tty = service.tty;
  if (service.stdinOpen !== undefined) config.OpenStdin = service.stdinOpen;
  if (service.init !== undefined) host.Init = service.init;
  if (service.readOnly !== undefined) host.ReadonlyRootfs = service.readOnly;
  if (service.privileged !== undefined) host.Privileged = service.privileged;
  if (service.capAdd?.length) host.CapAdd = service.capAdd;
  if (service.capDrop?.length) host.CapDrop = service.capDrop;
  if (service.shmSize !== undefined) host.ShmSize = parseSize(service.shmSize);
  const tmpfs = tmpfsMounts(service.tmpfs);
  if (tmpfs) host.Tmpfs = tmpfs;
  return { config, host };
}

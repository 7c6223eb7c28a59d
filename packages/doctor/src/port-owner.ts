import type { PortHolder } from '@berth/docker/runtime';
import type { BerthSpec } from '@berth/spec';

/** Where the spec's devcontainer is, for a port it holds: its workspace folder, and how a label's path is compared with it. */
export interface DevcontainerHere {
  folder: string;
  same?: (a: string, b: string) => boolean;
}

/**
 * Whether a holder is one of the services the spec puts on that port: a container of that service
 * (in this project, when the label says), the spec's devcontainer (labelled with its workspace folder) for a
 * service that runs in it, or a host process whose command names the service or the program its runtime runs
 * (`mlflow ui ...` for mlflow). Pure.
 */
export function heldByRightService(spec: BerthSpec, project: string | undefined, services: string[], holder: PortHolder, devcontainer?: DevcontainerHere): string | undefined {
  if (holder.kind === 'container' && holder.devcontainerFolder !== undefined) {
    if (!devcontainer || !(devcontainer.same ?? ((a, b) => a === b))(holder.devcontainerFolder, devcontainer.folder)) return undefined;
    return services.find((s) => spec.services[s]?.runtime?.some((r) => r.kind === 'devcontainer'));
  }
  if (holder.kind === 'container') {
    if (project && holder.project && holder.project !== project) return undefined;
    return services.find((s) => s === holder.service);
  }
  if (holder.kind !== 'process' || !holder.command) return undefined;
  const command = holder.command.toLowerCase();
  return services.find((s) => {
    const programs = (spec.services[s]?.runtime ?? []).map((r) => r.command?.split(/\s+/)[0]).filter((p): p is string => !!p);
    return [s, ...programs].some((word) => new RegExp(`(^|[\\s/])${word.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([\\s.:-]|$)`).test(command));
  });
}

/**
 * The services a host process on their port may be, though heldByRightService cannot tell: those that run on the
 * host with no `command` in their runtime, so berth knows no program to match (an `api` run as `node server.js`).
 * Such a holder is neither theirs nor another's for certain. Pure.
 */
export function possibleHostOwners(spec: BerthSpec, services: string[], holder: PortHolder): string[] {
  if (holder.kind !== 'process') return [];
  return services.filter((s) => spec.services[s]?.runtime?.some((r) => r.kind === 'host' && !r.command));
}

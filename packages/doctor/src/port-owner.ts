import type { PortHolder } from '@berth/docker/runtime';
import type { BerthSpec } from '@berth/spec';

/**
 * Whether a holder is one of the services the spec puts on that port: a container of that service
 * (in this project, when the label says), or a host process whose command names the service or
 * the program its runtime runs (`mlflow ui ...` for mlflow). Pure.
 */
export function heldByRightService(spec: BerthSpec, project: string | undefined, services: string[], holder: PortHolder): string | undefined {
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

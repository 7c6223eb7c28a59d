import type { Problem } from '../problem.js';
import { analyzePorts } from './analyze-ports.js';
import { formatSpan } from './port-index.js';
import type { NewRegistryEntry } from './registry-edit.js';
import type { PortBindingInfo, RegistryInput, SpecInput } from './types.js';
import { serviceNamed } from '../selection/profiles.js';

/** Codes that make registering a port wrong rather than merely noteworthy. */
const BLOCKING = new Set(['port-registered-elsewhere', 'port-reserved', 'port-conflict', 'port-partly-registered', 'port-privileged']);

export interface RegistrationPlan {
  /** Entries to add to the registry. Empty when refused or nothing is missing. */
  add: NewRegistryEntry[];
  /** The service's ports that are already registered to it. */
  already: PortBindingInfo[];
  /** Why it is refused: conflicts on the service's ports (errors). When any, nothing may be written. */
  refusals: Problem[];
}

/** What `berth ports register <service>` would add, or why it must refuse. */
export function planRegistration(input: { spec: SpecInput; registry: RegistryInput; service: string }): RegistrationPlan {
  const report = analyzePorts({ specs: [input.spec], registry: input.registry });
  const svc = serviceNamed(input.spec.spec, input.service);
  const plan: RegistrationPlan = { add: [], already: [], refusals: [] };
  if (!svc) return plan;
  const mine = report.bindings.filter((b) => b.service === input.service);
  const onService = (p: Problem) => p.path?.[0] === 'services' && p.path[1] === input.service && p.path[2] === 'ports';
  plan.refusals = report.problems.filter((p) => onService(p) && p.severity === 'error' && BLOCKING.has(p.code));
  if (plan.refusals.length) return plan;
  const repo = input.spec.spec.repo.name;
  svc.ports?.forEach((p, j) => {
    const b = mine[j]!;
    if (b.registered) {
      plan.already.push(b);
      return;
    }
    plan.add.push({
      port: p.host.from === p.host.to ? p.host.from : formatSpan(p.host),
      protocol: p.protocol,
      ...(b.hostIp ? { hostIp: b.hostIp } : {}),
      ...(b.machine ? { machine: b.machine } : {}),
      repo,
      service: input.service,
      ...(p.name ? { name: p.name } : {}),
      ...(p.env ? { env: p.env } : {}),
      ...(p.description ?? svc.name ? { description: p.description ?? svc.name } : {}),
    });
  });
  return plan;
}

import { portCandidates, type PortCandidatesInput } from '@berth/spec';
import { freePortsOn, hostPortProbe, type FreePortsOptions, type HostPortCheck } from './host-ports.js';

export type PortSuggestionQuery = PortCandidatesInput & FreePortsOptions;

/**
 * berth's one answer to "which host port could this service publish instead": the ports the registry and the
 * specs leave free (portCandidates: not allocated, not reserved for another repo, not published by a spec, not
 * privileged, not ephemeral), nearest first, that the host does not hold (default: this host, by the probe).
 * `berth ports suggest` prints them; `berth up`'s preflight offers the first in its hint, so following the hint
 * never lands on a port `berth validate` then refuses.
 */
export async function suggestPorts(query: PortSuggestionQuery, host?: HostPortCheck): Promise<{ free: number[]; taken: number[] }> {
  return freePortsOn(host ?? (await hostPortProbe()), portCandidates(query), query);
}

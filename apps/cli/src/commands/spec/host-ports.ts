import type { PortSuggestionQuery } from '@berth/docker/runtime';

/**
 * Free host ports for `berth ports suggest`, by @berth/docker's one free-port rule (suggestPorts: the registry's and
 * the specs' free ports, then the one host-port probe), the rule `berth up`'s preflight offers a port by.
 */
export async function freeOnHost(query: PortSuggestionQuery): Promise<{ free: number[]; busy: number[] }> {
  const { suggestPorts } = await import('@berth/docker/runtime');
  const { free, taken } = await suggestPorts(query);
  return { free, busy: taken };
}

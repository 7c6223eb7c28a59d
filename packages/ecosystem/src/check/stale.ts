import { bindsClash, closest, holderName, portLabel, type RegistryEntryInfo } from '@berth/spec';
import type { EcosystemProblem } from '../model.js';
import type { PortMap } from './port-map.js';

/**
 * Registry allocations no member declares. An entry of a member that its spec does not publish is the port
 * analysis's own finding (registry-entry-unused); here: entries of repos that are not members (unless the member
 * could not be loaded), and shared entries (or entries with no repo) that no member publishes and no member's
 * connection reaches.
 */
export function staleEntries(map: PortMap, reached: ReadonlyMap<RegistryEntryInfo, ReadonlySet<string>>): EcosystemProblem[] {
  const out: EcosystemProblem[] = [];
  const names = [...map.members.keys()];
  const manifest = map.eco.manifests[0];
  for (const e of map.report.entries) {
    if (e.repo !== undefined) {
      if (map.members.has(e.repo) || map.eco.unloaded.includes(e.repo)) continue;
      const guess = closest(e.repo, names);
      out.push({
        code: 'registry-entry-stale',
        severity: 'warning',
        ...map.whereEntry(e),
        repos: [e.repo],
        message: `${portLabel(e)} is allocated to ${holderName(e)}, but ${e.repo} ${map.outsider}${guess ? ` (did you mean "${guess}"?)` : ''}`,
        hint: manifest ? `remove the entry, or add ${e.repo} to the members in ${manifest.file}` : 'remove the entry, or check that repo\'s spec too',
      });
      continue;
    }
    // With a member missing, its connections are unknown: a shared entry nobody else reaches may still be its.
    if (reached.has(e) || map.eco.unloaded.length) continue;
    if (map.bindingsAt(e.protocol, e.from, e.to).some((b) => bindsClash(b, e))) continue;
    out.push({
      code: 'registry-entry-stale',
      severity: 'warning',
      ...map.whereEntry(e),
      repos: [],
      message: `${portLabel(e)} is allocated to ${holderName(e, e.shared)}, but no member publishes it and no member's connection reaches it`,
      hint: 'remove the entry, or add the connection to the specs that use it',
    });
  }
  return out;
}

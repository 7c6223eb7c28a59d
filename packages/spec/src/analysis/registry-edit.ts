import { isAlias, isMap, isScalar, isSeq, type YAMLMap, type YAMLSeq } from 'yaml';
import { parseYamlDocument } from '../load/yaml-library.js';

/** A new allocation to write into the registry file. */
export interface NewRegistryEntry {
  port: number | string;
  protocol?: 'tcp' | 'udp';
  hostIp?: string;
  machine?: string;
  repo?: string;
  service: string;
  name?: string;
  env?: string;
  description?: string;
}

/**
 * The registry text with `entries` added to its `ports` list, keeping every comment, blank line and the
 * order of what is there. New entries go after the last entry of the same repo (so repos stay grouped),
 * else at the end, in the style of their neighbours (flow `{ ... }` or block).
 */
export function addRegistryEntries(text: string, entries: NewRegistryEntry[]): string {
  const doc = parseYamlDocument(text);
  if (doc.errors.length) throw new Error(`the registry does not parse: ${doc.errors[0]!.message.split('\n')[0]}`);
  if (!isMap(doc.contents)) throw new Error('the registry is not a YAML mapping');
  const found: unknown = doc.get('ports', true);
  // a list written elsewhere (`ports: *shared`): adding to it here would replace it, so berth does not
  if (found !== undefined && !isSeq(found) && !(isScalar(found) && found.value === null)) {
    throw new Error(`its \`ports\` is ${isAlias(found) ? `a YAML alias (*${found.source})` : 'not a list'}, not a list written in place: berth adds entries only to such a list (write the list out, or add the entry by hand)`);
  }
  let ports = found as YAMLSeq | undefined;
  if (!ports || !isSeq(ports)) {
    ports = doc.createNode([]) as YAMLSeq;
    doc.set('ports', ports);
  }
  // `ports: []` becomes a block list: one entry per line reads and diffs better.
  if (ports.items.length === 0) ports.flow = false;
  for (const entry of entries) {
    const items = ports.items as unknown[];
    let at = -1;
    items.forEach((item, i) => {
      if (isMap(item) && entry.repo !== undefined && (item as YAMLMap).get('repo') === entry.repo) at = i;
    });
    const neighbour = items[at >= 0 ? at : items.length - 1];
    const node = doc.createNode(ordered(entry)) as YAMLMap;
    node.flow = isMap(neighbour) ? !!(neighbour as YAMLMap).flow : false;
    if (at >= 0) items.splice(at + 1, 0, node);
    else items.push(node);
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true });
}

function ordered(e: NewRegistryEntry): Record<string, unknown> {
  const out: Record<string, unknown> = { port: e.port };
  if (e.protocol && e.protocol !== 'tcp') out.protocol = e.protocol;
  if (e.hostIp) out.hostIp = e.hostIp;
  if (e.machine) out.machine = e.machine;
  if (e.repo) out.repo = e.repo;
  out.service = e.service;
  if (e.name) out.name = e.name;
  if (e.env) out.env = e.env;
  if (e.description) out.description = e.description;
  return out;
}

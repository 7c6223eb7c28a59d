import { Document, isAlias, isMap, isScalar, isSeq, type YAMLMap, type YAMLSeq } from 'yaml';
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
 * The registry text with `entries` added to its `ports` list, keeping every byte that is there: comments, their
 * alignment, blank lines, the order, the list's own style (`{ port: ... }` padded or not, block entries, the
 * indentation), CRLF line ends and a BOM. New entries go after the last entry of the same repo (so repos stay
 * grouped), else at the end, in the style of that neighbour; each is spliced into the text as a line (or lines)
 * of its own. A list berth cannot splice into (none yet, empty, or a flow list `[...]`) is written out by the
 * YAML library instead, which keeps comments but not every space.
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
  if (isSeq(found) && !found.flow && found.items.length) return spliceEntries(text, found as YAMLSeq, entries);
  return rewriteWithEntries(doc, entries);
}

/** The index of the entry a new one goes after: the last of its repo, else the last of all. */
function anchorOf(items: readonly unknown[], entry: NewRegistryEntry): number {
  let at = -1;
  items.forEach((item, i) => {
    if (isMap(item) && entry.repo !== undefined && (item as YAMLMap).get('repo') === entry.repo) at = i;
  });
  return at >= 0 ? at : items.length - 1;
}

/**
 * Splices each entry into the text as lines of its own after its anchor's, in the anchor's style. A registry that
 * heads its groups with the repo's name (`# semops-data` above semops-data's entries) gets a group of the same kind
 * for a repo's first entry: a blank line and `# <repo>`, indented as the entries, so the new entry does not sit
 * under the heading of the group before it. Later entries of that repo then go after it, in its group.
 */
function spliceEntries(text: string, ports: YAMLSeq, entries: NewRegistryEntry[]): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const items = ports.items as unknown[];
  const headed = headsGroupsByRepo(text, items);
  const grouped = new Set<string>();
  // where each anchor's last line ends, and the lines to put there (in the order the entries came)
  const inserts = new Map<number, string[]>();
  for (const entry of entries) {
    const anchor = items[anchorOf(items, entry)] as YAMLMap;
    const [start, , end] = anchor.range!;
    const { indent, afterDash } = itemLine(text, start);
    const lineEnd = text.indexOf('\n', Math.max(end - 1, start));
    const at = lineEnd === -1 ? text.length : lineEnd + 1;
    const lines = entryLines(entry, anchor, text.slice(start, end), indent, afterDash);
    const repo = entry.repo;
    if (headed && repo !== undefined && !grouped.has(repo) && !hasRepo(items, repo)) {
      grouped.add(repo);
      lines.unshift('', `${indent}# ${repo}`);
    }
    inserts.set(at, [...(inserts.get(at) ?? []), lines.join(eol)]);
  }
  let out = text;
  for (const at of [...inserts.keys()].sort((a, b) => b - a)) {
    const before = at === out.length && !out.endsWith('\n') ? eol : '';
    out = `${out.slice(0, at)}${before}${inserts.get(at)!.map((l) => `${l}${eol}`).join('')}${out.slice(at)}`;
  }
  return out;
}

/** The indentation before an entry's `-` and what lies between the `-` and the entry, for the entry starting at `start`. */
function itemLine(text: string, start: number): { indent: string; afterDash: string; lineStart: number } {
  const dash = text.lastIndexOf('-', start);
  const lineStart = text.lastIndexOf('\n', dash) + 1;
  return { indent: text.slice(lineStart, dash), afterDash: text.slice(dash + 1, start), lineStart };
}

function hasRepo(items: readonly unknown[], repo: string): boolean {
  return items.some((item) => isMap(item) && (item as YAMLMap).get('repo') === repo);
}

/** Whether some entry of a repo has a comment line right above it whose first word is that repo: the registry heads its groups so. */
function headsGroupsByRepo(text: string, items: readonly unknown[]): boolean {
  return items.some((item) => {
    if (!isMap(item) || !item.range) return false;
    const repo = (item as YAMLMap).get('repo');
    if (typeof repo !== 'string') return false;
    const { lineStart } = itemLine(text, item.range[0]);
    const above = text.slice(text.lastIndexOf('\n', lineStart - 2) + 1, Math.max(lineStart - 1, 0)).replace(/\r$/, '');
    return /^\s*#\s*(\S+)/.exec(above)?.[1]?.replace(/:$/, '') === repo;
  });
}

/** The lines of one new entry: `- { ... }` padded as the anchor is, or a block mapping indented as the anchor's. */
function entryLines(entry: NewRegistryEntry, anchor: YAMLMap, anchorText: string, indent: string, afterDash: string): string[] {
  const entryDoc = new Document(ordered(entry));
  const node = entryDoc.contents as YAMLMap;
  if (anchor.flow) {
    node.flow = true;
    const padded = /^\{\s/.test(anchorText);
    return [`${indent}-${afterDash}${entryDoc.toString({ lineWidth: 0, flowCollectionPadding: padded }).trim()}`];
  }
  // a block mapping: its keys line up under the anchor's first key
  const keyIndent = ' '.repeat(indent.length + 1 + afterDash.length);
  const body = entryDoc.toString({ lineWidth: 0 }).trimEnd().split('\n');
  return body.map((line, i) => (i === 0 ? `${indent}-${afterDash}${line}` : `${keyIndent}${line}`));
}

/** The old way, for a list there is nothing to splice into: the library writes the document out again. */
function rewriteWithEntries(doc: Document.Parsed, entries: NewRegistryEntry[]): string {
  let ports = doc.get('ports', true) as YAMLSeq | undefined;
  if (!ports || !isSeq(ports)) {
    ports = doc.createNode([]) as YAMLSeq;
    doc.set('ports', ports);
  }
  // `ports: []` becomes a block list: one entry per line reads and diffs better.
  if (ports.items.length === 0) ports.flow = false;
  for (const entry of entries) {
    const items = ports.items as unknown[];
    const at = items.length ? anchorOf(items, entry) : -1;
    const neighbour = items[at];
    const node = doc.createNode(ordered(entry)) as YAMLMap;
    node.flow = isMap(neighbour) ? !!(neighbour as YAMLMap).flow : false;
    items.splice(at + 1, 0, node);
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

import { relative } from 'node:path';
import { code, generatedNotice, link, oneLine } from '@berth/spec/render';
import type { EcosystemReport } from '../check/check-ecosystem.js';
import type { Ecosystem, EcosystemMember, GraphShared } from '../model.js';

/** The three pages `berth ecosystem docs` writes, in order. */
export const ECOSYSTEM_PAGES = ['PORTS.md', 'GLOBAL_INFRASTRUCTURE.md', 'DIAGRAMS.md'] as const;
export type EcosystemPage = (typeof ECOSYSTEM_PAGES)[number];

/** What every page renders from: the loaded ecosystem, what the checks found, and the folder the page goes to. */
export interface PageContext {
  eco: Ecosystem;
  report: EcosystemReport;
  /** Absolute path of the folder the pages are written to: links are relative to it. */
  dir: string;
}

/** A link from the pages' folder to a file on disk. */
export function fileLink(ctx: PageContext, path: string, title?: string): string {
  const rel = relative(ctx.dir, path).split('\\').join('/') || '.';
  return link(rel, title ?? rel.slice(rel.lastIndexOf('/') + 1));
}

/** The generated-page notice and the ecosystem's name, as every page starts. */
export function pageHeader(ctx: PageContext, title: string): string[] {
  const from = ctx.eco.manifests.length ? 'the ecosystem manifest, the port registry and the members\' berth.yaml' : 'the port registry and the members\' berth.yaml';
  const lines = [`# ${title}`, '', generatedNotice('berth ecosystem docs', from, 'edit those, not this page'), ''];
  const name = ctx.eco.name ?? ctx.eco.registry.value.owner;
  lines.push(`> **Ecosystem:** ${code(name)}${ctx.eco.description ? ` — ${oneLine(ctx.eco.description)}` : ''}`);
  return lines;
}

/** Where a member's berth.yaml is, as the manifest says it (or relative to the pages, for a spec named on the command line). */
export function memberSourceText(ctx: PageContext, m: EcosystemMember): string {
  const e = m.entry;
  if (e?.git !== undefined) return `${code(e.git)} at ${code(e.ref ?? 'HEAD')}${e.file ? ` (${code(e.file)})` : ''}`;
  if (e?.package !== undefined) return `${code(e.package)} (${code(e.file ?? 'berth.yaml')})`;
  if (e?.path !== undefined) return code(e.path);
  return code(relative(ctx.dir, m.path).split('\\').join('/'));
}

/** "Jupyter Lab" for a service with a display name, else its id. */
export function serviceTitle(m: EcosystemMember | undefined, id: string): string {
  return m?.spec.services[id]?.name ?? id;
}

/** The shared services by port (then protocol), as every table of the pages is sorted; the graph keeps the registry's order. */
export function sharedByPort(ctx: PageContext): GraphShared[] {
  return [...ctx.report.graph.shared].sort((a, b) => parseInt(a.port, 10) - parseInt(b.port, 10) || a.protocol.localeCompare(b.protocol));
}

import { printable } from '@berth/spec/render';
import type { EcosystemReport } from '../check/check-ecosystem.js';
import type { Ecosystem } from '../model.js';
import { renderDiagramsPage } from './diagrams-page.js';
import { renderGlobalPage } from './global-page.js';
import { ECOSYSTEM_PAGES, type EcosystemPage } from './page-context.js';
import { renderPortsPage } from './ports-page.js';

export { ECOSYSTEM_PAGES, type EcosystemPage, type PageContext } from './page-context.js';
export { renderPortsPage, renderGlobalPage, renderDiagramsPage };

/**
 * The ecosystem's three pages, keyed by file name: PORTS.md, GLOBAL_INFRASTRUCTURE.md and DIAGRAMS.md.
 * Pure: the same ecosystem and report render the same text; links are relative to `dir`, where they are written.
 */
export function renderEcosystemPages(eco: Ecosystem, report: EcosystemReport, dir: string): Record<EcosystemPage, string> {
  const ctx = { eco, report, dir };
  const render = { 'PORTS.md': renderPortsPage, 'GLOBAL_INFRASTRUCTURE.md': renderGlobalPage, 'DIAGRAMS.md': renderDiagramsPage } as const;
  // a member's strings (names, purposes) can hold control characters: none reaches the pages
  return Object.fromEntries(ECOSYSTEM_PAGES.map((p) => [p, printable(render[p](ctx))])) as Record<EcosystemPage, string>;
}

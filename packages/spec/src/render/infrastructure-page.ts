import type { BerthSpec, Consumer } from '../schema/spec.js';
import { code, printable } from './markdown.js';
import { generatedNotice, oneLine } from './generated-notice.js';
import { servicesSection } from './services-section.js';
import { dockerSection } from './docker-section.js';
import { connectionsSection, consumersSection, envSection, relatedDocsSection } from './env-section.js';
import { stackSection } from './stack-section.js';
import { healthSection } from './health-section.js';
import { specSecrets, specWithoutSecrets } from '../secrets/in-spec.js';
import { makeRedactor } from '../secrets/redactor.js';

/** The file name `berth docs` writes beside the spec. */
export const INFRASTRUCTURE_PAGE = 'INFRASTRUCTURE.md';

const ROLE_TEXT = {
  owner: 'This repo owns and operates these services',
  consumer: 'This repo uses these services; others operate them',
} as const;

export interface RenderOptions {
  /** The spec file name as written in the generated-page notice (default berth.yaml). */
  specFile?: string;
  /**
   * Who uses this repo's services, derived from the connections of the other repos of its ecosystem
   * (@berth/ecosystem's consumersOf): rendered instead of the spec's hand-written `consumers:`.
   */
  derivedConsumers?: { ecosystem: string; consumers: Consumer[] };
}

function header(spec: BerthSpec, specFile: string): string[] {
  const r = spec.repo;
  const lines = [
    '# Infrastructure',
    '',
    generatedNotice('berth docs', specFile, 'edit the spec, not this page'),
    '',
    `> **Repo:** ${code(r.name)}${r.description ? ` — ${oneLine(r.description)}` : ''}`,
    `> **Owner:** ${ROLE_TEXT[r.role]}${r.owner ? ` (${r.owner})` : ''}`,
    `> **Status:** ${r.status.toUpperCase()}`,
  ];
  if (r.version) lines.push(`> **Version:** ${r.version}`);
  if (r.lastUpdated) lines.push(`> **Last Updated:** ${r.lastUpdated}`);
  return lines;
}

/**
 * The spec as the Markdown page teams used to keep by hand: services, Docker profiles and network,
 * devcontainer, env vars, connections, stack, health checks, consumers and related docs.
 * Pure: the same spec always renders the same text. A secret written into the spec (a check URL's password, a
 * literal under a secret-looking name: specSecrets, whatever its length) is `[redacted]` on the page, which is committed and read by
 * more people than the spec; only the spec decides what is hidden, never the environment, so every machine
 * renders the same page.
 */
export function renderInfrastructurePage(written: BerthSpec, options: RenderOptions = {}): string {
  // every secret hidden where it stands, however short (a check URL's password); the redactor below then hides
  // each value wherever else the page repeats it, where that is safe (MIN_SECRET_LENGTH)
  const spec = specWithoutSecrets(written);
  const sections = [
    servicesSection(spec),
    dockerSection(spec),
    envSection(spec),
    connectionsSection(spec),
    stackSection(spec),
    healthSection(spec),
    consumersSection(spec, options.derivedConsumers),
    relatedDocsSection(spec),
  ].filter((s) => s.length > 0);
  const lines = [...header(spec, options.specFile ?? 'berth.yaml'), '', '---'];
  for (const s of sections) lines.push('', ...s);
  const redact = makeRedactor(specSecrets(written).found.flatMap((s) => s.values));
  // headings, quotes and lists carry the spec's strings too: no control character reaches the page
  return redact(printable(`${lines.join('\n')}\n`));
}

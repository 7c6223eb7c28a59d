import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderSpecReference } from '../src/render/spec-reference.js';

const committed = readFileSync(fileURLToPath(new URL('../../../docs/spec-reference.md', import.meta.url)), 'utf8');

describe('docs/spec-reference.md', () => {
  const fresh = renderSpecReference();

  it('matches the zod schemas (regenerate with: npx tsx packages/spec/scripts/gen-spec-reference.mts)', () => {
    expect(committed).toBe(fresh);
  });

  it('documents every top-level key of berth.yaml and of the registry, with the descriptions written in the schemas', () => {
    for (const key of ['berth', 'repo', 'registry', 'profiles', 'services', 'networks', 'modules', 'env', 'conventions', 'connections', 'devcontainer', 'stack', 'consumers', 'docs']) expect(fresh).toContain(`| \`${key}\` |`);
    for (const key of ['owner', 'allowPrivileged', 'reserved', 'ports', 'shared']) expect(fresh).toContain(`| \`${key}\` |`);
    expect(fresh).toContain('Display name, such as "Marquez API".');
    expect(fresh).toContain('## HealthCheck (berth.yaml)');
  });

  it('says what berth accepts: a date string for lastUpdated, never "anything"; an object with a rule on its keys stays a map', () => {
    expect(fresh).toContain('| `lastUpdated` | string (`^\\d{4}-\\d{2}-\\d{2}$`) |');
    expect(fresh).not.toContain('or anything');
    expect(fresh).toMatch(/\| `devcontainer` \| \[map\]\(#/);
    expect(fresh).toContain('| `engines` | map of name → [map](#');
  });

  it('links only to sections it has', () => {
    const anchors = new Set(fresh.split('\n').filter((l) => l.startsWith('## ')).map((l) => l.slice(3).toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')));
    const links = [...fresh.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(20);
    expect(links.filter((l) => !anchors.has(l))).toEqual([]);
  });
});

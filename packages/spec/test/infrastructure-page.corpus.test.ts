import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSpecFile } from '../src/index.js';
import { renderInfrastructurePage } from '../src/render/index.js';

const workspaceRoot = fileURLToPath(new URL('../../../', import.meta.url));
const seedFile = resolve(workspaceRoot, '../shared/seeds/000_1d289781582062e6.txt');
const haveSeed = existsSync(seedFile);

/**
 * Where the seed page is wrong and the rendered page deliberately differs, with the reason.
 * Each maps the seed's text to what the rendered page says instead.
 */
const KNOWN_SEED_ERRORS: Record<string, { instead: string; why: string }> = {
  '`ysemops-dataofiling`': { instead: '`ydata-profiling`', why: 'a search-and-replace of "ydata" with "semops-data" mangled the package name' },
  'python -c "import torch; print(f\'CUDA: {torch.cuda.is_available}\')"': {
    instead: 'python -c "import torch; print(torch.cuda.is_available())"',
    why: 'the seed prints the function object, which is always truthy; the check must call it',
  },
};

function tableCells(text: string): string[] {
  const cells: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('|') || /^\|[-| :]+\|$/.test(line)) continue;
    for (const c of line.slice(1, -1).split(/(?<!\\)\|/)) if (c.trim()) cells.push(c.trim());
  }
  return cells;
}

function shellLines(text: string): string[] {
  const out: string[] = [];
  let inBash = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) inBash = line === '```bash';
    else if (inBash && line.trim() && !line.startsWith('#')) out.push(line.trim());
  }
  return out;
}

const tokens = (s: string) => s.toLowerCase().replace(/[*`()[\]|,;+]/g, ' ').split(/\s+/).filter((t) => t && t !== '—' && t !== '-');

describe.skipIf(!haveSeed)(`the rendered page against the real seed page${haveSeed ? '' : ` (skipped: ${seedFile} is absent; it lives in ../shared beside the workspace)`}`, () => {
  const seed = haveSeed ? readFileSync(seedFile, 'utf8') : '';
  const page = renderInfrastructurePage(loadSpecFile(resolve(workspaceRoot, 'examples/semops-data/berth.yaml')).value!);
  const pageTokens = new Set(tokens(page));

  /** A seed text is carried when the page has it verbatim, or (for wording the page phrases its own way) every word of it. */
  const carried = (text: string) => {
    const known = Object.entries(KNOWN_SEED_ERRORS).find(([wrong]) => text.includes(wrong));
    const expected = known ? text.replace(known[0], known[1].instead) : text;
    return page.includes(expected) || tokens(expected).every((t) => pageTokens.has(t));
  };

  it('finds the seed\'s tables and commands to compare', () => {
    expect(tableCells(seed).length).toBeGreaterThan(100);
    expect(shellLines(seed).length).toBeGreaterThan(8);
  });

  it('carries every table cell of the seed page', () => {
    expect(tableCells(seed).filter((c) => !carried(c))).toEqual([]);
  });

  it('carries every command of the seed page, with the seed\'s known errors corrected', () => {
    expect(shellLines(seed).filter((c) => !carried(c))).toEqual([]);
    for (const [wrong, { instead }] of Object.entries(KNOWN_SEED_ERRORS)) {
      expect(seed).toContain(wrong); // the seed really has the error we correct
      expect(page).toContain(instead);
      expect(page).not.toContain(wrong);
    }
  });

  it('carries every link of the seed page', () => {
    const links = [...seed.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(5);
    expect(links.filter((l) => !page.includes(`](${l})`))).toEqual([]);
  });
});

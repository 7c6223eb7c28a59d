import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadSpecFile } from '../src/index.js';
import { mergeKeepBlocks, renderInfrastructurePage } from '../src/render/index.js';

const dir = fileURLToPath(new URL('../../../examples/semops-data/', import.meta.url));

// The example's INFRASTRUCTURE.md is committed, as a repo using berth would commit it; it must be
// exactly what `berth docs --write` renders today, or `berth docs --check` fails for users too.
describe('the committed semops-data page', () => {
  it('is what berth docs renders from the committed spec', () => {
    const spec = loadSpecFile(`${dir}berth.yaml`).value!;
    const committed = readFileSync(`${dir}INFRASTRUCTURE.md`, 'utf8');
    const rendered = mergeKeepBlocks(renderInfrastructurePage(spec, { specFile: 'berth.yaml' }), committed);
    expect(rendered).toBe(committed);
  });
});

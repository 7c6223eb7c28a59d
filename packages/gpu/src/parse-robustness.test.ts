import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseNvidiaSmiXml } from './parse-xml.js';
import { parseNvidiaSmiOutput } from './parse-output.js';
import { parseNvidiaSmiQueryText } from './parse-query-text.js';
import { ownFixture } from '../test/fixtures.js';

// Output cut anywhere, or garbage of any shape, must give a verdict, never a throw.
describe('parsers never throw', () => {
  const xml = ownFixture('two-gpus-mig.xml');
  const text = ownFixture('query-610.q.txt');

  it('XML cut at every offset: unparseable, or the GPUs read so far, flagged truncated', () => {
    const full = parseNvidiaSmiXml(xml);
    if (full.status !== 'ok') throw new Error('fixture must parse');
    const end = xml.trimEnd().length;
    for (let cut = 0; cut < end; cut++) {
      const d = parseNvidiaSmiXml(xml.slice(0, cut));
      if (d.status === 'ok') {
        expect(d.gpus.length).toBeLessThanOrEqual(full.gpus.length);
        expect(d.truncated, `cut at ${cut}`).toBe(true);
        for (const g of d.gpus) expect(g.name.length).toBeGreaterThan(0);
      } else expect(d.status).toBe('unparseable');
    }
  });

  it('-q text cut at every line: a verdict, never more GPUs than the whole, never a throw', () => {
    const full = parseNvidiaSmiQueryText(text);
    if (full.status !== 'ok') throw new Error('fixture must parse');
    expect(full.gpus).toHaveLength(1);
    const lines = text.split('\n');
    const verdicts = lines.map((_, n) => parseNvidiaSmiQueryText(lines.slice(0, n).join('\n')));
    for (const d of verdicts) {
      expect(['ok', 'unparseable']).toContain(d.status);
      expect(d.status === 'ok' ? d.gpus.length : 0).toBeLessThanOrEqual(full.gpus.length);
    }
    // Both verdicts occur, so the bound above is exercised on real partial reads.
    expect(verdicts.some((d) => d.status === 'ok')).toBe(true);
    expect(verdicts.some((d) => d.status === 'unparseable')).toBe(true);
  });

  it('arbitrary strings give a verdict', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        const d = parseNvidiaSmiOutput(s);
        expect(['ok', 'unparseable']).toContain(d.status);
      }),
      { numRuns: 500 },
    );
  });

  it('XML-shaped noise gives a verdict', () => {
    const token = fc.constantFrom('<nvidia_smi_log>', '</nvidia_smi_log>', '<gpu id="1">', '</gpu>', '<product_name>', '</product_name>', '<uuid>', 'N/A', '&amp;', '&#x41;', '<!--', '-->', '<![CDATA[', ']]>', '<?xml ?>', '<!DOCTYPE x [', ']>', '<', '>', '/>', ' ', 'x');
    fc.assert(
      fc.property(fc.array(token, { maxLength: 60 }), (parts) => {
        const d = parseNvidiaSmiXml(parts.join(''));
        expect(['ok', 'unparseable']).toContain(d.status);
      }),
      { numRuns: 1000 },
    );
  });
});

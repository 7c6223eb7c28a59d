import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PortIndex } from './port-index.js';

describe('PortIndex', () => {
  it('finds exactly the items a full scan finds, for single ports, narrow and wide ranges', () => {
    const span = fc.tuple(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 0, max: 3000 })).map(([from, w]) => ({ from, to: Math.min(65535, from + (w % 7 === 0 ? w : w % 20)) }));
    fc.assert(
      fc.property(fc.array(span, { maxLength: 60 }), span, (items, q) => {
        const index = new PortIndex<{ from: number; to: number }>();
        items.forEach((i) => index.add(i));
        const expected = items.filter((i) => i.from <= q.to && i.to >= q.from);
        expect(new Set(index.overlapping(q.from, q.to))).toEqual(new Set(expected));
        expect(index.overlapping(q.from, q.to)).toHaveLength(new Set(expected).size);
      }),
      { numRuns: 300 },
    );
  });
});

import { CUT_MARK, redactorFor } from '@berth/spec';
import { describe, expect, it } from 'vitest';
import { outputCollector } from './frames.js';
import { engineFrame as frame } from './frames.test-helpers.js';

describe('outputCollector', () => {
  it('keeps each stream up to its cap and marks a cut one, so the redactor can drop a secret the cut split', () => {
    const token = 'ghp_7Yx0aQ2mB9cD4eF1gH2iJ3kL4mN5oP6qR7sT';
    const out = outputCollector(24);
    out.push(frame(1, `token=${token}`));
    out.push(frame(2, 'short'));
    const text = out.text();
    expect(text).toEqual({ stdout: `token=${token.slice(0, 18)}${CUT_MARK}`, stderr: 'short' });
    // none of the token's characters survive the redactor that knows it
    expect(redactorFor({ env: { GITHUB_TOKEN: token } })(text.stdout)).not.toContain(token.slice(0, 4));
  });
});

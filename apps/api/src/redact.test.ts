import { describe, expect, it } from 'vitest';
import { parseSpec } from '@berth/spec';
import { makeRedactor, secretValues } from './redact.js';

describe('secretValues and makeRedactor', () => {
  it('redacts values of secret-looking and spec-secret variables, leaves short and plain ones', () => {
    const spec = parseSpec(`berth: 1
repo: { name: t }
env:
  SHOP_PIN: { secret: true }
  SHOP_URL: { type: url }
`).value!;
    const env = { OPENAI_API_KEY: 'sk-abcdefghijkl', SHOP_PIN: 'pin-1234567', SHOP_URL: 'http://localhost:8080', DEBUG_TOKEN: 'short', HOME: '/home/someone' };
    const values = secretValues(env, spec, ['the-api-token-xyz']);
    expect(values).toEqual(expect.arrayContaining(['sk-abcdefghijkl', 'pin-1234567', 'the-api-token-xyz']));
    expect(values).not.toContain('http://localhost:8080');
    expect(values).not.toContain('short');
    const redact = makeRedactor(values);
    expect(redact('key sk-abcdefghijkl and pin-1234567 at http://localhost:8080')).toBe('key [redacted] and [redacted] at http://localhost:8080');
    expect(makeRedactor([])('unchanged')).toBe('unchanged');
  });
});

import { describe, expect, it } from 'vitest';
import { isTraversal } from './static-routes.js';

describe('isTraversal', () => {
  it('catches dot segments however encoded, backslashes and NUL', () => {
    for (const p of ['/../etc/passwd', '/a/../../b', '/%2e%2e/x', '/%252e%252e/x', '/..%2fx', '/a%5c..%5cb', '/./x', '/a%00b', '/%E0%A4%A']) expect(isTraversal(p), p).toBe(true);
  });
  it('catches empty segments, which name no file, however encoded', () => {
    for (const p of ['//health', '//index.html', '/assets//a.js', '/x//', '/%2fhealth', '/a%252f%252fb']) expect(isTraversal(p), p).toBe(true);
  });
  it('lets ordinary paths through', () => {
    for (const p of ['/', '/index.html', '/assets/index-3f2a.js', '/api/services?x=..', '/a..b/c']) expect(isTraversal(p), p).toBe(false);
  });
});

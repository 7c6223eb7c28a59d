import { describe, expect, it } from 'vitest';
import { displayPath } from '../load/load.js';
import { pathWithin } from './path-within.js';

describe('pathWithin: the one rule for a path inside a folder', () => {
  it('only a first segment of exactly .. leaves the folder: ..ctx and ..Dockerfile are names inside it', () => {
    expect(pathWithin('/p', '/p/..ctx')).toBe('..ctx');
    expect(pathWithin('/p', '/p/..Dockerfile')).toBe('..Dockerfile');
    expect(pathWithin('/p', '/p/a/b')).toBe('a/b');
    expect(pathWithin('/p', '/p')).toBeUndefined();
    expect(pathWithin('/p', '/')).toBeUndefined();
    expect(pathWithin('/p', '/q/x')).toBeUndefined();
    expect(pathWithin('/p/a', '/p/..x')).toBeUndefined();
  });

  it('displayPath shows a file named ..something relative to the cwd, as any other inside it', () => {
    expect(displayPath('/repo/..berth.yaml', '/repo')).toBe('..berth.yaml');
    expect(displayPath('/elsewhere/berth.yaml', '/repo')).toBe('/elsewhere/berth.yaml');
  });
});

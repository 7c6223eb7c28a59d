import { describe, expect, it } from 'vitest';
import { describeStore, parseStoreOption } from './open-store.js';

describe('parseStoreOption', () => {
  it('defaults to .berth/history.db beside the spec', () => {
    expect(parseStoreOption(undefined, '/repo/berth.yaml')).toEqual({ kind: 'sqlite', path: '/repo/.berth/history.db' });
  });
  it('reads sqlite:PATH, bare paths and postgres URLs', () => {
    expect(parseStoreOption('sqlite:data/h.db', '/repo/berth.yaml', '/work')).toEqual({ kind: 'sqlite', path: '/work/data/h.db' });
    expect(parseStoreOption('h.db', '/repo/berth.yaml', '/work')).toEqual({ kind: 'sqlite', path: '/work/h.db' });
    expect(parseStoreOption('postgresql://u:p@localhost:5434/berth', '/repo/berth.yaml')).toEqual({ kind: 'postgres', url: 'postgresql://u:p@localhost:5434/berth' });
  });
  it('refuses other schemes and an empty sqlite path', () => {
    expect(() => parseStoreOption('mysql://x', '/r/berth.yaml')).toThrow(/not a store berth knows/);
    expect(() => parseStoreOption('sqlite:', '/r/berth.yaml')).toThrow(/needs a file path/);
  });
  it('masks a PostgreSQL password when shown', () => {
    expect(describeStore({ kind: 'postgres', url: 'postgres://u:hunter22@localhost:5434/db' })).not.toContain('hunter22');
  });
});

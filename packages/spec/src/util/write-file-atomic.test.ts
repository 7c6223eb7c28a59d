import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './write-file-atomic.js';
import { scratchDirs } from './scratch-dirs.test-helpers.js';

describe('writeFileAtomic', () => {
  const scratch = scratchDirs('berth-atomic-');

  it('replaces the file whole and leaves no temporary file behind', () => {
    const dir = scratch();
    const file = join(dir, 'INFRASTRUCTURE.md');
    writeFileSync(file, 'old page\n');
    writeFileAtomic(file, 'new page\n'.repeat(10_000));
    expect(readFileSync(file, 'utf8')).toBe('new page\n'.repeat(10_000));
    expect(readdirSync(dir)).toEqual(['INFRASTRUCTURE.md']);
  });

  it('leaves the old file untouched and cleans up when the rename fails', () => {
    const dir = scratch();
    const target = join(dir, 'page.md');
    mkdirSync(target); // renaming a file over a directory fails
    writeFileSync(join(target, 'inside'), 'keep');
    expect(() => writeFileAtomic(target, 'new')).toThrow();
    expect(readdirSync(dir)).toEqual(['page.md']);
    expect(readFileSync(join(target, 'inside'), 'utf8')).toBe('keep');
  });
});

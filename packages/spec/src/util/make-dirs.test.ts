import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDirs } from './make-dirs.js';
import { scratchDirs } from './scratch-dirs.test-helpers.js';

describe('makeDirs', () => {
  const scratch = scratchDirs('berth-makedirs-');

  it('makes the missing parents, each with the mode asked for, and is happy with what is there', () => {
    const root = scratch();
    const deep = join(root, 'a', 'b', 'c');
    makeDirs(deep, 0o700);
    expect(statSync(deep).isDirectory()).toBe(true);
    for (const d of [join(root, 'a'), join(root, 'a', 'b'), deep]) expect(statSync(d).mode & 0o777).toBe(0o700);
    makeDirs(deep);
    makeDirs(root);
    expect(statSync(deep).isDirectory()).toBe(true);
  });

  it('says ENOTDIR where a file stands in the way, above the directory or at it', () => {
    const root = scratch();
    writeFileSync(join(root, 'file'), 'x');
    expect(() => makeDirs(join(root, 'file'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
    expect(() => makeDirs(join(root, 'file', 'sub'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
  });

  // Node's recursive mkdir retries for ever there; /proc is where Linux shows it (this machine's CI is Linux)
  it.skipIf(!existsSync('/proc/self'))(`fails at once, with the file system’s error, where mkdir says ENOENT under a parent that exists (/proc)${existsSync('/proc/self') ? '' : ' (skipped: this system has no /proc)'}`, () => {
    const started = Date.now();
    expect(() => makeDirs('/proc/berth-not-here/sub')).toThrow(expect.objectContaining({ code: 'ENOENT', path: '/proc/berth-not-here' }));
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

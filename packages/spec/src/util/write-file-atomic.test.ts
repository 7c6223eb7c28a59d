import { describe, expect, it } from 'vitest';
import { chownSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
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

  it('keeps the replaced file\'s permission bits, or gives the ones asked for', () => {
    const dir = scratch();
    const file = join(dir, 'secret');
    writeFileSync(file, 'old', { mode: 0o600 });
    writeFileAtomic(file, 'kept');
    expect(lstatSync(file).mode & 0o777).toBe(0o600);
    writeFileAtomic(file, 'read-only', { mode: 0o444 });
    expect([readFileSync(file, 'utf8'), lstatSync(file).mode & 0o777]).toEqual(['read-only', 0o444]);
    // a read-only file is replaced all the same: the rename needs the folder, not the file
    writeFileAtomic(file, 'again', { mode: 0o444 });
    expect(readFileSync(file, 'utf8')).toBe('again');
  });

  it('gives a new file the bits the umask allows, as any program that creates one (077: 0600)', () => {
    const dir = scratch();
    // a process of its own: the umask is the process's, and vitest's worker may not set it
    const module = fileURLToPath(new URL('./write-file-atomic.ts', import.meta.url));
    const script = `import { writeFileAtomic } from ${JSON.stringify(module)}; writeFileAtomic(process.argv[1] + '/a', 'x'); process.umask(0o022); writeFileAtomic(process.argv[1] + '/b', 'x');`;
    const r = spawnSync('sh', ['-c', 'umask 077 && exec "$0" --import tsx --input-type=module -e "$1" "$2"', process.execPath, script, dir], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect(r.stderr).toBe('');
    expect([lstatSync(join(dir, 'a')).mode & 0o777, lstatSync(join(dir, 'b')).mode & 0o777]).toEqual([0o600, 0o644]);
  });

  const root = process.getuid?.() === 0;
  it.skipIf(!root)(`written by root, a file keeps its owner and group (a user's registry does not become root's)${root ? '' : ' (skipped: only root can give a file away; CI runs as root)'}`, () => {
    const dir = scratch();
    const file = join(dir, 'ports.yaml');
    writeFileSync(file, 'registry: 1\n', { mode: 0o600 });
    chownSync(file, 4321, 4322);
    writeFileAtomic(file, 'registry: 1\nports: []\n');
    const st = lstatSync(file);
    expect([st.uid, st.gid, st.mode & 0o777, readFileSync(file, 'utf8')]).toEqual([4321, 4322, 0o600, 'registry: 1\nports: []\n']);
    // a new file is root's, as any file root creates
    writeFileAtomic(join(dir, 'new.md'), 'x');
    expect(lstatSync(join(dir, 'new.md')).uid).toBe(0);
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

  it('writes through a symbolic link: the link stays, the file it points to is replaced (a chain, and one that points nowhere yet)', () => {
    const dir = scratch();
    mkdirSync(join(dir, 'orchestrator'));
    writeFileSync(join(dir, 'orchestrator', 'ports.yaml'), 'old\n');
    symlinkSync('orchestrator/ports.yaml', join(dir, 'middle.yaml'));
    symlinkSync('middle.yaml', join(dir, 'ports.yaml'));
    writeFileAtomic(join(dir, 'ports.yaml'), 'new\n');
    expect(lstatSync(join(dir, 'ports.yaml')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'ports.yaml'))).toBe('middle.yaml');
    expect(readFileSync(join(dir, 'orchestrator', 'ports.yaml'), 'utf8')).toBe('new\n');
    expect(readdirSync(join(dir, 'orchestrator'))).toEqual(['ports.yaml']);

    symlinkSync('made/page.md', join(dir, 'page.md'));
    writeFileAtomic(join(dir, 'page.md'), 'page\n', { mkdir: true });
    expect(lstatSync(join(dir, 'page.md')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'made', 'page.md'), 'utf8')).toBe('page\n');
  });

  it("follows a relative link from the folder it really is in, when the path reaches it through a linked folder (as the kernel does)", () => {
    const dir = scratch();
    // b/real/ports.yaml -> ../orch/ports.yaml (b/orch/ports.yaml); app/shared -> ../b/real; app/orch/ports.yaml is another file
    mkdirSync(join(dir, 'b/real'), { recursive: true });
    mkdirSync(join(dir, 'b/orch'));
    mkdirSync(join(dir, 'app/orch'), { recursive: true });
    writeFileSync(join(dir, 'b/orch/ports.yaml'), 'the registry\n');
    writeFileSync(join(dir, 'app/orch/ports.yaml'), 'an unrelated file\n');
    symlinkSync('../orch/ports.yaml', join(dir, 'b/real/ports.yaml'));
    symlinkSync('../b/real', join(dir, 'app/shared'));
    const through = join(dir, 'app/shared/ports.yaml');
    expect(readFileSync(through, 'utf8')).toBe('the registry\n');
    writeFileAtomic(through, 'the registry, edited\n');
    expect(readFileSync(through, 'utf8')).toBe('the registry, edited\n');
    expect(readFileSync(join(dir, 'b/orch/ports.yaml'), 'utf8')).toBe('the registry, edited\n');
    expect(readFileSync(join(dir, 'app/orch/ports.yaml'), 'utf8')).toBe('an unrelated file\n');
    expect(lstatSync(join(dir, 'b/real/ports.yaml')).isSymbolicLink()).toBe(true);
  });

  it('refuses a loop of links with ELOOP and writes nothing', () => {
    const dir = scratch();
    symlinkSync('b', join(dir, 'a'));
    symlinkSync('a', join(dir, 'b'));
    expect(() => writeFileAtomic(join(dir, 'a'), 'x')).toThrow(expect.objectContaining({ code: 'ELOOP' }));
    expect(readdirSync(dir).sort()).toEqual(['a', 'b']);
    expect(readlinkSync(join(dir, 'a'))).toBe('b');
  });
});

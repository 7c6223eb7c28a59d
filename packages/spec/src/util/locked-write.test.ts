import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, lstatSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fullDisk } from '../testing/full-disk.js';
import { withFileLock } from './file-lock.js';
import { fileExistsError, updateFileLocked, updateFilesLocked, writeFileLocked } from './locked-write.js';
import { readFileIfExists } from './not-a-file.js';
import { scratchDirs } from './scratch-dirs.test-helpers.js';

describe('writeFileLocked and updateFileLocked', () => {
  const scratch = scratchDirs('berth-locked-write-');

  it('twenty concurrent read-modify-writes of one file all land', async () => {
    const file = join(scratch(), 'ports.yaml');
    writeFileSync(file, 'ports:\n');
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        updateFileLocked(file, async (current) => {
          await new Promise((r) => setTimeout(r, 2));
          return `${current}  - ${i}\n`;
        }),
      ),
    );
    const lines = readFileSync(file, 'utf8').trim().split('\n').slice(1);
    expect(lines.map((l) => Number(l.slice(4))).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('refuses a device or a directory as the file to write, before locking or reading it (/dev/full reads zeros for ever)', async () => {
    await expect(writeFileLocked('/dev/full', 'x', { display: '/dev/full' })).rejects.toMatchObject({ code: 'ERR_BERTH_WRITE', message: 'cannot write /dev/full: it is a device, not a file' });
    expect(existsSync('/dev/full.lock')).toBe(false);
    const dir = scratch();
    await expect(updateFileLocked(dir, () => 'x', { display: 'out' })).rejects.toMatchObject({ code: 'ERR_BERTH_WRITE', message: 'cannot write out: it is a directory, not a file' });
    expect(readdirSync(dir)).toEqual([]);
    expect(() => readFileIfExists('/dev/zero')).toThrow('/dev/zero: is a device, not a file');
    // a pipe: nobody writes it, so reading it first would wait for ever
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    await expect(updateFileLocked(join(dir, 'pipe'), () => 'x', { display: 'ports.yaml' })).rejects.toMatchObject({ code: 'ERR_BERTH_WRITE', message: 'cannot write ports.yaml: it is a pipe, not a file' });
    expect(readdirSync(dir)).toEqual(['pipe']);
    expect(readFileIfExists(join(dir, 'missing'))).toBeUndefined();
  });

  it('refuses an existing file without overwrite, with the one "file exists" error; writes it with overwrite', async () => {
    const dir = scratch();
    const file = join(dir, '.env.example');
    writeFileSync(file, 'mine\n');
    await expect(writeFileLocked(file, 'theirs\n', { overwrite: false, display: '.env.example' })).rejects.toMatchObject({
      code: 'ERR_BERTH_FILE_EXISTS',
      message: '.env.example already exists; not overwriting it',
      hint: 'pass --force to overwrite it',
    });
    expect(readFileSync(file, 'utf8')).toBe('mine\n');
    await writeFileLocked(file, 'theirs\n');
    expect(readFileSync(file, 'utf8')).toBe('theirs\n');
    expect(readdirSync(dir)).toEqual(['.env.example']);
  });

  it('writes nothing when the update returns the same text or undefined, and says so', async () => {
    const file = join(scratch(), 'INFRASTRUCTURE.md');
    writeFileSync(file, 'page\n');
    await expect(updateFileLocked(file, (t) => t)).resolves.toEqual({ before: 'page\n', after: 'page\n', written: false });
    await expect(updateFileLocked(file, () => undefined)).resolves.toEqual({ before: 'page\n', after: 'page\n', written: false });
    await expect(updateFileLocked(file, () => 'new\n')).resolves.toEqual({ before: 'page\n', after: 'new\n', written: true });
  });

  it('creates parent directories only when asked, and names a missing one otherwise', async () => {
    const dir = scratch();
    await expect(writeFileLocked(join(dir, 'a', 'compose.yaml'), 'x\n')).rejects.toMatchObject({ code: 'ERR_BERTH_NO_DIR', message: `${join(dir, 'a')}: no such directory` });
    await writeFileLocked(join(dir, 'a', 'compose.yaml'), 'x\n', { mkdir: true });
    expect(readFileSync(join(dir, 'a', 'compose.yaml'), 'utf8')).toBe('x\n');
    // a folder that cannot be made is one error naming it (a file in the way here)
    await expect(writeFileLocked(join(dir, 'a', 'compose.yaml', 'b', 'c.yaml'), 'x\n', { mkdir: true, display: 'b/c.yaml' })).rejects.toMatchObject({
      code: 'ERR_BERTH_WRITE',
      message: `cannot write b/c.yaml: cannot make the folder ${join(dir, 'a', 'compose.yaml', 'b')} (a part of its path is a file, not a directory)`,
    });
  });

  it('a write by a tool that takes no lock, between the read and the write, is kept and reported', async () => {
    const file = join(scratch(), 'ports.yaml');
    writeFileSync(file, 'ports:\n');
    const edited = updateFileLocked(file, (current) => {
      writeFileSync(file, 'ports: [] # saved by an editor\n');
      return `${current}  - 1\n`;
    }, { display: 'ports.yaml' });
    await expect(edited).rejects.toMatchObject({ code: 'ERR_BERTH_FILE_CHANGED', message: 'ports.yaml changed while berth was reading it; nothing written' });
    expect(readFileSync(file, 'utf8')).toBe('ports: [] # saved by an editor\n');
  });

  it('updates the file a link points to, under the lock of that file: two links to one registry take turns and keep both changes', async () => {
    const dir = scratch();
    const real = join(dir, 'real-ports.yaml');
    writeFileSync(real, '# keep\n');
    symlinkSync('real-ports.yaml', join(dir, 'ports.yaml'));
    symlinkSync(real, join(dir, 'other.yaml'));
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        updateFileLocked(join(dir, i % 2 ? 'ports.yaml' : 'other.yaml'), async (text) => {
          await new Promise((r) => setTimeout(r, 5));
          return `${text ?? ''}line ${i}\n`;
        }),
      ),
    );
    expect(lstatSync(join(dir, 'ports.yaml')).isSymbolicLink()).toBe(true);
    expect(lstatSync(join(dir, 'other.yaml')).isSymbolicLink()).toBe(true);
    const lines = readFileSync(real, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('# keep');
    expect(lines.slice(1).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `line ${i}`).sort());
  });

  it('fileExistsError names the flag that allows overwriting', () => {
    expect(fileExistsError('berth.yaml', { forceFlag: '--overwrite' }).hint).toBe('pass --overwrite to overwrite it');
  });
});

// a real full disk: the lock file or the new text itself meets ENOSPC
const disk = fullDisk();
afterAll(() => disk.dispose());

describe.skipIf(disk.skip)(`a write to a full disk${disk.skip ? ` (skipped: ${disk.skip})` : ''}`, () => {
  it('is one line in words, leaves the file as it was and nothing beside it: whether the lock or the text meets it', async () => {
    const page = join(disk.dir, 'INFRASTRUCTURE.md');
    writeFileSync(page, 'the page as it was\n');
    disk.fill();
    // no room for the lock file's holder: the empty lock file it made is removed again
    await expect(writeFileLocked(page, 'x'.repeat(10_000), { display: 'INFRASTRUCTURE.md' })).rejects.toMatchObject({
      code: 'ERR_BERTH_LOCK_FAILED',
      message: `cannot lock ${page}.lock: no space left on the device`,
    });
    expect(readdirSync(disk.dir).sort()).toEqual(['INFRASTRUCTURE.md', 'filler']);
    // room for the lock, not for the new text: the temporary file goes, the lock is released
    disk.fill(1);
    await expect(writeFileLocked(page, 'x'.repeat(10_000), { display: 'INFRASTRUCTURE.md' })).rejects.toMatchObject({
      code: 'ERR_BERTH_WRITE',
      message: 'cannot write INFRASTRUCTURE.md: no space left on the device',
    });
    expect(readdirSync(disk.dir).sort()).toEqual(['INFRASTRUCTURE.md', 'filler']);
    expect(readFileSync(page, 'utf8')).toBe('the page as it was\n');
  });
});

describe('updateFilesLocked: files that belong together', () => {
  const scratch = scratchDirs('berth-locked-writes-');
  const pages = (dir: string) => ['PORTS.md', 'DIAGRAMS.md', 'GLOBAL.md'].map((name) => join(dir, name));

  it('another berth holding one file leaves every file as it was, and the lock it waited on is named', async () => {
    const dir = scratch();
    const [a, b, c] = pages(dir);
    for (const f of [a!, b!, c!]) writeFileSync(f, 'old\n');
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let holding!: () => void;
    const holds = new Promise<void>((r) => (holding = r));
    const holder = withFileLock(b!, async () => {
      holding();
      await held;
    });
    await holds;
    const updates = [a!, b!, c!].map((path) => ({ path, display: path.slice(dir.length + 1), update: () => 'new\n' }));
    await expect(updateFilesLocked(updates, { timeoutMs: 300 })).rejects.toMatchObject({ code: 'ERR_BERTH_LOCKED', message: expect.stringContaining('DIAGRAMS.md') });
    expect([a!, b!, c!].map((f) => readFileSync(f, 'utf8'))).toEqual(['old\n', 'old\n', 'old\n']);
    release();
    await holder;
    const done = await updateFilesLocked(updates, { timeoutMs: 300 });
    expect(done.map((d) => d.written)).toEqual([true, true, true]);
    expect([a!, b!, c!].map((f) => readFileSync(f, 'utf8'))).toEqual(['new\n', 'new\n', 'new\n']);
    expect(readdirSync(dir).sort()).toEqual(['DIAGRAMS.md', 'GLOBAL.md', 'PORTS.md']);
  });

  it('an update that refuses, for any file, writes none of them; one with nothing to change writes nothing there', async () => {
    const dir = scratch();
    const [a, b, c] = pages(dir);
    writeFileSync(a!, 'old\n');
    writeFileSync(c!, 'same\n');
    const refuse = () => {
      throw new Error('broken markers');
    };
    await expect(updateFilesLocked([{ path: a!, update: () => 'new\n' }, { path: b!, update: refuse }])).rejects.toThrow('broken markers');
    expect(readFileSync(a!, 'utf8')).toBe('old\n');
    expect(existsSync(b!)).toBe(false);
    const done = await updateFilesLocked([
      { path: a!, update: () => 'new\n' },
      { path: b!, update: (current) => `${current ?? 'made'}\n` },
      { path: c!, update: (current) => current },
    ]);
    expect(done.map((d) => d.written)).toEqual([true, true, false]);
    expect(readFileSync(b!, 'utf8')).toBe('made\n');
  });

  it('two berths updating the same files in opposite orders both finish, each change landing whole', async () => {
    const dir = scratch();
    const [a, b] = pages(dir);
    const append = (tag: string) => (current: string | undefined) => `${current ?? ''}${tag}\n`;
    await Promise.all([
      updateFilesLocked([{ path: a!, update: append('one') }, { path: b!, update: append('one') }], { timeoutMs: 5000 }),
      updateFilesLocked([{ path: b!, update: append('two') }, { path: a!, update: append('two') }], { timeoutMs: 5000 }),
    ]);
    for (const f of [a!, b!]) expect(readFileSync(f, 'utf8').trim().split('\n').sort()).toEqual(['one', 'two']);
  });

  it('makes the folder first when asked, so its locks can sit beside the files', async () => {
    const dir = join(scratch(), 'docs', 'new');
    const [a, b] = pages(dir);
    await updateFilesLocked([{ path: a!, update: () => 'x\n' }, { path: b!, update: () => 'y\n' }], { mkdir: true });
    expect(readdirSync(dir).sort()).toEqual(['DIAGRAMS.md', 'PORTS.md']);
  });
});

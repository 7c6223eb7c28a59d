import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { notARegularFile, readRegularFile, readRegularFileOrNone } from './regular-file.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-mcp-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A named pipe with nothing writing to it: a read of it would block the whole process. */
function fifo(name: string): string {
  const path = join(dir, name);
  expect(spawnSync('mkfifo', [path]).status).toBe(0);
  return path;
}

describe('readRegularFile: what the server reads for itself', () => {
  it('reads a regular file whole', () => {
    const file = join(dir, 'berth.yaml');
    writeFileSync(file, 'berth: 1\n');
    expect(readRegularFile(file, 1024)).toBe('berth: 1\n');
    writeFileSync(join(dir, 'empty.yaml'), '');
    expect(readRegularFile(join(dir, 'empty.yaml'), 1024)).toBe('');
  });

  it('refuses a pipe, a device and a directory before reading them, in one line', () => {
    const pipe = fifo('spec-pipe');
    expect(notARegularFile(pipe)).toBe('a pipe');
    expect(() => readRegularFile(pipe, 1024)).toThrow(`${pipe}: is a pipe, not a file`);
    expect(() => readRegularFile('/dev/zero', 1024)).toThrow('/dev/zero: is a device, not a file');
    mkdirSync(join(dir, 'folder'));
    expect(() => readRegularFile(join(dir, 'folder'), 1024)).toThrow(`${join(dir, 'folder')}: is a directory, not a file`);
    expect(readRegularFileOrNone(pipe)).toBeUndefined();
  });

  it('refuses a /proc file, which says it holds 0 bytes (/proc/self/environ is the whole environment)', () => {
    expect(() => readRegularFile('/proc/self/environ', 1024 * 1024)).toThrow('/proc/self/environ: is a special file (its size says 0 bytes, it holds more), not a file');
  });

  it('refuses a file over the limit without reading it, and says how large both are', () => {
    const big = join(dir, 'big.yaml');
    writeFileSync(big, 'x'.repeat(3 * 1024 * 1024));
    expect(() => readRegularFile(big, 1024 * 1024)).toThrow(`${big}: is 3145728 bytes, more than the 1 MiB berth mcp reads`);
  });

  it('says why any other read fails, in @berth/spec\'s words', () => {
    expect(() => readRegularFile(join(dir, 'missing.yaml'), 1024)).toThrow(`${join(dir, 'missing.yaml')}: no such file`);
  });
});

import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { updateFileLocked } from './locked-write.js';
import { scratchDirs } from './scratch-dirs.test-helpers.js';
import { atomicTempFile, atomicTempWriter } from './write-file-atomic.js';

/** The pid of a process that has come and gone. */
const deadPid = (): number => spawnSync('true').pid!;

describe('temporary files of atomic writes killed mid-write', () => {
  const scratch = scratchDirs('berth-orphan-temps-');

  it('the temporary file name of a write names its writer, and only that pattern for that file is recognised', () => {
    const file = join('/x', 'ports.yaml');
    const tmp = atomicTempFile(file, 4242);
    expect(tmp).toMatch(/^\/x\/\.ports\.yaml\.4242\.[0-9a-f]{8}\.tmp$/);
    expect(atomicTempWriter(file, tmp.slice(3))).toBe(4242);
    for (const other of ['.ports.yaml.4242.xyz.tmp', '.ports.yaml.4242.0355b622.tmp.bak', '.other.yaml.4242.0355b622.tmp', 'ports.yaml', '.ports.yaml.lock', '.ports.yaml.0.0355b622.tmp']) {
      expect(atomicTempWriter(file, other)).toBeUndefined();
    }
  });

  it('the next locked write of the file removes those a dead writer left beside it, and nothing else', async () => {
    const dir = scratch();
    const file = join(dir, 'ports.yaml');
    writeFileSync(file, 'ports: []\n');
    const dead = deadPid();
    const orphan = `.ports.yaml.${dead}.0355b622.tmp`;
    const kept = [
      `.ports.yaml.${process.pid}.deadbeef.tmp`, // this process's own
      `.ports.yaml.${process.ppid}.abcdef01.tmp`, // a live writer's
      `.other.yaml.${dead}.0355b622.tmp`, // another file's
      `.ports.yaml.${dead}.notahex.tmp`, // not the pattern
      `.ports.yaml.${dead}.0355b622.tmp.keep`,
    ];
    for (const name of [orphan, ...kept]) writeFileSync(join(dir, name), '');
    mkdirSync(join(dir, `.ports.yaml.${dead}.00000000.tmp`)); // a folder of that name is not a temporary file
    await updateFileLocked(file, () => 'ports: [1]\n');
    expect(readFileSync(file, 'utf8')).toBe('ports: [1]\n');
    expect(readdirSync(dir).sort()).toEqual([...kept, `.ports.yaml.${dead}.00000000.tmp`, 'ports.yaml'].sort());
  });
});

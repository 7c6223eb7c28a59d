import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BerthError } from '../problem.js';
import { berthFailureOf as failure } from '../testing/berth-failure.js';
import { runtimeLockDir } from './file-lock.js';
import { scratchDirs } from './scratch-dirs.test-helpers.js';

describe('runtimeLockDir: the folder of named locks (engine projects)', () => {
  const scratch = scratchDirs('berth-runtime-');

  it('is made, 0700, under XDG_RUNTIME_DIR', () => {
    const runtime = scratch();
    const dir = runtimeLockDir({ XDG_RUNTIME_DIR: runtime });
    expect(dir).toBe(join(runtime, 'berth', 'locks'));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('a file planted where its folder goes is refused as not ours (ERR_BERTH_LOCK_DIR, exit 2), not an internal error', () => {
    const runtime = scratch();
    writeFileSync(join(runtime, 'berth'), 'planted');
    const err = failure(() => runtimeLockDir({ XDG_RUNTIME_DIR: runtime }));
    expect(err).toBeInstanceOf(BerthError);
    expect(err.code).toBe('ERR_BERTH_LOCK_DIR');
    expect(err.message).toBe(`${join(runtime, 'berth')} is not a directory owned by this user; berth keeps its locks there`);
  });

  it('a locks folder that cannot be made is one line naming it and why (ERR_BERTH_LOCK_DIR)', () => {
    const runtime = scratch();
    mkdirSync(join(runtime, 'berth'), { mode: 0o700 });
    writeFileSync(join(runtime, 'berth', 'locks'), 'in the way');
    const err = failure(() => runtimeLockDir({ XDG_RUNTIME_DIR: runtime }));
    expect(err).toBeInstanceOf(BerthError);
    expect(err.code).toBe('ERR_BERTH_LOCK_DIR');
    expect(err.message).toBe(`${join(runtime, 'berth', 'locks')} cannot be made (a part of its path is a file, not a directory); berth keeps its locks there`);
    expect(err.hint).toMatch(/XDG_RUNTIME_DIR/);
  });
});

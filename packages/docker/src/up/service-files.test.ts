import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BerthError } from '@berth/spec';
import { berthFailureOf as failure } from '@berth/spec/testing';
import { projectObjectsDir, writeObjectFiles } from './service-files.js';

describe('writeObjectFiles: the files of environment: secrets and content: configs, under the cache folder', () => {
  let cache: string;
  beforeEach(() => {
    cache = mkdtempSync(path.join(tmpdir(), 'berth-objects-'));
  });
  afterEach(() => rmSync(cache, { recursive: true, force: true }));

  it('writes each file read-only (0444) in folders of this user only (0700)', () => {
    const file = path.join(projectObjectsDir(cache, 'p'), 'secrets', 'apikey');
    writeObjectFiles([{ path: file, text: 's3cret' }]);
    expect(readFileSync(file, 'utf8')).toBe('s3cret');
    expect(statSync(file).mode & 0o777).toBe(0o444);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
  });

  it('a file where a folder must go is one line naming the file and why (ERR_BERTH_WRITE, exit 2), not an internal error', () => {
    writeFileSync(path.join(cache, 'projects'), 'in the way');
    const file = path.join(projectObjectsDir(cache, 'p'), 'secrets', 'apikey');
    const err = failure(() => writeObjectFiles([{ path: file, text: 's3cret' }]));
    expect(err).toBeInstanceOf(BerthError);
    expect(err.code).toBe('ERR_BERTH_WRITE');
    expect(err.message).toMatch(new RegExp(`^cannot write ${file}: cannot make the folder ${cache}/projects\\S* \\(a part of its path is a file, not a directory\\)$`));
    expect(err.hint).toMatch(/XDG_CACHE_HOME/);
    expect(err.message).not.toContain('s3cret');
  });

  it('a write that fails (here: a directory where the file goes) names the file and the reason', () => {
    const file = path.join(projectObjectsDir(cache, 'p'), 'configs', 'app');
    mkdirSync(path.join(file, 'sub'), { recursive: true });
    const err = failure(() => writeObjectFiles([{ path: file, text: 'x' }]));
    expect(err.code).toBe('ERR_BERTH_WRITE');
    expect(err.message).toMatch(new RegExp(`^cannot write ${file}: `));
    expect(err.message).not.toContain('\n');
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importDevcontainerFile } from './import-file.js';
import { readDevcontainerJson } from './read-config.js';

const tmp = mkdtempSync(join(tmpdir(), 'berth-dc-read-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const latin1 = (before: string, after: string) => Buffer.concat([Buffer.from(before), Buffer.from([0xe9]), Buffer.from(after)]);

/** A folder with a devcontainer.json and, when given, a berth.yaml (bytes as given). */
function workspace(config: string | Buffer, spec?: string | Buffer): string {
  const dir = join(tmp, `w${++n}`);
  mkdirSync(join(dir, '.devcontainer'), { recursive: true });
  writeFileSync(join(dir, '.devcontainer/devcontainer.json'), config);
  if (spec !== undefined) writeFileSync(join(dir, 'berth.yaml'), spec);
  return dir;
}

describe('the files import and --write read and write back are read by @berth/spec’s rule', () => {
  it('a devcontainer.json that is not UTF-8 is one problem at the first bad byte, not text with U+FFFD in it', () => {
    const dir = workspace(latin1('// caf', '\n{ "image": "python:3.12" }\n'));
    const read = readDevcontainerJson(join(dir, '.devcontainer/devcontainer.json'), '.devcontainer/devcontainer.json');
    expect(read.config).toBeUndefined();
    expect(read.problems).toEqual([{ code: 'file-unreadable', severity: 'error', file: '.devcontainer/devcontainer.json', line: 1, col: 7, message: 'is not UTF-8 text from here on (save it as UTF-8)' }]);
  });

  it('a berth.yaml that is not UTF-8 is refused with its line and column, and nothing is given to write', () => {
    const dir = workspace('{ "image": "python:3.12", "forwardPorts": [6006] }\n', latin1('berth: 1\nrepo:\n  name: h\n# caf', '\n'));
    const result = importDevcontainerFile({ configPath: join(dir, '.devcontainer/devcontainer.json'), specPath: join(dir, 'berth.yaml'), cwd: dir });
    expect(result.after).toBeUndefined();
    expect(result.problems).toEqual([{ code: 'file-unreadable', severity: 'error', file: 'berth.yaml', line: 4, col: 6, message: 'is not UTF-8 text from here on (save it as UTF-8)' }]);
  });

  it('a spec path that is a directory is one problem, not an exception', () => {
    const dir = workspace('{ "image": "python:3.12" }\n');
    mkdirSync(join(dir, 'spec-dir'));
    const result = importDevcontainerFile({ configPath: join(dir, '.devcontainer/devcontainer.json'), specPath: join(dir, 'spec-dir'), cwd: dir });
    expect(result.after).toBeUndefined();
    expect(result.problems).toMatchObject([{ file: 'spec-dir', message: 'is a directory, not a file' }]);
  });
});

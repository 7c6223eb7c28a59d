import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin, ensureBuiltCli } from './support/built-cli.js';

const berth = (args: string[], cwd: string) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('what is printed is capped: the first problems of each kind, then how many more', () => {
  let dir: string;
  beforeAll(() => {
    ensureBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'berth-cap-'));
    const services = Array.from({ length: 25 }, (_, i) => `  s${i}: { purpose: x, bogus: 1 }`).join('\n');
    writeFileSync(join(dir, 'berth.yaml'), `berth: 1\nrepo: { name: cap }\nservices:\n${services}\n  p1: { ports: [99999] }\n  p2: { ports: [99999] }\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints ten of a kind, then "... and N more like this", and every kind that is rarer in full', () => {
    const r = berth(['validate'], dir);
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(13);
    expect(lines.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => expect.stringMatching(new RegExp(`^berth\\.yaml:${4 + i}:\\d+: services\\.s${i}: unknown key "bogus"$`))));
    expect(lines.slice(10)).toEqual([
      expect.stringMatching(/^berth\.yaml:29:\d+: services\.p1\.ports\[0\]: /),
      expect.stringMatching(/^berth\.yaml:30:\d+: services\.p2\.ports\[0\]: /),
      '... and 15 more like this (unknown-key; --all-problems prints every one)',
    ]);
  });

  it('--all-problems prints every one', () => {
    const r = berth(['validate', '--all-problems'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(27);
    expect(r.stderr).not.toContain('more like this');
  });

  it('--json carries the count and what was left out; with --all-problems, everything', () => {
    const capped = JSON.parse(berth(['validate', '--json'], dir).stdout);
    expect(capped).toMatchObject({ ok: false, error: { code: 'ERR_BERTH_INVALID_SPEC' }, problemCount: 27, omittedProblems: { 'unknown-key': 15 } });
    expect(capped.problems).toHaveLength(12);
    const all = JSON.parse(berth(['validate', '--json', '--all-problems'], dir).stdout);
    expect(all.problems).toHaveLength(27);
    expect(all.problemCount).toBe(27);
    expect(all.omittedProblems).toBeUndefined();
  });
});

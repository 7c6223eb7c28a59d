import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bin, ensureBuiltCli, root } from './support/built-cli.js';

/**
 * @berth/spec's bad-input corpus (packages/spec/test/bad-input/, each `NAME.yaml.expected` the exact lines berth
 * prints for `NAME.yaml`) run through the built CLI: exit 2, the loader's lines, no stack trace. It lives here, in
 * the project it runs, so a CLI change reruns it and `nx affected` selects it; the corpus is in nx.json's
 * testFixtures, so a change to it reruns this too.
 */
const dir = join(root, 'packages/spec/test/bad-input/');

const berth = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 20_000 });

describe('the bad-input corpus, through the real CLI', () => {
  beforeAll(() => {
    ensureBuiltCli();
  }, 200_000);

  const specs = ['yaml-unclosed-quote.yaml', 'duplicate-service.yaml', 'unknown-service-key.yaml', 'port-not-a-port.yaml', 'unknown-profile.yaml', 'dependency-cycle.yaml', 'missing-file.yaml', 'empty.yaml', 'registry-empty-path.yaml', 'engine-unusable-host.yaml'];
  it.each(specs)('berth validate --spec %s: exit 2, the expected lines, no stack trace', (input) => {
    const r = berth(['validate', '--spec', input]);
    expect(r.status).toBe(2);
    const expected = readFileSync(join(dir, `${input}.expected`), 'utf8').trimEnd().split('\n');
    expect(r.stderr.trimEnd().split('\n')).toEqual(expected);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it.each(['registry-bad-range.ports.yaml', 'registry-unknown-key.ports.yaml', 'missing-registry.ports.yaml'])('berth validate --registry %s: exit 2, the expected lines', (input) => {
    const r = berth(['validate', '--spec', join(root, 'examples/semops-data/berth.yaml'), '--registry', input]);
    expect(r.status).toBe(2);
    const expected = readFileSync(join(dir, `${input}.expected`), 'utf8').trimEnd().split('\n');
    for (const line of expected) expect(r.stderr).toContain(line);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('--json carries the same problems as data', () => {
    const r = berth(['validate', '--json', '--spec', 'several-problems.yaml']);
    expect(r.status).toBe(2);
    const body = JSON.parse(r.stdout) as { ok: boolean; problems: { line: number; col: number; code: string }[] };
    expect(body.ok).toBe(false);
    expect(body.problems.map((p) => [p.line, p.col, p.code])).toEqual([
      [4, 3, 'unknown-key'],
      [7, 13, 'invalid-value'],
    ]);
  });
});

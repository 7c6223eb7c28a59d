import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatProblem, loadRegistryFile, loadSpecFile } from '../src/index.js';

/**
 * The bad-input corpus: each `NAME.yaml.expected` holds the exact lines berth prints for `NAME.yaml`
 * (a spec) or `NAME.ports.yaml` (a port registry) in this folder; a missing input is the "no such file" case.
 */
const dir = fileURLToPath(new URL('./bad-input/', import.meta.url));
const root = fileURLToPath(new URL('../../../', import.meta.url));
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.expected'))
  .map((f) => ({ input: f.slice(0, -'.expected'.length), expected: readFileSync(join(dir, f), 'utf8').trimEnd().split('\n') }));
const load = (input: string) => (input.endsWith('.ports.yaml') ? loadRegistryFile(input, dir) : loadSpecFile(input, dir));

describe('the bad-input corpus, through the loader', () => {
  it('holds at least 30 broken specs and registries', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(cases.filter((c) => c.input.endsWith('.ports.yaml')).length).toBeGreaterThanOrEqual(5);
  });

  it.each(cases)('$input', ({ input, expected }) => {
    const loaded = load(input);
    expect(loaded.problems.map(formatProblem)).toEqual(expected);
    expect(loaded.value).toBeUndefined();
    for (const p of loaded.problems) {
      expect(p.severity).toBe('error');
      expect(p.message).not.toMatch(/Invalid input|\[object |undefined/);
      // Every problem points into the file, unless the file itself is missing.
      if (existsSync(join(dir, input))) expect([p.line, p.col].every((n) => typeof n === 'number' && n >= 1)).toBe(true);
    }
  });
});

const built = existsSync(join(root, 'apps/cli/dist/berth.mjs'));
const berth = (args: string[]) => spawnSync(process.execPath, [join(root, 'apps/cli/bin/berth.mjs'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 20_000 });

describe.skipIf(!built)(`the bad-input corpus, through the real CLI${built ? '' : ' (skipped: apps/cli/dist is not built; `npm test` builds it first)'}`, () => {
  const specs = ['yaml-unclosed-quote.yaml', 'duplicate-service.yaml', 'unknown-service-key.yaml', 'port-not-a-port.yaml', 'unknown-profile.yaml', 'dependency-cycle.yaml', 'missing-file.yaml', 'empty.yaml', 'registry-empty-path.yaml'];
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

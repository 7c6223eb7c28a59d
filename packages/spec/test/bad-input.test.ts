import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatProblem, loadRegistryFile, loadSpecFile } from '../src/index.js';

/**
 * The bad-input corpus: each `NAME.yaml.expected` holds the exact lines berth prints for `NAME.yaml`
 * (a spec) or `NAME.ports.yaml` (a port registry) in this folder; a missing input is the "no such file" case.
 */
const dir = fileURLToPath(new URL('./bad-input/', import.meta.url));
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

// The same corpus through the real CLI: apps/cli/test/bad-input-cli.test.ts (a CLI change reruns it there).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatProblem } from '@berth/spec';
import { importCompose } from '@berth/docker';

/**
 * Hostile Compose files (the CLI audit's finding 4): an alias cycle, a wide alias fan-out and `${A:-${A:-...}}`
 * nested thousands deep are each one error with the file, line and column, never "Maximum call stack size
 * exceeded" (exit 70) or a hang.
 */
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const BASE = 'services:\n  web:\n    image: nginx:1.25\n    environment:\n      LOG_LEVEL: info\n';

function importText(text: string) {
  const dir = mkdtempSync(join(tmpdir(), 'berth-compose-guards-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'compose.yaml'), text);
  const r = importCompose({ files: ['compose.yaml'], cwd: dir, env: {} });
  return { ...r, errors: r.problems.filter((p) => p.severity === 'error').map(formatProblem) };
}

describe('import compose on hostile YAML', () => {
  it('an alias cycle in an x- extension', () => {
    const r = importText(`${BASE}x-r: &r [*r]\n`);
    expect(r.errors).toEqual(['compose.yaml:6:10: alias *r refers to the node that holds it: the value would contain itself (write it out, or alias a node outside it)']);
    expect(r.yaml).toBeUndefined();
  });
  it('an environment holding its own alias, with and without a !reset tag', () => {
    const own = 'services:\n  web:\n    image: nginx\n    environment: &e { A: "1", SELF: *e }\n';
    expect(importText(own).errors).toEqual(['compose.yaml:4:37: alias *e refers to the node that holds it: the value would contain itself (write it out, or alias a node outside it)']);
    const reset = 'services:\n  web:\n    image: nginx\n    ports: !reset []\n    environment: &e { A: "1", SELF: *e }\n';
    expect(importText(reset).errors).toEqual(['compose.yaml:5:37: alias *e refers to the node that holds it: the value would contain itself (write it out, or alias a node outside it)']);
  });
  it('a wide alias fan-out, 1 MB read as a gigabyte', () => {
    const item = `"${'x'.repeat(100)}"`;
    const r = importText(`x-q:\n  a: &a [${Array(10_000).fill(item).join(',')}]\n  b: [${Array(999).fill('*a').join(',')}]\n${BASE}`);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^compose\.yaml:3:\d+: alias \*a expands the document too far/);
  }, 20_000);
  it('defaults nested 5,000 deep: an interpolation error at the value, not a stack overflow', () => {
    const r = importText(BASE.replace('LOG_LEVEL: info', `LOG_LEVEL: ${'${A:-'.repeat(5000)}x${'}'.repeat(5000)}`));
    expect(r.errors).toEqual(['compose.yaml:5:7: services.web.environment.LOG_LEVEL: invalid interpolation format: ${...} nested more than 64 levels deep']);
  });
  it('!reset and !override are read without a word', () => {
    const r = importText('services:\n  web:\n    image: nginx\n    ports: !reset []\n    labels: !override { a: b }\n');
    expect(r.problems.filter((p) => /tag/.test(p.message))).toEqual([]);
    expect(r.errors).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin, ensureBuiltCli } from './support/built-cli.js';

/**
 * Hostile YAML through the real CLI (the CLI audit's findings 1, 4, 8, 9, 10): alias cycles, fan-outs, bombs,
 * bad merges, YAML 1.1 tags and deep interpolation are exit 2 with `file:line:col`, quickly, from validate, docs
 * and import compose; never a hang (the timeout below), exit 70 or a stack trace. Control characters never reach
 * the terminal through docs.
 */
const BASE = 'berth: 1\nrepo:\n  name: h\n  role: owner\n  status: active\n  version: 0.1.0\nservices:\n  app:\n    name: App\n    purpose: p\n    runtime: compose\n    image: nginx\n';
const COMPOSE = 'services:\n  web:\n    image: nginx:1.25\n    environment:\n      LOG_LEVEL: info\n';
const wide = (base: string) => `x-q:\n  a: &a [${Array(10_000).fill(`"${'x'.repeat(100)}"`).join(',')}]\n  b: [${Array(999).fill('*a').join(',')}]\n${base}`;
const bomb = () => {
  const out = [BASE, 'x-l:\n  a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n'];
  for (const p of 'abcdefgh') {
    const n = String.fromCharCode(p.charCodeAt(0) + 1);
    out.push(`  ${n}: &${n} [${Array(9).fill(`*${p}`).join(',')}]\n`);
  }
  return out.join('');
};

const files: Record<string, string> = {
  'cycle.yaml': `${BASE}x-r: &r [*r]\n`,
  'cycle-root.yaml': '&root\nberth: 1\nrepo: {name: h, role: owner, status: active, version: 0.1.0}\nservices: {}\nx-self: *root\n',
  'wide.yaml': wide(BASE),
  'bomb.yaml': bomb(),
  'merge-self.yaml': `${BASE}x-r: &r\n  <<: *r\n`,
  'merge-scalar.yaml': `${BASE}  web:\n    <<: 5\n    name: W\n`,
  'binary.yaml': BASE.replace('purpose: p', 'purpose: !!binary aGVsbG8='),
  'set.yaml': BASE.replace('    image: nginx', '    image: nginx\n    labels: !!set {a, b}'),
  'js.yaml': BASE.replace('purpose: p', 'purpose: !!js/function "function(){}"'),
  'ctrl.yaml': BASE.replace('name: App', 'name: "Evil\\e[31mRed\\e]0;pwned\\a"'),
  'compose-cycle.yaml': `${COMPOSE}x-r: &r [*r]\n`,
  'compose-self.yaml': 'services:\n  web:\n    image: nginx\n    environment: &e { A: "1", SELF: *e }\n',
  'compose-wide.yaml': wide(COMPOSE),
  'compose-deep.yaml': COMPOSE.replace('LOG_LEVEL: info', `LOG_LEVEL: ${'${A:-'.repeat(5000)}x${'}'.repeat(5000)}`),
};

let dir: string;
const berth = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', BERTH_RESULT_CACHE: '0' }, timeout: 20_000 });

beforeAll(() => {
  ensureBuiltCli();
  dir = mkdtempSync(join(tmpdir(), 'berth-hostile-yaml-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
}, 200_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Exit 2, the one line expected (a regular expression) first on stderr, no stack trace, not an internal error. */
function refused(r: ReturnType<typeof berth>, line: RegExp) {
  expect(r.error, 'the command did not finish in time').toBeUndefined();
  expect(r.status).toBe(2);
  expect(r.stderr.split('\n')[0]).toMatch(line);
  expect(r.stderr).not.toMatch(/^\s+at |internal error/m);
}

const CYCLE = 'refers to the node that holds it';
describe.each([['validate'], ['docs']])('berth %s on hostile YAML', (command) => {
  it.each([
    ['cycle.yaml', new RegExp(`^cycle\\.yaml:13:10: alias \\*r ${CYCLE}`)],
    ['cycle-root.yaml', new RegExp(`^cycle-root\\.yaml:5:9: alias \\*root ${CYCLE}`)],
    ['wide.yaml', /^wide\.yaml:3:\d+: alias \*a expands the document too far/],
    ['bomb.yaml', /^bomb\.yaml:\d+:\d+: alias \*[a-i] expands the document too far/],
    ['merge-self.yaml', new RegExp(`^merge-self\\.yaml:14:7: alias \\*r ${CYCLE}`)],
    ['merge-scalar.yaml', /^merge-scalar\.yaml:14:5: a merge key \(<<\) takes a map/],
    ['binary.yaml', /^binary\.yaml:10:14: tag !!binary is not supported in binary\.yaml: write the value as a plain string$/],
    ['set.yaml', /^set\.yaml:13:13: tag !!set is not supported in set\.yaml/],
    ['js.yaml', /^js\.yaml:10:14: tag !!js\/function is not supported in js\.yaml/],
  ])('%s: exit 2 at the place', (file, line) => {
    refused(berth([command, '--spec', file]), line);
  });
});

describe('control characters', () => {
  it('validate warns at the string', () => {
    const r = berth(['validate', '--spec', 'ctrl.yaml']);
    expect(r.stdout + r.stderr).toContain('ctrl.yaml:9:11: warning: holds the control character U+001B');
  });
  it('docs prints the page with them escaped: no ESC or BEL reaches the terminal', () => {
    const r = berth(['docs', '--spec', 'ctrl.yaml']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Evil\\u001b[31mRed');
    // eslint-disable-next-line no-control-regex -- the point
    expect(r.stdout + r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });
});

describe('berth import compose on hostile YAML', () => {
  it.each([
    ['compose-cycle.yaml', new RegExp(`^compose-cycle\\.yaml:6:10: alias \\*r ${CYCLE}`)],
    ['compose-self.yaml', new RegExp(`^compose-self\\.yaml:4:37: alias \\*e ${CYCLE}`)],
    ['compose-wide.yaml', /^compose-wide\.yaml:3:\d+: alias \*a expands the document too far/],
    ['compose-deep.yaml', /^compose-deep\.yaml:5:7: services\.web\.environment\.LOG_LEVEL: invalid interpolation format: \$\{\.\.\.\} nested more than 64 levels deep$/],
  ])('%s: exit 2 at the place, never exit 70', (file, line) => {
    refused(berth(['import', 'compose', file]), line);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSpecFile } from '@berth/spec';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'apps/cli/bin/berth.mjs');
const built = existsSync(join(root, 'apps/cli/dist/berth.mjs'));

function berth(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!built)(`berth docs, schema and init, run as the built binary${built ? '' : ' (skipped: apps/cli/dist is not built; `npm test` builds it first)'}`, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'berth-docs-'));
    mkdirSync(join(dir, 'repo'));
    mkdirSync(join(dir, 'semops-dx-orchestrator'));
    copyFileSync(join(root, 'examples/semops-data/berth.yaml'), join(dir, 'repo/berth.yaml'));
    copyFileSync(join(root, 'examples/semops-dx-orchestrator/ports.yaml'), join(dir, 'semops-dx-orchestrator/ports.yaml'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the page on stdout and writes nothing', () => {
    const r = berth(['docs'], join(dir, 'repo'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# Infrastructure\n/);
    expect(r.stdout).toContain('| Marquez API | 5000 |');
    expect(existsSync(join(dir, 'repo/INFRASTRUCTURE.md'))).toBe(false);
  });

  it('--check fails while the page is missing, --write writes it beside the spec, then --check passes', () => {
    expect(berth(['docs', '--check'], join(dir, 'repo'))).toMatchObject({ code: 1, stdout: expect.stringContaining('does not exist') });
    const w = berth(['docs', '--write'], join(dir, 'repo'));
    expect(w).toMatchObject({ code: 0, stdout: 'INFRASTRUCTURE.md: written\n' });
    expect(readFileSync(join(dir, 'repo/INFRASTRUCTURE.md'), 'utf8')).toContain('## Health Checks');
    expect(berth(['docs', '--check'], join(dir, 'repo'))).toMatchObject({ code: 0, stdout: 'INFRASTRUCTURE.md: up to date\n' });
    expect(readdirSync(join(dir, 'repo')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps hand-written sections through a spec change, and --check names the drift', () => {
    const page = join(dir, 'repo/INFRASTRUCTURE.md');
    berth(['docs', '--write'], join(dir, 'repo'));
    const note = '<!-- berth:keep gpu-note -->\nThe A100 box needs driver 550+.\n<!-- /berth:keep gpu-note -->';
    writeFileSync(page, readFileSync(page, 'utf8').replace('## Consumed By', `${note}\n\n## Consumed By`));
    const spec = join(dir, 'repo/berth.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('purpose: Notebook interface', 'purpose: Notebooks for analysts'));
    const check = berth(['docs', '--check'], join(dir, 'repo'));
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('INFRASTRUCTURE.md: out of date with berth.yaml (1 line(s) to add, 1 to remove');
    expect(check.stdout).toContain('+ | Jupyter Lab | 8888 | Notebooks for analysts |');
    const json = JSON.parse(berth(['docs', '--check', '--json'], join(dir, 'repo')).stdout);
    expect(json).toMatchObject({ ok: false, file: 'INFRASTRUCTURE.md', drift: { added: 1, removed: 1 } });
    expect(berth(['docs', '--write'], join(dir, 'repo')).code).toBe(0);
    const after = readFileSync(page, 'utf8');
    expect(after).toContain('Notebooks for analysts');
    expect(after).toContain(note);
    expect(berth(['docs', '--check'], join(dir, 'repo')).code).toBe(0);
  });

  it('refuses a page with a broken keep marker, pointing at its line', () => {
    const other = join(dir, 'broken.md');
    writeFileSync(other, '# x\n\n<!-- berth:keep a -->\nnever closed\n');
    const r = berth(['docs', '--check', '-o', other], join(dir, 'repo'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${other}:3:1: berth:keep a is never closed`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('will not write into the bundled example', () => {
    const empty = mkdtempSync(join(tmpdir(), 'berth-nospec-'));
    try {
      const r = berth(['docs', '--write'], empty);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('not writing into the bundled example');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('schema prints the spec schema and writes the registry schema, identical to the committed files', () => {
    const s = berth(['schema'], dir);
    expect(s.code).toBe(0);
    expect(s.stdout).toBe(readFileSync(join(root, 'docs/schema/berth.schema.json'), 'utf8'));
    const out = join(dir, 'ports.schema.json');
    expect(berth(['schema', 'registry', '-o', out], dir).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(root, 'docs/schema/ports.schema.json'), 'utf8'));
    expect(berth(['schema', 'nonsense'], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown schema "nonsense"') });
  });

  it('schema -o replaces a schema it wrote (any of the three), and refuses any other file without --force', () => {
    const out = join(dir, 'schemas');
    mkdirSync(out);
    const file = join(out, 'ports.schema.json');
    expect(berth(['schema', 'spec', '-o', file], out).code).toBe(0);
    expect(berth(['schema', 'registry', '-o', file], out).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(join(root, 'docs/schema/ports.schema.json'), 'utf8'));
    const spec = join(out, 'berth.yaml');
    writeFileSync(spec, 'berth: 1\nrepo: { name: mine }\n');
    const refused = berth(['schema', '-o', 'berth.yaml'], out);
    expect(refused).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining('berth.yaml already exists; not overwriting it') });
    expect(refused.stderr).toContain('pass --force');
    expect(readFileSync(spec, 'utf8')).toBe('berth: 1\nrepo: { name: mine }\n');
    expect(berth(['schema', '-o', 'berth.yaml', '--force'], out).code).toBe(0);
    expect(JSON.parse(readFileSync(spec, 'utf8')).title).toBe('berth.yaml');
  });

  it('init writes a starter spec that loads clean, and refuses to overwrite it without --force', () => {
    const target = join(dir, 'new-repo');
    mkdirSync(target);
    expect(berth(['init'], target).code).toBe(0);
    const loaded = loadSpecFile(join(target, 'berth.yaml'));
    expect(loaded.problems).toEqual([]);
    expect(loaded.value?.repo.name).toBe('new-repo');
    expect(readFileSync(join(target, 'berth.yaml'), 'utf8')).toMatch(/^# yaml-language-server: \$schema=\S+berth\.schema\.json\n/);
    expect(berth(['validate'], target).code).toBe(0);
    writeFileSync(join(target, 'berth.yaml'), 'mine\n');
    const again = berth(['init'], target);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('berth.yaml already exists; not overwriting it');
    expect(readFileSync(join(target, 'berth.yaml'), 'utf8')).toBe('mine\n');
    expect(berth(['init', '--force'], target).code).toBe(0);
    expect(loadSpecFile(join(target, 'berth.yaml')).problems).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin, ensureBuiltCli, root } from './support/built-cli.js';

/**
 * The CLI's own rules, each once broken by one command: help texts with one default each, `--version --json` as
 * JSON, an option that is listed never silently ignored, a hint that writes the file it names, no escape sequence
 * under NO_COLOR even on a terminal, and the README naming every decision record.
 */
describe('the CLI conventions, through the built CLI', () => {
  let dir: string;
  beforeAll(() => {
    ensureBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'berth-conventions-'));
  }, 200_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const berth = (args: string[], cwd = dir, env: NodeJS.ProcessEnv = {}) => {
    const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', BERTH_RESULT_CACHE: '0', COLUMNS: '200', ...env }, timeout: 20_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  /** The help of one command, its wrapped lines joined, so one option's description is one line. */
  const help = (command: string[]) => {
    const r = berth([...command, '--help']);
    expect(r.code, command.join(' ')).toBe(0);
    return r.stdout.replace(/\n {10,}/g, ' ');
  };

  it('help: --profile names one default (COMPOSE_PROFILES), and no repeatable option shows "(default: [])"', () => {
    for (const command of [['up'], ['build'], ['health'], ['doctor'], ['compose']]) {
      const text = help(command);
      const profile = text.split('\n').find((l) => l.trimStart().startsWith('--profile'));
      expect(profile, command.join(' ')).toContain('COMPOSE_PROFILES');
      expect(profile, command.join(' ')).not.toContain('(default: [])');
    }
    for (const command of [['doctor'], ['env', 'check'], ['import', 'compose'], ['serve'], ['health']]) expect(help(command), command.join(' ')).not.toContain('(default: [])');
  });

  it('help: ecosystem docs describes its specs with its own command line; ports suggest -n shows a number', () => {
    expect(help(['ecosystem', 'docs'])).toContain('(berth ecosystem docs --registry FILE SPEC...)');
    expect(help(['ecosystem', 'check'])).toContain('(berth ecosystem check --registry FILE SPEC...)');
    const suggest = help(['ports', 'suggest']);
    expect(suggest).toMatch(/-n, --count <n> .*\(default: 3\)/);
    expect(suggest).not.toContain('"3"');
  });

  it('--version --json prints a JSON document; --version alone the bare version', () => {
    const json = berth(['--version', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(berth(['--json', '-V']).stdout).toBe(json.stdout);
    const plain = berth(['--version']);
    expect(plain.stdout).toBe(`${JSON.parse(json.stdout).version}\n`);
  });

  it('gpu --image without --engine is refused in one line, exit 2, as compose --profile without --swarm is', () => {
    const r = berth(['gpu', '--image', 'foo', '--no-docker'], join(root, 'examples/semops-data'));
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toMatch(/^berth: --image needs --engine NAME[^\n]*\n$/);
    const json = berth(['gpu', '--image', 'foo', '--engine', 'default', '--no-docker', '--json'], join(root, 'examples/semops-data'));
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { code: 'ERR_BERTH_USAGE' } });
  });

  it('docs --check -o FILE: the hint writes that file, missing or out of date', () => {
    const repo = join(dir, 'docs-hint');
    mkdirSync(repo);
    writeFileSync(join(repo, 'berth.yaml'), 'berth: 1\nrepo: { name: hint }\nservices:\n  web: { image: nginx:1.27, ports: [{ host: 18081, container: 80 }] }\n');
    const missing = berth(['docs', '--check', '-o', 'other.md'], repo);
    expect(missing).toMatchObject({ code: 1, stdout: 'other.md: does not exist (run `berth docs --write -o other.md`)\n' });
    expect(berth(['docs', '--write', '-o', 'other.md'], repo).code).toBe(0);
    writeFileSync(join(repo, 'other.md'), readFileSync(join(repo, 'other.md'), 'utf8').replace('18081', '18082'));
    expect(berth(['docs', '--check', '-o', 'other.md'], repo).stdout).toContain('run `berth docs --write -o other.md`');
  });

  // `script` gives the command a pseudo-terminal: stderr is a TTY there, as in a shell
  const script = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!script)('NO_COLOR and --no-color on a terminal: progress is a plain line, no \\r and no escape sequence', () => {
    const repo = join(dir, 'tty');
    const fake = join(repo, 'fake-bin');
    mkdirSync(fake, { recursive: true });
    writeFileSync(join(repo, 'berth.yaml'), 'berth: 1\nrepo: { name: tty }\n');
    // an nvidia-smi slow enough (1.5 s) for the progress to show
    writeFileSync(join(fake, 'nvidia-smi'), '#!/bin/sh\nsleep 1.5\nexit 9\n');
    chmodSync(join(fake, 'nvidia-smi'), 0o755);
    const onTerminal = (env: Record<string, string>, flags = '') => {
      const r = spawnSync('script', ['-qec', `${process.execPath} ${bin} gpu --no-docker ${flags}`, '/dev/null'], {
        cwd: repo,
        encoding: 'utf8',
        env: { PATH: `${fake}:/usr/bin:/bin`, HOME: process.env.HOME ?? dir, TERM: 'xterm', BERTH_RESULT_CACHE: '0', ...env },
        timeout: 20_000,
      });
      return r.stdout;
    };
    // the same run with colour allowed draws the spinner: the terminal is one
    expect(onTerminal({})).toContain('\r\u001b[2K');
    for (const [env, flags] of [[{ NO_COLOR: '1' }, ''], [{}, '--no-color']] as const) {
      const out = onTerminal(env, flags);
      expect(out, flags || 'NO_COLOR=1').toContain('asking nvidia-smi about the GPUs\r\n');
      expect(out, flags || 'NO_COLOR=1').not.toContain('\u001b');
      // the terminal turns each \n into \r\n; any other \r is a redraw
      expect(out.replaceAll('\r\n', '\n'), flags || 'NO_COLOR=1').not.toContain('\r');
    }
  });

  // the docs' quick start (docker.md) and the dashboard's Up button use the bundled example: it must be startable
  const engine = spawnSync('docker', ['info', '--format', '{{.ID}}'], { encoding: 'utf8', timeout: 10_000 }).status === 0;
  it.skipIf(!engine)('the bundled example can be brought up: a plan for the lineage profile and for the default one, exit 0', () => {
    const example = join(root, 'examples/semops-data');
    const lineage = berth(['up', '--dry-run', '--profile', 'lineage'], example);
    expect(lineage.code, lineage.stderr).toBe(0);
    for (const service of ['python', 'dbt', 'marquez', 'marquez-web']) expect(lineage.stdout).toMatch(new RegExp(`^${service} +(build|create)`, 'm'));
    expect(lineage.stdout).toMatch(/^python +build +semops-data-python/m);
    const plain = berth(['up', '--dry-run'], example);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).not.toContain('marquez');
    expect(berth(['validate'], example).code).toBe(0);
    expect(berth(['docs', '--check'], example)).toMatchObject({ code: 0, stdout: 'INFRASTRUCTURE.md: up to date\n' });
  });

  it('README lists every decision record under docs/decisions', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const list = readme.split('\n').find((l) => l.startsWith('decisions: '));
    expect(list).toBeDefined();
    const records = readdirSync(join(root, 'docs/decisions')).filter((f) => /^\d{4}-.*\.md$/.test(f));
    expect(records.length).toBeGreaterThan(0);
    for (const f of records) expect(list, f).toContain(`](docs/decisions/${f})`);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin, ensureBuiltCli } from './support/built-cli.js';

const SECRET = 'sk-test-0123456789-DO-NOT-PRINT';


function berth(args: string[], cwd: string, env: Record<string, string | undefined> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...env }, timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, all: r.stdout + r.stderr };
}

const REGISTRY = `# The registry: comments must survive \`berth ports register\`.
registry: 1
owner: orchestrator

ports:
  # app
  - { port: 8080, repo: app, service: web, env: WEB_PORT, description: Web }
  - { port: 5000, repo: app, service: tracking, env: TRACKING_PORT }
  - { port: 5000, repo: app, service: lineage, env: LINEAGE_PORT }

  # shared
  - { port: 6333, service: qdrant, shared: true }
  - { port: 9000, repo: other, service: minio }
`;
const SPEC = `berth: 1
repo: { name: app }
registry: ../orchestrator/ports.yaml
modules:
  ai: { description: Model calls }
services:
  web:
    ports: [{ host: 8080, env: WEB_PORT }]
  tracking:
    ports: [{ host: 5000, env: TRACKING_PORT }]
    exclusiveWith: [lineage]
  lineage:
    ports: [{ host: 5000, env: LINEAGE_PORT }]
env:
  OPENAI_API_KEY: { purpose: Embeddings, secret: true, required: { module: ai } }
  LOG_LEVEL: { type: enum, values: [debug, info], default: info }
`;

describe('berth validate, ports and env, run as the built binary', () => {
  let dir: string;
  let repo: string;
  let listener: Server | undefined;
  const write = (rel: string, text: string) => writeFileSync(join(dir, rel), text);

  beforeAll(() => {
    ensureBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'berth-spec-cli-'));
    repo = join(dir, 'app');
    mkdirSync(repo);
    mkdirSync(join(dir, 'orchestrator'));
    mkdirSync(join(dir, 'empty'));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => (listener ? listener.close(() => resolve()) : resolve()));
    rmSync(dir, { recursive: true, force: true });
  });
  const reset = (spec = SPEC, registry = REGISTRY) => {
    write('app/berth.yaml', spec);
    write('orchestrator/ports.yaml', registry);
    rmSync(join(repo, '.env'), { force: true });
  };

  it('validate: exit 0 with the exclusive pair reported as a file:line:col warning', () => {
    reset();
    const r = berth(['validate'], repo);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'berth.yaml:13:13: warning: port 5000/tcp is published by both tracking (berth.yaml:10:13) and lineage; they are declared exclusive, so they cannot run together\n' +
        `berth.yaml + ${dir}/orchestrator/ports.yaml: valid (1 warning)\n`,
    );
    expect(r.stderr).toBe('');
  });

  it('validate: exit 1 on a conflict, one line per problem, and --json says the same', () => {
    reset(SPEC.replace('    exclusiveWith: [lineage]\n', '').replace('{ host: 8080, env: WEB_PORT }', '{ host: 9000, env: WEB_PORT }'));
    const r = berth(['validate'], repo);
    expect(r.code).toBe(1);
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      `berth.yaml:8:13: port 9000/tcp of app/web is registered to other/minio (${dir}/orchestrator/ports.yaml:13:5) (pick a free port: berth ports suggest web)`,
      'berth.yaml:12:13: port 5000/tcp is published by both tracking (berth.yaml:10:13) and lineage; only one of them can bind it (give one of them another port, or declare them `exclusiveWith` each other if they never run together)',
      `${dir}/orchestrator/ports.yaml:7:5: warning: port 8080/tcp is registered to app/web, but that service does not publish it (remove the entry, or publish the port in the spec)`,
      `${dir}/orchestrator/ports.yaml:9:5: port 5000/tcp is allocated to both app/tracking (${dir}/orchestrator/ports.yaml:8:5) and app/lineage (give one of them another port (\`berth ports suggest <service>\`))`,
      `berth.yaml + ${dir}/orchestrator/ports.yaml: 3 errors, 1 warning`,
    ]);
    const json = JSON.parse(berth(['validate', '--json'], repo).stdout);
    expect(json).toMatchObject({ ok: false, errors: 3, warnings: 1 });
    expect(json.problems.map((p: { code: string }) => p.code)).toEqual(['port-registered-elsewhere', 'port-conflict', 'registry-entry-unused', 'registry-conflict']);
  });

  it('validate: exit 2 on an image reference the engine refuses, as on any invalid field, with the same line and position', () => {
    reset(SPEC.replace('  web:\n', '  web:\n    image: Foo/Bar\n'));
    const r = berth(['validate'], repo);
    expect(r.code).toBe(2);
    expect(r.all).toContain('berth.yaml:8:12: service "web": image "Foo/Bar" is not an image reference the engine accepts: its name "Foo/Bar" has capitals, which an image name cannot have');
    const json = JSON.parse(berth(['validate', '--json'], repo).stdout);
    expect(json).toMatchObject({ ok: false });
    expect(json.problems.map((p: { code: string }) => p.code)).toContain('image-reference');
    reset(SPEC.replace('  web:\n', '  web:\n    image: "app:${TAG}"\n'));
    expect(berth(['validate'], repo).code, 'one with ${VAR} is left to berth up').toBe(0);
  });

  it('validate: exit 2 on broken YAML, with the position and no stack trace', () => {
    reset(`${SPEC}  BROKEN: [\n`);
    const r = berth(['validate'], repo);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^berth\.yaml:\d+:\d+: invalid YAML/m);
    expect(r.all).not.toMatch(/\n\s+at /);
  });

  it('validate: exit 2, one line, on a spec or registry nested 100,000 levels deep (the YAML library would exhaust the stack)', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    reset(`${SPEC}x-deep: ${deep}\n`);
    let r = berth(['validate'], repo);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(['berth.yaml:17:264: invalid YAML: nested more than 256 levels deep']);
    reset(SPEC, `${REGISTRY}x-deep: ${deep}\n`);
    r = berth(['validate', '--json'], repo);
    expect(r.code).toBe(2);
    expect(r.all).not.toMatch(/internal error|\n\s+at /);
    const json = JSON.parse(r.stdout) as { ok: boolean; problems: { file: string; line: number; message: string }[] };
    expect(json.ok).toBe(false);
    expect(json.problems.map((p) => [p.file.endsWith('ports.yaml'), p.line, p.message])).toEqual([[true, 14, 'invalid YAML: nested more than 256 levels deep']]);
  });

  it('an empty --spec or --registry is a usage error naming the option, not a silent fall back to the bundled example', () => {
    for (const args of [['validate', '--spec', ''], ['--registry', ' ', 'ports', 'list']]) {
      const r = berth(args, join(dir, 'empty'));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error: option '-[sr], --(spec|registry) <file>' argument '\s*' is invalid\. must be a path \(it is empty\)$/m);
      expect(r.all).not.toMatch(/bundled example/);
    }
  });

  it("a command's --help lists the program's options it takes too (--json, --spec, --no-color), and they work after it", () => {
    for (const command of [['status'], ['ports', 'list'], ['ecosystem', 'check']]) {
      const help = berth([...command, '--help'], join(dir, 'empty'));
      expect(help.code, command.join(' ')).toBe(0);
      expect(help.stdout, command.join(' ')).toMatch(/\nGlobal Options:\n[^]*\n {2}--json +machine-readable output on stdout\n/);
    }
    reset(SPEC);
    const listed = berth(['ports', 'list', '--json'], repo);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toHaveProperty('ports');
  });

  it('validate: catches a .env port value that disagrees with the registry, at its line', () => {
    reset();
    write('app/.env', '# local\nLOG_LEVEL=debug\nWEB_PORT=8081\n');
    const r = berth(['validate'], repo);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('.env:3:1: WEB_PORT (set in .env) disagrees with the registry, which gives app/web port 8080');
    expect(berth(['validate'], repo, { WEB_PORT: '8080' }).code).toBe(0);
  });

  it('env check: a .env port value that is no port is one problem, naming the port the registry gives', () => {
    reset();
    write('app/.env', 'LOG_LEVEL=debug\nWEB_PORT=8080x\n');
    const r = berth(['env', 'check'], repo);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('.env:'))).toEqual(['.env:2:1: WEB_PORT (set in .env) is not a port number; the registry gives app/web port 8080']);
    expect(r.stdout).toContain('berth.yaml (no modules enabled, .env): 1 error\n');
    expect(r.stdout).toMatch(/WEB_PORT .*invalid/);
  });

  it('colours only when allowed: NO_COLOR wins over FORCE_COLOR', () => {
    reset();
    expect(berth(['validate'], repo, { NO_COLOR: undefined, FORCE_COLOR: '1' }).stdout).toContain('\u001b[33m');
    const both = berth(['validate'], repo, { NO_COLOR: '1', FORCE_COLOR: '1' });
    expect(both.all).not.toContain('\u001b[');
    expect(both.stderr).not.toMatch(/Warning/);
    expect(berth(['validate', '--no-color'], repo, { NO_COLOR: undefined, FORCE_COLOR: '1' }).all).not.toContain('\u001b[');
  });

  it('uses the bundled example where there is no berth.yaml, and reports its 5000 clash as a warning', () => {
    const r = berth(['validate'], join(dir, 'empty'));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('using the bundled example');
    expect(r.stdout).toMatch(/berth\.yaml:88:9: warning: port 5000\/tcp is published by both mlflow \(.*berth\.yaml:70:9\) and marquez \(api\); they are declared exclusive/);
  });

  it('ports list: a table of port, protocol, repo, service, env, status; --json too', () => {
    reset();
    const r = berth(['ports', 'list'], repo);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^PORT\s+PROTOCOL\s+REPO\s+SERVICE\s+ENV\s+STATUS$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/))).toEqual([
      ['5000', 'tcp', 'app', 'tracking', 'TRACKING_PORT', 'exclusive'],
      ['5000', 'tcp', 'app', 'lineage', 'LINEAGE_PORT', 'exclusive'],
      ['6333', 'tcp', '-', 'qdrant', '-', 'shared'],
      ['8080', 'tcp', 'app', 'web', 'WEB_PORT', 'ok'],
      ['9000', 'tcp', 'other', 'minio', '-', 'ok'],
    ]);
    const json = JSON.parse(berth(['ports', 'list', '--json'], repo).stdout);
    expect(json.ports).toHaveLength(5);
    expect(json.conflicts).toEqual([{ port: 5000, protocol: 'tcp', holders: [{ repo: 'app', service: 'tracking' }, { repo: 'app', service: 'lineage' }], exclusive: true }]);
  });

  it('ports check: exit 1 on an unregistered port, and checks other repos\' specs alongside', () => {
    reset(SPEC.replace('  web:\n', '  admin:\n    ports: [8181]\n  web:\n'));
    const r = berth(['ports', 'check'], repo);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('berth.yaml:8:13: port 8181/tcp of app/admin is not in the port registry (register it: berth ports register admin)');
    reset();
    write('other.yaml', 'berth: 1\nrepo: { name: other }\nservices:\n  minio: { ports: [9000, 8080] }\n');
    const cross = berth(['ports', 'check', '../other.yaml', '--json'], repo);
    expect(cross.code).toBe(1);
    expect(JSON.parse(cross.stdout).problems.map((p: { file: string; line: number; code: string }) => `${p.file}:${p.line} ${p.code}`)).toEqual([
      'berth.yaml:13 port-exclusive',
      `${dir}/other.yaml:4 port-conflict`,
      `${dir}/other.yaml:4 port-registered-elsewhere`,
    ]);
  });

  it('ports suggest: skips registered ports and a port this test holds on loopback', async () => {
    reset();
    let held = 0;
    for (let p = 21000; p < 21100 && !held; p++) {
      const s = createServer();
      const ok = await new Promise<boolean>((resolve) => {
        s.once('error', () => resolve(false));
        s.listen({ port: p, host: '127.0.0.1', exclusive: true }, () => resolve(true));
      });
      if (ok) {
        listener = s;
        held = p;
      }
    }
    expect(held).toBeGreaterThan(0);
    const r = berth(['ports', 'suggest', 'web', '--near', String(held), '--count', '2', '--json'], repo);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.ports).toHaveLength(2);
    expect(out.ports).not.toContain(held);
    expect(out.boundOnHost).toContain(held);
    const near = berth(['ports', 'suggest', 'web', '--near', '9000', '--count', '1'], repo);
    expect(near.stdout.trim()).not.toBe('9000');
    expect(berth(['ports', 'suggest', 'web', '--count', 'zero'], repo).code).toBe(2);
  });

  it('ports register: adds entries keeping comments and order, atomically; then says already registered', () => {
    reset(SPEC.replace('  web:\n', '  admin:\n    ports: [{ host: 8181, env: ADMIN_PORT }]\n  web:\n'));
    const dry = berth(['ports', 'register', 'admin', '--dry-run'], repo);
    expect(dry).toMatchObject({ code: 0, stdout: `would register 8181/tcp for app/admin (ADMIN_PORT) in ${dir}/orchestrator/ports.yaml\n` });
    expect(readFileSync(join(dir, 'orchestrator/ports.yaml'), 'utf8')).toBe(REGISTRY);
    const r = berth(['ports', 'register', 'admin'], repo);
    expect(r).toMatchObject({ code: 0, stdout: `registered 8181/tcp for app/admin (ADMIN_PORT) in ${dir}/orchestrator/ports.yaml\n` });
    const after = readFileSync(join(dir, 'orchestrator/ports.yaml'), 'utf8');
    expect(after).toBe(REGISTRY.replace('env: LINEAGE_PORT }\n', 'env: LINEAGE_PORT }\n  - { port: 8181, repo: app, service: admin, env: ADMIN_PORT }\n'));
    expect(readdirSync(join(dir, 'orchestrator'))).toEqual(['ports.yaml']);
    expect(berth(['ports', 'register', 'admin'], repo).stdout).toBe('already registered: 8181/tcp for app/admin\n');
    expect(berth(['ports', 'check'], repo).code).toBe(0);
  });

  it('ports register: refuses a conflicting port with a clear message and writes nothing', () => {
    reset(SPEC.replace('  web:\n', '  store:\n    ports: [9000]\n  web:\n'));
    const r = berth(['ports', 'register', 'store'], repo);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('berth.yaml:8:13: port 9000/tcp of app/store is registered to other/minio');
    expect(r.stderr).toContain('refusing to register store: it would conflict with the registry (nothing written)');
    expect(readFileSync(join(dir, 'orchestrator/ports.yaml'), 'utf8')).toBe(REGISTRY);
    expect(berth(['ports', 'register', 'stor'], repo)).toMatchObject({ code: 2, stderr: expect.stringContaining('service "stor" does not exist (did you mean "store"?)') });
    // a name of the object's prototype is no service either
    expect(berth(['ports', 'register', 'constructor'], repo)).toMatchObject({ code: 2, stderr: expect.stringContaining('service "constructor" does not exist') });
  });

  it('ports register: refuses a port another repo holds on the IPv6 wildcard spelt out, which takes 127.0.0.1 too', () => {
    const registry = REGISTRY.replace('  - { port: 9000, repo: other, service: minio }\n', '  - { port: 9000, repo: other, service: minio }\n  - { port: 9100, hostIp: "0:0:0:0:0:0:0:0", repo: other, service: thing }\n');
    reset(SPEC.replace('  web:\n', '  local:\n    ports: ["127.0.0.1:9100:80"]\n  web:\n'), registry);
    const r = berth(['ports', 'register', 'local'], repo);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`berth.yaml:8:13: port 9100/tcp of app/local is registered to other/thing (${dir}/orchestrator/ports.yaml:14:5)`);
    expect(readFileSync(join(dir, 'orchestrator/ports.yaml'), 'utf8')).toBe(registry);
  });

  it('ports register: refuses a registry whose ports list is an alias, rather than dropping the entries it holds', () => {
    reset(SPEC.replace('  web:\n', '  admin:\n    ports: [{ host: 8181, env: ADMIN_PORT }]\n  web:\n'));
    const aliased = `${REGISTRY.replace(/\nports:\n[\s\S]*$/, '\n')}x-ports: &shared\n  - { port: 9000, repo: other, service: minio }\nports: *shared\n`;
    writeFileSync(join(dir, 'orchestrator/ports.yaml'), aliased);
    const r = berth(['ports', 'register', 'admin'], repo);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('its `ports` is a YAML alias (*shared), not a list written in place');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(join(dir, 'orchestrator/ports.yaml'), 'utf8')).toBe(aliased);
  });

  it('ports register: reads a registry shared through an npm package, but never edits it there', () => {
    const pkg = join(dir, 'pkgrepo');
    mkdirSync(join(pkg, 'node_modules/@org/ports'), { recursive: true });
    writeFileSync(join(pkg, 'node_modules/@org/ports/package.json'), '{ "name": "@org/ports", "version": "1.0.0" }');
    writeFileSync(join(pkg, 'node_modules/@org/ports/ports.yaml'), REGISTRY);
    writeFileSync(join(pkg, 'berth.yaml'), SPEC.replace('registry: ../orchestrator/ports.yaml', 'registry: { package: "@org/ports" }').replace('  web:\n', '  admin:\n    ports: [8181]\n  web:\n'));
    expect(berth(['ports', 'check'], pkg).stdout).toContain('port 8181/tcp of app/admin is not in the port registry');
    expect(berth(['ports', 'register', 'admin', '--dry-run'], pkg).code).toBe(0);
    const r = berth(['ports', 'register', 'admin'], pkg);
    expect(r).toMatchObject({ code: 2, stderr: expect.stringContaining('comes from an installed package; register the port in the repo that publishes it') });
    expect(readFileSync(join(pkg, 'node_modules/@org/ports/ports.yaml'), 'utf8')).toBe(REGISTRY);
  });

  it('env check: missing and mistyped names, exit codes, and never a value on any stream', () => {
    reset();
    write('app/.env', `OPENAI_APIKEY=${SECRET}\nLOG_LEVEL=${SECRET}\n`);
    for (const args of [['env', 'check', '--module', 'ai'], ['env', 'check', '-m', 'ai', '--json'], ['validate'], ['validate', '--json'], ['ports', 'check', '--json']]) {
      const r = berth(args, repo, { ANTHROPIC_API_KEY: SECRET, OPENAI_API_KEY: undefined, WEB_PORT: SECRET });
      expect(r.all).not.toContain(SECRET);
      expect(r.all).not.toContain('DO-NOT-PRINT');
    }
    const r = berth(['env', 'check', '--module', 'ai'], repo);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('berth.yaml:15:3: OPENAI_API_KEY is required by module ai but not set (OPENAI_APIKEY (in .env) looks like a typo of it)');
    expect(r.stdout).toContain('.env:1:1: warning: OPENAI_APIKEY (in .env) is not in the env schema; did you mean OPENAI_API_KEY?');
    expect(r.stdout).toContain('.env:2:1: LOG_LEVEL (set in .env) is not one of debug, info');
    const json = JSON.parse(berth(['env', 'check', '--json'], repo).stdout);
    expect(json.vars.find((v: { name: string }) => v.name === 'OPENAI_API_KEY')).toEqual({ name: 'OPENAI_API_KEY', required: false, secret: true, set: false, valid: true, modules: ['ai'] });
    write('app/.env', 'LOG_LEVEL=info\n');
    expect(berth(['env', 'check', '-m', 'ai'], repo, { OPENAI_API_KEY: SECRET }).code).toBe(0);
    expect(berth(['env', 'check', '-m', 'aj'], repo)).toMatchObject({ code: 2, stderr: expect.stringContaining('module "aj" does not exist (did you mean "ai"?)') });
    // Node 20 itself takes `--env-file` after the script (nodejs/node#54232), so the missing-file case goes through --dotenv.
    expect(berth(['env', 'check', '--dotenv', 'missing.env'], repo)).toMatchObject({ code: 2, stderr: 'missing.env: no such file (from --dotenv)\n' });
    write('app/local.env', 'LOG_LEVEL=loud\n');
    expect(berth(['env', 'check', '--env-file', 'local.env'], repo)).toMatchObject({ code: 1, stdout: expect.stringContaining('local.env:1:1: LOG_LEVEL (set in local.env) is not one of debug, info') });
  });

  it('env check --profile (repeatable, or COMPOSE_PROFILES as for up): the variables a profile on requires, grouped by it in .env.example', () => {
    reset(
      SPEC.replace('modules:\n', 'profiles:\n  lineage: { description: Lineage }\n  preview: {}\nmodules:\n').replace(
        '  LOG_LEVEL:',
        '  MARQUEZ_DB_PASSWORD: { secret: true, required: { profile: lineage } }\n  PREVIEW_URL: { type: url, required: { profile: [preview, lineage] } }\n  LOG_LEVEL:',
      ),
    );
    expect(berth(['validate'], repo).code).toBe(0);
    expect(berth(['env', 'check'], repo).code).toBe(0);
    const r = berth(['env', 'check', '--profile', 'lineage'], repo);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('berth.yaml:19:3: MARQUEZ_DB_PASSWORD is required by profile lineage but not set (set it in the environment or in .env)');
    expect(r.stdout).toContain('berth.yaml:20:3: PREVIEW_URL is required by profile lineage but not set');
    expect(r.stdout).toContain('berth.yaml (no modules enabled, profiles lineage): 2 errors');
    const preview = berth(['env', 'check', '--profile', 'preview', '--json'], repo, { PREVIEW_URL: 'http://localhost:3000' });
    expect(JSON.parse(preview.stdout)).toMatchObject({ ok: true, profiles: ['preview'] });
    expect(JSON.parse(preview.stdout).vars.find((v: { name: string }) => v.name === 'MARQUEZ_DB_PASSWORD')).toEqual({ name: 'MARQUEZ_DB_PASSWORD', required: false, secret: true, set: false, valid: true, profiles: ['lineage'] });
    // COMPOSE_PROFILES when no --profile is given, as up takes it
    expect(berth(['env', 'check'], repo, { COMPOSE_PROFILES: 'lineage', PREVIEW_URL: 'http://x' }).stdout).toContain('MARQUEZ_DB_PASSWORD is required by profile lineage but not set');
    expect(berth(['env', 'check', '--profile', 'preview'], repo, { COMPOSE_PROFILES: 'lineage', PREVIEW_URL: 'http://x' }).code).toBe(0);
    // a profile that enables nothing is said, as up says it
    expect(berth(['env', 'check', '--profile', 'lineag'], repo).stdout).toContain('warning: profile "lineag" enables no service');
    const example = berth(['env', 'example', '-o', '-'], repo).stdout;
    expect(example).toContain('# ---- Profile lineage: Lineage ----\n# no purpose given (secret, required when profile lineage is on)\nMARQUEZ_DB_PASSWORD=\n');
    expect(example).toContain('# ---- Profile preview ----\n# no purpose given (url, required when any of the profiles preview, lineage is on)\nPREVIEW_URL=\n');
    // a profile the spec does not declare is bad input where it is named
    reset(SPEC.replace('  LOG_LEVEL:', '  PREVIEW_URL: { type: url, required: { profile: preview } }\n  LOG_LEVEL:'));
    expect(berth(['validate'], repo)).toMatchObject({ code: 2, stderr: expect.stringContaining('berth.yaml:16:50: profile "preview" does not exist; declare it under `profiles`') });
  });

  it('env example: writes .env.example atomically, refuses to overwrite without --force', () => {
    reset();
    const r = berth(['env', 'example'], repo);
    expect(r).toMatchObject({ code: 0, stdout: 'wrote .env.example (5 variables; secrets left blank)\n' });
    const text = readFileSync(join(repo, '.env.example'), 'utf8');
    expect(text).toContain('# ---- Module ai: Model calls ----\n# Embeddings (secret, required when module ai is enabled)\nOPENAI_API_KEY=\n');
    expect(text).toContain('LOG_LEVEL=info\n');
    const again = berth(['env', 'example'], repo);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('.env.example already exists');
    expect(berth(['env', 'example', '--force', '--json'], repo)).toMatchObject({ code: 0, stdout: expect.stringContaining('"file": ".env.example"') });
    expect(readdirSync(repo).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const printed = berth(['env', 'example', '-o', '-', '--json'], repo);
    expect(printed.code).toBe(0);
    expect(JSON.parse(printed.stdout)).toEqual({ ok: true, file: null, vars: 5, text: readFileSync(join(repo, '.env.example'), 'utf8') });
  });

  it('usage errors are exit 2 and, with --json, one JSON document on stdout; a group without its subcommand is one', () => {
    reset();
    for (const args of [['validate', '--bogus'], ['ports', 'register'], ['nosuchcmd'], ['validate', 'extra'], ['env'], ['ports', 'bogus'], ['ports', 'list', 'extra']]) {
      const r = berth([...args, '--json'], repo);
      expect(r.code, args.join(' ')).toBe(2);
      expect(JSON.parse(r.stdout), args.join(' ')).toMatchObject({ ok: false, error: { code: 'ERR_BERTH_USAGE', message: expect.any(String) } });
    }
    expect(JSON.parse(berth(['validate', '--bogus', '--json'], repo).stdout).error.message).toBe("unknown option '--bogus'");
    expect(berth(['env'], repo)).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining('Usage: berth env') });
    // `berth ports` alone lists; any other word is named for what it is, not "too many arguments for 'list'"
    expect(berth(['ports', 'bogus'], repo)).toMatchObject({ code: 2, stdout: '', stderr: "berth: 'bogus' is not a subcommand of berth ports (list, check, suggest, register), and list takes no arguments\n" });
    expect(berth(['ports'], repo).code).toBe(0);
    expect(berth(['help', 'nosuch'], repo).code).toBe(2);
    expect(berth(['env', '--help'], repo)).toMatchObject({ code: 0, stdout: expect.stringContaining('Usage: berth env') });
    const both = berth(['up', '--build', '--no-build', '--dry-run'], repo, { DOCKER_HOST: 'unix:///nonexistent/berth.sock' });
    expect(both).toMatchObject({ code: 2, stderr: 'berth: --build and --no-build cannot be used together\n' });
  });
});

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { bin, ensureBuiltCli } from './support/built-cli.js';

const root = resolve(import.meta.dirname, '../../..');
const app = join(root, 'packages/docker/test/compose-fixtures/app');
const broken = join(root, 'packages/docker/test/compose-fixtures/broken');
const hasDockerCompose = spawnSync('docker-compose', ['version']).status === 0;

function berth(args: string[], cwd: string, env: Record<string, string> = {}) {
  // bounded: a hang is a failure here, not a stuck suite
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}


let tmp: string;
beforeAll(() => {
  ensureBuiltCli();
  tmp = mkdtempSync(join(tmpdir(), 'berth-compose-cli-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('berth import compose', () => {
  // a file that exists and fails to read, for root too: /proc/self/mem reads EIO at offset 0 (Linux)
  const procMem = existsSync('/proc/self/mem');
  it.skipIf(!procMem)(`a Compose file or env file it cannot read is said in words, as every read is, exit 2${procMem ? '' : ' (skipped: no /proc/self/mem to fail a read here)'}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-unreadable-compose-'));
    try {
      symlinkSync('/proc/self/mem', join(dir, 'compose.yaml'));
      mkdirSync(join(dir, 'app'));
      writeFileSync(join(dir, 'app', 'compose.yaml'), 'services:\n  a:\n    image: busybox\n');
      symlinkSync('/proc/self/mem', join(dir, 'app', '.env'));
      const file = berth(['import', 'compose', 'compose.yaml'], dir);
      expect([file.code, file.stderr]).toEqual([2, 'cannot read Compose file compose.yaml: an input/output error on the device\n']);
      // the project's own .env (--env-file itself is Node 20's own flag: docs/ports-and-env.md)
      const env = berth(['import', 'compose', 'app/compose.yaml'], dir);
      expect([env.code, env.stderr]).toEqual([2, 'app/compose.yaml:1:1: cannot read env file app/.env: an input/output error on the device\n']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes a spec that validates, with warnings naming file, line and path', () => {
    const out = join(tmp, 'imported', 'berth.yaml');
    const r = berth(['import', 'compose', 'compose.yaml', '-f', 'override.yaml', '-o', out], app);
    expect(r.stderr).toContain('compose.yaml:41:5: warning: services.web.logging: not carried (berth has no field for it); kept under x-compose');
    expect(r.stderr).not.toContain('services.web.build');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/wrote .*berth\.yaml: 5 services, \d+ warnings/);
    const spec = parse(readFileSync(out, 'utf8'));
    expect(spec.services.api.envFile).toEqual([relative(dirname(out), join(app, 'api.env'))]);
    const v = berth(['--spec', out, 'validate'], tmp);
    expect(v.stdout + v.stderr).toContain('valid');
    expect(v.code).toBe(0);
  });

  it('refuses to overwrite without --force, and overwrites with it', () => {
    const out = join(tmp, 'twice.yaml');
    expect(berth(['import', 'compose', 'compose.yaml', '-o', out], app).code).toBe(0);
    const again = berth(['import', 'compose', 'compose.yaml', '-o', out], app);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`${out} already exists`);
    expect(again.stderr).toContain('--force');
    expect(berth(['import', 'compose', 'compose.yaml', '-o', out, '--force'], app).code).toBe(0);
    expect(existsSync(`${out}.tmp`)).toBe(false);
  });

  it('prints the spec as YAML on stdout without -o, and as JSON with warnings under --json', () => {
    const yaml = berth(['import', 'compose'], app);
    expect(yaml.code).toBe(0);
    expect(parse(yaml.stdout).services.web.image).toBe('nginx:${NGINX_TAG:?set NGINX_TAG in .env}');
    expect(parse(yaml.stdout).services.web.build).toBe('./web');
    const json = berth(['import', 'compose', 'compose.yaml', '--json'], app);
    expect(json.code).toBe(0);
    const data = JSON.parse(json.stdout);
    expect(data.ok).toBe(true);
    expect(data.spec.services.api.gpu).toEqual({ count: 1, capabilities: ['gpu'], driver: 'nvidia' });
    expect(data.warnings.some((w: { path: string[] }) => w.path.join('.') === 'services.web.logging')).toBe(true);
  });

  it('keeps references, checks them against --env-file and the process environment, and says which .env berth will read', () => {
    const envFile = join(tmp, 'alt.env');
    writeFileSync(envFile, 'NGINX_TAG=alt\nWEB_PORT=9999\n');
    const data = JSON.parse(berth(['import', 'compose', 'compose.yaml', '--env-file', envFile, '--json'], app).stdout);
    expect(data.spec.services.web.image).toBe('nginx:${NGINX_TAG:?set NGINX_TAG in .env}');
    expect(data.spec.services.web.ports).toContainEqual({ host: 8080, container: 80, env: 'WEB_PORT' });
    const messages = data.warnings.map((w: { message: string }) => w.message);
    expect(messages).toContain('services.web.ports[0]: WEB_PORT gives host port 9999 here; the spec keeps the Compose default 8080 (berth validate reports the difference)');
    expect(messages.find((m: string) => m.startsWith('the spec keeps references to'))).toMatch(/NGINX_TAG.* which berth resolves from the environment and \.env, not from .*alt\.env: keep them there$/);
    const fromEnv = JSON.parse(berth(['import', 'compose', 'compose.yaml', '--json'], app, { WEB_PORT: '7777' }).stdout);
    expect(fromEnv.spec.services.web.ports).toContainEqual({ host: 8080, container: 80, env: 'WEB_PORT' });
    expect(fromEnv.warnings.map((w: { message: string }) => w.message)).toContain('services.web.ports[0]: WEB_PORT gives host port 7777 here; the spec keeps the Compose default 8080 (berth validate reports the difference)');
  });

  it('takes --dotenv as it takes --env-file (Node 20 takes --env-file for itself); a missing one is exit 2 with JSON', () => {
    const envFile = join(tmp, 'dotenv-alt.env');
    writeFileSync(envFile, 'NGINX_TAG=alt\nWEB_PORT=9999\n');
    const r = berth(['import', 'compose', 'compose.yaml', '--dotenv', envFile, '--json'], app);
    expect(r.code, r.stderr).toBe(0);
    const data = JSON.parse(r.stdout);
    expect(data.warnings.map((w: { message: string }) => w.message)).toContain('services.web.ports[0]: WEB_PORT gives host port 9999 here; the spec keeps the Compose default 8080 (berth validate reports the difference)');
    expect(data.envFile).toBe(envFile);
    const missing = berth(['import', 'compose', 'compose.yaml', '--dotenv', 'missing.env', '--json'], app);
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stdout)).toMatchObject({ ok: false, problems: expect.arrayContaining([expect.objectContaining({ code: 'compose-env-file', severity: 'error', message: 'env file missing.env not found' })]) });
    const help = berth(['import', 'compose', '--help'], app).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('on Node 20 prefer --dotenv: Node reads --env-file itself and exits 9 when the file is missing --dotenv <file> the same as --env-file');
  });

  it("refuses extends of a prototype's name and reports a list-form __proto__ entry, exit 2", () => {
    writeFileSync(join(tmp, 'compose-proto.yaml'), 'services:\n  web:\n    image: nginx\n    extends: {service: constructor}\n');
    const r = berth(['import', 'compose', 'compose-proto.yaml'], tmp);
    expect([r.code, r.stderr]).toEqual([2, 'compose-proto.yaml:4:5: services.web.extends: service "constructor" not found\n']);
    writeFileSync(join(tmp, 'compose-proto-env.yaml'), 'services:\n  web:\n    image: nginx\n    environment:\n      - __proto__=dropped\n      - KEPT=1\n');
    const env = berth(['import', 'compose', 'compose-proto-env.yaml', '--json'], tmp);
    expect(env.code).toBe(2);
    expect(JSON.parse(env.stdout).problems).toEqual([expect.objectContaining({ code: 'proto-key', line: 5, col: 9, message: 'services.web.environment[0]: a key named "__proto__" cannot be kept (zod, and any JavaScript object, drop it); rename it' })]);
  });

  it('exits 2 naming a missing env_file, a missing extends file and an unset ${VAR:?} the spec needs the value of', () => {
    const envFile = berth(['import', 'compose', 'missing-env-file.yaml'], broken);
    expect(envFile.code).toBe(2);
    expect(envFile.stderr).toContain('missing-env-file.yaml:4:5: services.app.env_file: env file does-not-exist.env not found');
    const ext = berth(['import', 'compose', 'missing-extends.yaml'], broken);
    expect(ext.code).toBe(2);
    expect(ext.stderr).toContain('extends file nowhere.yaml not found');
    // in text the reference is kept: a warning, and berth up refuses the service until it is set
    const req = berth(['import', 'compose', 'required-var.yaml', '--json'], broken);
    expect(req.code).toBe(0);
    expect(JSON.parse(req.stdout).warnings[0].message).toBe('services.app.environment.TOKEN: required variable API_TOKEN is not set: API_TOKEN must be set; kept as a reference: berth up refuses to start app until it is set');
    writeFileSync(join(tmp, 'required-port.yaml'), 'services:\n  app:\n    image: x\n    ports: ["${APP_PORT:?set APP_PORT}:80"]\n');
    const port = berth(['import', 'compose', 'required-port.yaml'], tmp);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('required-port.yaml:4:13: services.app.ports[0]: required variable APP_PORT is not set: set APP_PORT');
    const none = berth(['import', 'compose'], tmp);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no Compose file in');
  });
});

describe('secrets: none printed, none written into a file meant to be committed', () => {
  const SECRETS = ['TokValue998877xx', 'UrlPassw0rd99', 'envsecretvalue99', 'supersecretvalue123'];
  const noSecret = (text: string) => {
    for (const v of SECRETS) expect(text).not.toContain(v);
  };

  it('berth compose, text, --json and -o: a literal secret becomes ${NAME}, a URL password [redacted], a value from .env stays a reference', () => {
    const dir = join(tmp, 'secrets-export');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'berth.yaml'),
      'berth: 1\nrepo: { name: s1 }\nenv:\n  FROM_ENV: { secret: true }\nservices:\n  a:\n    image: nginx:1.27\n    environment:\n      MY_API_TOKEN: TokValue998877xx\n      FROM_ENV: ${FROM_ENV}\n    checks:\n      - type: http\n        url: http://admin:UrlPassw0rd99@localhost:18999/health\n',
    );
    writeFileSync(join(dir, '.env'), 'FROM_ENV=envsecretvalue99\n');
    const text = berth(['compose'], dir);
    expect(text.code).toBe(0);
    noSecret(text.stdout + text.stderr);
    const json = berth(['compose', '--json'], dir);
    noSecret(json.stdout);
    // the text and the JSON say the same file
    expect(JSON.parse(json.stdout).compose).toEqual(parse(text.stdout));
    const a = parse(text.stdout).services.a;
    expect(a.environment).toEqual({ MY_API_TOKEN: '${MY_API_TOKEN}', FROM_ENV: '${FROM_ENV}' });
    expect(a['x-berth'].checks[0].url).toBe('http://admin:[redacted]@localhost:18999/health');
    expect(text.stderr).toContain('berth.yaml:9:7: warning: services.a.environment.MY_API_TOKEN: is a secret written in the spec; written as ${MY_API_TOKEN}');
    expect(berth(['compose', '-o', 'docker-compose.yml'], dir).code).toBe(0);
    noSecret(readFileSync(join(dir, 'docker-compose.yml'), 'utf8'));
  });

  it('the secrets of the audit\'s repro 3 (a secret default, a dotted label, a command line\'s credential, a stdio --token): validate warns of each, compose and docs print none', () => {
    const dir = join(tmp, 'secrets-repro-3');
    mkdirSync(dir, { recursive: true });
    // the report's repro 3 (its lines moved down by the file's two lines of comment)
    writeFileSync(join(dir, 'berth.yaml'), readFileSync(join(root, 'packages/spec/test/secrets-in-spec/repro-3.yaml')));
    const env = { BERTH_RESULT_CACHE: '0' };
    const validate = berth(['validate'], dir, env);
    expect(validate.code).toBe(0);
    expect(validate.stdout + validate.stderr).not.toContain('S3cr3t');
    expect((validate.stdout + validate.stderr).split('\n').filter((l) => l.includes('written in the spec') || l.includes('on a command line in the spec')).map((l) => l.split(': warning: ')[0])).toEqual([
      'berth.yaml:10:25',
      'berth.yaml:12:30',
      'berth.yaml:14:13',
      'berth.yaml:20:23',
    ]);
    const compose = berth(['compose'], dir, env);
    expect(compose.code).toBe(0);
    expect(compose.stdout + compose.stderr).not.toContain('S3cr3t');
    expect(berth(['compose', '-o', 'docker-compose.yml'], dir, env).code).toBe(0);
    expect(readFileSync(join(dir, 'docker-compose.yml'), 'utf8')).not.toContain('S3cr3t');
    const docs = berth(['docs'], dir, env);
    expect(docs.code).toBe(0);
    expect(docs.stdout + docs.stderr).not.toContain('S3cr3t');
    expect(docs.stdout).toContain('starts tools-mcp --token [redacted] over stdio');
  });

  it('berth import compose warns, as validate does, of a secret-looking value written in the Compose file, text and --json alike', () => {
    const dir = join(tmp, 'secrets-import');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  db:\n    image: postgres:16\n    environment:\n      DB_PASSWORD: supersecretvalue123\n      POSTGRES_USER: app\n');
    const text = berth(['import', 'compose'], dir);
    expect(text.code).toBe(0);
    expect(text.stderr).toBe('compose.yaml:5:7: warning: DB_PASSWORD looks secret, and its value is written in the spec, where whoever reads the repo reads it (keep it in the environment or the .env beside the spec, which is not committed, and write ${DB_PASSWORD} where the field takes Compose text)\n');
    noSecret(text.stderr);
    const json = JSON.parse(berth(['import', 'compose', '--json'], dir).stdout);
    expect(json.warnings).toEqual([expect.objectContaining({ code: 'secret-in-spec', file: 'compose.yaml', line: 5, path: ['services', 'db', 'environment', 'DB_PASSWORD'] })]);
    expect(json.spec).toEqual(parse(text.stdout));
  });
});

describe('berth compose', () => {
  it('writes a Compose file from the spec, refuses to overwrite it, and prints JSON', () => {
    const spec = join(tmp, 'export', 'berth.yaml');
    expect(berth(['import', 'compose', 'compose.yaml', '-f', 'override.yaml', '-o', spec], app).code).toBe(0);
    const out = join(tmp, 'export', 'docker-compose.yml');
    const r = berth(['--spec', spec, 'compose', '-o', out], tmp);
    expect(r.code).toBe(0);
    const compose = parse(readFileSync(out, 'utf8'));
    expect(compose.services.api.deploy.resources.reservations.devices[0]).toEqual({ driver: 'nvidia', count: 1, capabilities: ['gpu'] });
    expect(compose.services.web.depends_on).toEqual({ api: { condition: 'service_healthy' }, cache: { condition: 'service_started' } });
    expect(berth(['--spec', spec, 'compose', '-o', out], tmp).code).toBe(2);
    const json = JSON.parse(berth(['--spec', spec, 'compose', '--json'], tmp).stdout);
    expect(json.compose.services.web.image).toBe('nginx:${NGINX_TAG:?set NGINX_TAG in .env}');
  });

  it('makes the missing folders of the output file, and says in one line, exit 2, which one cannot be made', () => {
    const spec = join(tmp, 'export', 'berth.yaml');
    expect(berth(['import', 'compose', 'compose.yaml', '-f', 'override.yaml', '-o', spec, '--force'], app).code).toBe(0);
    const nested = join(tmp, 'export', 'new', 'deeper', 'compose.yml');
    expect(berth(['--spec', spec, 'compose', '-o', nested], tmp).code).toBe(0);
    expect(existsSync(nested)).toBe(true);
    const blocked = berth(['--spec', spec, 'compose', '-o', join(nested, 'x', 'compose.yml')], tmp);
    expect(blocked.code).toBe(2);
    expect(blocked.stderr.trim()).toBe(`berth: cannot write ${join(nested, 'x', 'compose.yml')}: cannot make the folder ${join(nested, 'x')} (a part of its path is a file, not a directory)`);
  });

  // where mkdir answers ENOENT under a folder that exists, Node's own recursive mkdir retried for ever at full CPU
  it.skipIf(!existsSync('/proc/self'))(`ends at once where the folder cannot be made under one that exists (/proc)${existsSync('/proc/self') ? '' : ' (skipped: this system has no /proc)'}`, () => {
    const spec = join(tmp, 'export', 'berth.yaml');
    expect(berth(['import', 'compose', 'compose.yaml', '-f', 'override.yaml', '-o', spec, '--force'], app).code).toBe(0);
    const proc = berth(['--spec', spec, 'compose', '-o', '/proc/berth-no-such-folder/compose.yml'], tmp);
    expect(proc.code).toBe(2);
    expect(proc.stderr.trim()).toBe('berth: cannot write /proc/berth-no-such-folder/compose.yml: cannot make the folder /proc/berth-no-such-folder (the file system does not let a folder be made there)');
  });

  it('says where in the spec each service that Compose cannot run is', () => {
    const r = berth(['--spec', join(root, 'examples/semops-data/berth.yaml'), 'compose'], tmp);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/semops-data\/berth\.yaml:62:3: warning: services\.mlflow: runs in devcontainer, not in Compose; kept under x-berth\.services/);
    expect(parse(r.stdout)['x-berth'].services.mlflow.runtime.kind).toBe('devcontainer');
  });

  it('--swarm writes a stack file of the selected profile; --profile without --swarm is a usage error', () => {
    const dir = join(tmp, 'swarm');
    const spec = join(dir, 'berth.yaml');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      spec,
      'berth: 1\nrepo: { name: shop }\nprofiles: { gpu: {} }\nservices:\n  db: { image: "postgres:16", ports: ["127.0.0.1:5432:5432"], restart: always }\n  trainer: { image: "trainer:1", gpu: { count: 1 }, profiles: [gpu], dependsOn: [db] }\n',
    );
    const out = join(dir, 'stack.yaml');
    const r = berth(['--spec', spec, 'compose', '--swarm', '--profile', 'gpu', '-o', out], tmp);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('swarm/berth.yaml:5:39: warning: service "db": host address 127.0.0.1 is ignored');
    const stack = parse(readFileSync(out, 'utf8'));
    expect(stack.version).toBe('3.9');
    expect(stack.services.db).toEqual({ image: 'postgres:16', ports: [{ target: 5432, published: 5432, protocol: 'tcp', mode: 'host' }], deploy: { restart_policy: { condition: 'any' } } });
    expect(stack.services.trainer.depends_on).toEqual(['db']);
    expect(stack.services.trainer.deploy.resources.reservations.generic_resources).toEqual([{ discrete_resource_spec: { kind: 'NVIDIA-GPU', value: 1 } }]);
    const json = JSON.parse(berth(['--spec', spec, 'compose', '--swarm', '--json'], tmp).stdout);
    expect(Object.keys(json.compose.services)).toEqual(['db']);
    const usage = berth(['--spec', spec, 'compose', '--profile', 'gpu'], tmp);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--profile needs --swarm');
  });

  it.skipIf(!hasDockerCompose)(`writes what docker-compose config accepts${hasDockerCompose ? '' : ' (skipped: docker-compose is not installed)'}`, () => {
    const dir = join(tmp, 'dc');
    const spec = join(dir, 'berth.yaml');
    expect(berth(['import', 'compose', 'compose.yaml', '-o', spec], app).code).toBe(0);
    const out = join(dir, 'docker-compose.yml');
    expect(berth(['--spec', spec, 'compose', '-o', out], tmp).code).toBe(0);
    // the references resolve from the .env beside the files, as import said
    writeFileSync(join(dir, '.env'), readFileSync(join(app, '.env')));
    const r = spawnSync('docker-compose', ['-f', out, 'config', '-q'], { encoding: 'utf8', cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

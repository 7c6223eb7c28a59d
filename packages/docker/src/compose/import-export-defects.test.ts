import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BerthSpecSchema, parseSpec, type Problem } from '@berth/spec';
import { parse } from 'yaml';
import { exportCompose, importCompose } from '@berth/docker';
import { composeConfig, hasDockerCompose, noDockerComposeReason } from '../../test/compose-roundtrip.js';
import { isRemoteContext } from './paths.js';
import { plainIsAmbiguous } from './yaml-write.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A project directory holding `files` (path: text). */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-compose-defects-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const errors = (problems: Problem[]) => problems.filter((p) => p.severity === 'error');
const warnings = (problems: Problem[]) => problems.filter((p) => p.severity === 'warning');

/** The spec written by `berth import compose -o output`, then read back as berth reads a spec. */
function importTo(dir: string, output?: string, files = ['compose.yaml'], env: Record<string, string> = {}) {
  const r = importCompose({ files, cwd: dir, env, ...(output ? { output } : {}) });
  const loaded = r.yaml === undefined ? undefined : parseSpec(r.yaml, output ?? 'berth.yaml');
  return { ...r, loaded, services: (loaded?.value?.services ?? {}) as Record<string, Record<string, unknown>> };
}

/** `berth compose -o <outDir>/c.yaml` for a spec text in `specDir`. */
function exportFrom(specText: string, specDir: string, outDir = specDir) {
  const loaded = parseSpec(specText, join(specDir, 'berth.yaml'));
  expect(errors(loaded.problems)).toEqual([]);
  return exportCompose(loaded.value!, { raw: loaded.source!.value, specDir, outDir });
}

describe('remote build contexts are never rewritten as paths (defect 1)', () => {
  const compose = `services:
  s:
    build: https://github.com/docker/rootfs.git#main:sub
  t:
    build:
      context: git@github.com:me/repo.git
  u:
    build:
      context: ./ctx
      additional_contexts: { lib: "git@github.com:me/lib.git", img: "docker-image://alpine", local: ./lib }
`;

  it('takes what compose-go takes for a remote context: http(s), git, ssh URLs, git@host:path, github.com/...', () => {
    for (const remote of ['https://github.com/docker/rootfs.git#main:sub', 'http://x/y.tar.gz', 'git://h/r.git', 'ssh://git@h/r.git', 'git@github.com:me/repo.git', 'github.com/me/repo', 'docker-image://alpine']) expect(isRemoteContext(remote), remote).toBe(true);
    for (const local of ['.', './ctx', '../up', 'ctx', '/abs/dir', 'github.company/x', 'repo.git']) expect(isRemoteContext(local), local).toBe(false);
  });

  it('import -o into another directory writes URL and git contexts unchanged, and moves local ones', () => {
    const dir = project({ 'compose.yaml': compose });
    const r = importTo(dir, 'deep/berth.yaml');
    expect(errors(r.problems)).toEqual([]);
    expect(r.services.s!.build).toEqual({ context: 'https://github.com/docker/rootfs.git#main:sub' });
    expect(r.services.t!.build).toEqual({ context: 'git@github.com:me/repo.git' });
    expect(r.services.u!.build).toMatchObject({ context: '../ctx', additionalContexts: { lib: 'git@github.com:me/lib.git', img: 'docker-image://alpine', local: '../lib' } });
  });

  it('compose -o into another directory writes them unchanged too', () => {
    const dir = project({ 'compose.yaml': compose });
    const spec = importTo(dir, 'berth.yaml');
    const out = exportFrom(spec.yaml!, dir, join(dir, 'deep'));
    const services = out.compose.services as Record<string, Record<string, unknown>>;
    expect(services.s!.build).toBe('https://github.com/docker/rootfs.git#main:sub');
    expect(services.t!.build).toMatchObject({ context: 'git@github.com:me/repo.git' });
    expect(services.u!.build).toMatchObject({ context: '../ctx' });
  });

  it('extends from another directory keeps a remote context as it is', () => {
    const dir = project({
      'base/common.yaml': 'services:\n  b:\n    build: git@github.com:me/repo.git\n',
      'compose.yaml': 'services:\n  a:\n    extends: { file: base/common.yaml, service: b }\n',
    });
    const r = importTo(dir);
    expect(errors(r.problems)).toEqual([]);
    expect(r.services.a!.build).toEqual({ context: 'git@github.com:me/repo.git' });
  });
});

describe('a path that starts with a variable is not rewritten (defect 2)', () => {
  const compose = 'services:\n  c:\n    build:\n      context: ${ROOT}/app\n  d:\n    build: $PWD/app\n    env_file: ${CONF}/app.env\n';

  it('import -o keeps ${ROOT}/app as written, with one warning per field naming it', () => {
    const dir = project({ 'compose.yaml': compose, 'app/Dockerfile': 'FROM berth-test/busybox:1\n', 'conf/app.env': 'A=1\n' });
    const r = importTo(dir, 'deep/berth.yaml', ['compose.yaml'], { ROOT: 'relative', PWD: dir, CONF: join(dir, 'conf') });
    expect(errors(r.problems)).toEqual([]);
    expect(r.services.c!.build).toEqual({ context: '${ROOT}/app' });
    expect(r.services.d!.build).toEqual({ context: '$PWD/app' });
    expect(r.services.d!.envFile).toEqual(['${CONF}/app.env']);
    const moved = warnings(r.problems).filter((p) => p.code === 'compose-path-not-moved');
    // ROOT is relative here, so its path cannot be moved; PWD and CONF are absolute, which mean the same anywhere
    expect(moved.map((p) => p.message)).toEqual([expect.stringMatching(/^services\.c\.build\.context: "\$\{ROOT\}\/app" starts with a variable, so berth cannot rewrite it/)]);
    expect(moved[0]).toMatchObject({ file: 'compose.yaml', line: 4 });
  });

  it('warns where the variable is unset, and compose -o keeps the text too', () => {
    // an env_file whose variable is unset is a missing file, which stops the import before paths are moved
    const r = importTo(project({ 'compose.yaml': compose.replace('    env_file: ${CONF}/app.env\n', '') }), 'deep/berth.yaml', ['compose.yaml'], {});
    expect(errors(r.problems)).toEqual([]);
    expect(warnings(r.problems).filter((p) => p.code === 'compose-path-not-moved').map((p) => p.path)).toEqual([
      ['services', 'c', 'build', 'context'],
      ['services', 'd', 'build'],
    ]);
    const withConf = project({ 'compose.yaml': compose, 'app.env': 'A=1\n' });
    const spec = importTo(withConf, 'berth.yaml', ['compose.yaml'], { ROOT: '/tmp/x', PWD: withConf, CONF: withConf });
    expect(errors(spec.problems)).toEqual([]);
    const out = exportFrom(spec.yaml!, withConf, join(withConf, 'out'));
    const services = out.compose.services as Record<string, Record<string, unknown>>;
    expect(services.c!.build).toMatchObject({ context: '${ROOT}/app' });
    expect(services.d!.build).toBe('$PWD/app');
    expect(out.problems.filter((p) => p.code === 'compose-path-not-moved').map((p) => p.message)).toHaveLength(3);
  });
});

describe('strings stay strings for every reader of what berth writes (defect 3)', () => {
  it('quotes what YAML 1.1 or 1.2 would read as another type, and only that', () => {
    for (const s of ['0o17', '0o755', '017', '0x1F', '1_000', '1e3', '.5', 'yes', 'off', 'Y', 'n', '~', 'null', '', '<<', '=', '1:30', '2001-12-14', '.inf']) expect(plainIsAmbiguous(s), s).toBe(true);
    for (const s of ['hello', 'sleep', '0o8', 'v1.2', 'a=b', 'x:1']) expect(plainIsAmbiguous(s), s).toBe(false);
  });

  const compose = `name: q
services:
  s:
    build: {context: ./ctx, args: {H: "0o17"}}
    environment: {MODE: "0o755", SEP: "<<", EQ: "=", OCT: "017", "<<": merge}
    command: [echo, "0o17", "100", "yes"]
`;

  it('import writes a spec that berth reads back with the same strings', () => {
    const dir = project({ 'compose.yaml': compose, 'ctx/Dockerfile': 'FROM berth-test/busybox:1\n' });
    const r = importTo(dir);
    expect(errors(r.problems)).toEqual([]);
    expect(errors(r.loaded!.problems)).toEqual([]);
    expect(r.services.s!.environment).toEqual({ MODE: '0o755', SEP: '<<', EQ: '=', OCT: '017' });
    expect(r.services.s!.command).toEqual(['echo', '0o17', '100', 'yes']);
    expect((r.services.s!.build as { args: unknown }).args).toEqual({ H: '0o17' });
  });

  it.skipIf(!hasDockerCompose)(`export writes a file docker-compose 1.29 reads with the same strings ${hasDockerCompose ? '' : noDockerComposeReason}`, () => {
    const dir = project({ 'compose.yaml': compose, 'ctx/Dockerfile': 'FROM berth-test/busybox:1\n' });
    const out = exportFrom(importTo(dir).yaml!, dir);
    const check = composeConfig(out.yaml, { 'ctx/Dockerfile': 'FROM berth-test/busybox:1\n' });
    dirs.push(check.dir);
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    const config = spawnSync('docker-compose', ['-f', join(check.dir, 'docker-compose.yml'), 'config'], { encoding: 'utf8', cwd: check.dir });
    // docker-compose prints YAML 1.1 (0o755 plain is a string there)
    const s = (parse(config.stdout, { version: '1.1' }) as { services: Record<string, Record<string, unknown>> }).services.s!;
    expect(s.environment).toMatchObject({ MODE: '0o755', SEP: '<<', EQ: '=', OCT: '017' });
    expect(s.command).toEqual(['echo', '0o17', '100', 'yes']);
    expect((s.build as { args: unknown }).args).toEqual({ H: '0o17' });
  });
});

describe('a list entry whose name holds a variable (defect 4)', () => {
  const compose = `name: eh
services:
  a:
    build: {context: ./ctx, extra_hosts: ["\${HOSTN}:1.2.3.4"], args: ["\${HOSTN}_ARG=v"]}
    environment: ["\${HOSTN}_URL=http://\${HOSTN}", "PLAIN=\${HOSTN}"]
    labels: ["\${HOSTN}.role=web"]
`;

  it('is carried as Compose reads it, the value keeping its references, with a warning', () => {
    const dir = project({ 'compose.yaml': compose, '.env': 'HOSTN=myhost\n', 'ctx/Dockerfile': 'FROM berth-test/busybox:1\n' });
    const r = importTo(dir);
    expect(errors(r.problems)).toEqual([]);
    expect(r.services.a!.build).toMatchObject({ extraHosts: { myhost: '1.2.3.4' }, args: { myhost_ARG: 'v' } });
    expect(r.services.a!.environment).toEqual({ myhost_URL: 'http://${HOSTN}', PLAIN: '${HOSTN}' });
    expect(r.services.a!.labels).toEqual({ 'myhost.role': 'web' });
    const named = warnings(r.problems).filter((p) => p.code === 'compose-entry-name-reference');
    expect(named.map((p) => p.path)).toEqual([
      ['services', 'a', 'build', 'extra_hosts', 0],
      ['services', 'a', 'build', 'args', 0],
      ['services', 'a', 'environment', 0],
      ['services', 'a', 'labels', 0],
    ]);
    expect(named[0]!.message).toMatch(/the name "\$\{HOSTN\}" holds a variable.*"myhost"/);
    expect(named[0]).toMatchObject({ file: 'compose.yaml', line: 4 });
  });

  it('is kept as written, with a warning, where the variable is unset', () => {
    const dir = project({ 'compose.yaml': compose, 'ctx/Dockerfile': 'FROM berth-test/busybox:1\n' });
    const r = importTo(dir);
    expect(r.services.a!.build).toMatchObject({ extraHosts: { '${HOSTN}': '1.2.3.4' } });
    expect(warnings(r.problems).find((p) => p.code === 'compose-entry-name-reference')?.message).toMatch(/unset.*kept as written/);
  });
});

describe('shapes Compose refuses are refused, with their place (defect 5)', () => {
  it('a dependency no file defines is refused unless required: false; a cycle is placed in the Compose file, not a berth.yaml never written', () => {
    const undefinedDep = importTo(project({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n    depends_on: [nope]\n  api:\n    image: api\n    depends_on:\n      maybe: { condition: service_started, required: false }\n' }));
    expect(undefinedDep.yaml).toBeUndefined();
    expect(errors(undefinedDep.problems).map((p) => `${p.file}:${p.line}:${p.col} ${p.message}`)).toEqual([
      'compose.yaml:4:5 services.web.depends_on.nope: service "nope" is not defined in any of the files; Compose refuses it (define it, or mark the dependency required: false)',
    ]);
    const optional = importTo(project({ 'compose.yaml': 'services:\n  api:\n    image: api\n    depends_on:\n      maybe: { condition: service_started, required: false }\n' }));
    expect(errors(optional.problems)).toEqual([]);
    expect(warnings(optional.problems).map((p) => p.message)).toContain('services.api.depends_on.maybe: service "maybe" is not defined (required: false); kept under x-compose.depends_on');
    const cycle = importTo(project({ 'compose.yaml': 'services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [a]\n' }));
    expect(errors(cycle.problems).map((p) => `${p.file}:${p.line}:${p.col} ${p.message}`)).toEqual(['compose.yaml:2:3 the imported spec does not validate: dependency cycle: a -> b -> a']);
  });

  it('no problem quotes the value of a secret-looking variable the files refer to, from .env or the environment', () => {
    const compose = 'services:\n  api:\n    image: api\n    ports: ["${DB_PASSWORD}:80"]\n    healthcheck:\n      test: ["CMD", "true"]\n      interval: ${API_KEY}\n';
    const r = importTo(project({ 'compose.yaml': compose, '.env': 'DB_PASSWORD=hunter2pw-0001\n' }), undefined, ['compose.yaml'], { API_KEY: 'apikey-value-0002' });
    const printed = JSON.stringify(r.problems);
    expect(r.problems.map((p) => p.path?.join('.'))).toEqual(expect.arrayContaining(['services.api.ports.0', 'services.api.healthcheck.interval']));
    expect(printed).not.toContain('hunter2pw-0001');
    expect(printed).not.toContain('apikey-value-0002');
    expect(printed).toContain('[redacted]');
  });

  it('a port written as no port at all is refused, as Compose refuses it; one that holds an unset variable is kept with a warning', () => {
    const r = importTo(project({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n    ports: ["99999:80", "abc", "8080-8070:80", "${WEB_PORT}", "8080:80"]\n' }));
    expect(r.yaml).toBeUndefined();
    expect(errors(r.problems).map((p) => p.message)).toEqual([
      'services.web.ports[0]: "99999:80": "99999" is not a host port or range; Compose refuses it',
      'services.web.ports[1]: "abc": "abc" is not a container port or range; Compose refuses it',
      'services.web.ports[2]: "8080-8070:80": "8080-8070" is not a host port or range; Compose refuses it',
    ]);
    const unset = importTo(project({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n    ports: ["${WEB_PORT}", "8080:80"]\n' }));
    expect(errors(unset.problems)).toEqual([]);
    expect(warnings(unset.problems).map((p) => p.code)).toContain('compose-port-invalid');
  });

  it('an empty file (nothing, or comments only) is refused, as Compose refuses it', () => {
    for (const text of ['', '# only a comment\n']) {
      const r = importTo(project({ 'compose.yaml': text }));
      expect(r.yaml).toBeUndefined();
      expect(errors(r.problems).map((p) => [p.file, p.message])).toEqual([['compose.yaml', 'the file is empty; Compose refuses an empty file']]);
    }
  });

  it('a field of the wrong shape is refused at its place, one line each, never dropped, coerced or quoted', () => {
    const compose = [
      'services:',
      '  db:',
      '    image: postgres',
      '  api:',
      '    image: api',
      '    user: [1000]',
      '    ports: 8080',
      '    volumes: "data:/var/lib/secret-path-123"',
      '    healthcheck: "curl localhost"',
      '    depends_on:',
      '      - db:',
      '          condition: service_healthy',
      '    networks:',
      '      - front: { aliases: [x] }',
      '    environment: { A: [1, 2] }',
      'networks:',
      '  front: {}',
      '',
    ].join('\n');
    const r = importTo(project({ 'compose.yaml': compose }));
    expect(r.yaml).toBeUndefined();
    expect(errors(r.problems).map((p) => `${p.line}:${p.col} ${p.message}`)).toEqual([
      '6:5 services.api.user: must be a user (name or uid[:gid]), not a list; Compose refuses it',
      '7:5 services.api.ports: must be a list of ports, not a number; Compose refuses it',
      '8:5 services.api.volumes: must be a list of mounts, not a string; Compose refuses it',
      '9:5 services.api.healthcheck: must be a mapping (test, interval, timeout, retries, ...), not a string; Compose refuses it',
      '11:9 services.api.depends_on[0]: must be a service name (the long syntax is a mapping, not a list of them), not a mapping; Compose refuses it',
      '14:9 services.api.networks[0]: must be a network name (the long syntax is a mapping, not a list of them), not a mapping; Compose refuses it',
      '15:20 services.api.environment.A: must be a value, not a list; Compose refuses it',
    ]);
    expect(JSON.stringify(r.problems)).not.toContain('secret-path-123');
    // the shapes Compose takes, long and short, still import
    const fine = importTo(project({ 'compose.yaml': 'services:\n  db: { image: pg, user: 1000, command: ["a", 1] }\n  api:\n    image: api\n    depends_on: { db: { condition: service_started } }\n    networks: { default: null }\n    environment: [A=1, B]\n' }));
    expect(errors(fine.problems)).toEqual([]);
  });

  it('services as a list', () => {
    const r = importTo(project({ 'compose.yaml': 'services:\n  - a\n' }));
    expect(r.yaml).toBeUndefined();
    expect(errors(r.problems)).toEqual([expect.objectContaining({ code: 'compose-invalid-type', file: 'compose.yaml', line: 1, message: 'services: must be a mapping of service names to services, not a list' })]);
  });

  it('a service that is not a mapping is refused; one with neither image nor build is a warning (a base another file extends)', () => {
    const r = importTo(project({ 'compose.yaml': 'services:\n  a:\n  b:\n    image: x\n  c: 5\n' }));
    expect(r.yaml).toBeUndefined();
    expect(errors(r.problems).map((p) => [p.code, p.line, p.message])).toEqual([['compose-invalid-service', 5, 'services.c: is 5, not a mapping; Compose refuses the file']]);
    const bases = importTo(project({ 'compose.yaml': 'services:\n  a:\n  b: {}\n  c:\n    image: x\n' }));
    expect(errors(bases.problems)).toEqual([]);
    expect(warnings(bases.problems).filter((p) => p.code === 'compose-service-no-image').map((p) => [p.line, p.message])).toEqual([
      [2, 'services.a: has neither an image nor a build context, which Compose refuses unless another file extends this service; imported as it is'],
      [3, 'services.b: has neither an image nor a build context, which Compose refuses unless another file extends this service; imported as it is'],
    ]);
  });

  it('environment or labels that are neither a list nor a mapping', () => {
    const r = importTo(project({ 'compose.yaml': 'services:\n  a:\n    image: x\n    environment: 5\n    labels: true\n' }));
    expect(r.yaml).toBeUndefined();
    expect(errors(r.problems).map((p) => [p.line, p.col, p.message])).toEqual([
      [4, 5, 'services.a.environment: must be a list of KEY=value entries or a mapping, not a number; Compose refuses it'],
      [5, 5, 'services.a.labels: must be a list of KEY=value entries or a mapping, not true; Compose refuses it'],
    ]);
  });
});

describe('a directory given as the Compose file (defect 6)', () => {
  it('is named a directory, not "not found"', () => {
    const dir = project({ 'd/compose.yaml': 'services: {}\n' });
    const r = importCompose({ files: ['d'], cwd: dir, env: {} });
    expect(errors(r.problems).map((p) => p.message)).toEqual(['cannot read Compose file d: it is a directory, not a file']);
  });
});

describe('a secret variable\'s default is never exported (defect 7)', () => {
  it('drops it from x-berth.env with a warning that names the field, never the value', () => {
    const spec = 'berth: 1\nrepo: { name: demo }\nenv:\n  API_TOKEN: { secret: true, default: sk-default-SECRETDEFAULT123 }\n  LOG_LEVEL: { default: info }\n';
    const dir = project({ 'berth.yaml': spec });
    // parsed with the schema alone: validate refuses a secret's default, but `berth compose` exports what the schema takes
    const raw: unknown = parse(spec);
    const out = exportCompose(BerthSpecSchema.parse(raw), { raw });
    expect(out.yaml).not.toContain('SECRETDEFAULT');
    expect(JSON.stringify(out.compose)).not.toContain('SECRETDEFAULT');
    expect(out.compose['x-berth']).toMatchObject({ env: { API_TOKEN: { secret: true }, LOG_LEVEL: { default: 'info' } } });
    const dropped = out.problems.filter((p) => p.code === 'compose-export-secret-default');
    expect(dropped).toEqual([expect.objectContaining({ severity: 'warning', path: ['env', 'API_TOKEN', 'default'] })]);
    expect(dropped[0]!.message).not.toContain('SECRETDEFAULT');
    expect(readFileSync(join(dir, 'berth.yaml'), 'utf8')).toContain('SECRETDEFAULT'); // the test's own input, untouched
  });
});

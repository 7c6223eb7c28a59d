import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSpec } from '@berth/spec';
import { importCompose, loadComposeProject, resolvedModel } from '@berth/docker';

const fixtures = resolve(import.meta.dirname, 'compose-fixtures');
const app = join(fixtures, 'app');
type Svc = Record<string, unknown>;

function importApp(env: Record<string, string> = {}) {
  const r = importCompose({ files: ['compose.yaml', 'override.yaml'], cwd: app, env });
  const services = (r.spec?.services ?? {}) as Record<string, Svc>;
  return { ...r, services, warnings: r.problems.filter((p) => p.severity === 'warning'), errors: r.problems.filter((p) => p.severity === 'error') };
}

describe('importCompose on a small project (compose-fixtures/app)', () => {
  const r = importApp();

  it('imports without errors and the spec loads clean', () => {
    expect(r.errors).toEqual([]);
    const loaded = parseSpec(r.yaml!, 'berth.yaml');
    expect(loaded.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(Object.keys(loaded.value!.services).sort()).toEqual(['api', 'cache', 'probe', 'web', 'worker']);
  });

  it('keeps ${VAR} references and $$ as written, so .env still decides', () => {
    expect(r.services.web!.image).toBe('nginx:${NGINX_TAG:?set NGINX_TAG in .env}');
    expect(r.services.api!.environment).toEqual({ DB_URL: 'postgres://db/${DB_NAME:-shop}' });
    expect((r.services.web!.environment as Svc).GREETING).toBe('cost $$5');
    expect(r.services.worker!.command).toEqual(['run-jobs', '--queue', '${QUEUE:-default}']);
    expect(r.envFile).toBe('.env');
    expect(r.yaml).not.toContain('1.27');
    expect(r.yaml).not.toContain('shop_db');
  });

  it('resolves the references as Compose would, from .env, defaults and $$, the process environment first', () => {
    const resolved = (env: Record<string, string>) => resolvedModel(loadComposeProject({ files: ['compose.yaml', 'override.yaml'], cwd: app, env })).services as Record<string, Svc>;
    expect(resolved({}).web!.image).toBe('nginx:1.27');
    expect(resolved({}).api!.environment).toEqual(['DB_URL=postgres://db/shop_db']);
    expect((resolved({}).web!.environment as Svc).GREETING).toBe('cost $5');
    expect(resolved({ NGINX_TAG: 'from-env' }).web!.image).toBe('nginx:from-env');
  });

  it('reads ports in short and long syntax, IPv6, ranges and overrides', () => {
    expect(r.services.web!.ports).toEqual([
      { host: 8443, container: 443, hostIp: '127.0.0.1' },
      { host: 9443, container: 443, hostIp: '::1' },
      { host: '3000-3002', protocol: 'udp' },
      { host: 9090, hostIp: '0.0.0.0', name: 'metrics', appProtocol: 'http' },
      { host: 8080, container: 80, env: 'WEB_PORT' },
      { host: 8081, container: 81 },
    ]);
    expect(r.warnings.find((w) => w.code === 'compose-port-ephemeral')?.message).toMatch(/^services\.web\.ports\[\d\]: "7000": container port 7000 is published on an ephemeral host port/);
    expect((r.services.web!['x-compose'] as Svc).ports).toEqual(['7000']);
    // the port is the Compose default; .env's 8088 is what berth validate checks against it
    expect(r.warnings.find((w) => w.code === 'compose-port-env')?.message).toMatch(/WEB_PORT gives host port 8088 here; the spec keeps the Compose default 8080/);
  });

  it('merges anchors and << merge keys, and the override file onto the main one', () => {
    expect(r.services.web!.environment).toEqual({ LOG_LEVEL: 'debug', REGION: '${REGION-eu}', GREETING: 'cost $$5' });
    expect(r.services.web!.labels).toEqual({ team: 'shop' });
    expect(r.services.api!.command).toEqual(['serve', '--port', '8001']);
  });

  it('resolves extends from another file and from the same file', () => {
    expect(r.services.api).toMatchObject({ image: 'shop/api:${API_TAG:-latest}', envFile: ['./api.env'], networks: ['back'], ports: [{ host: 8000 }] });
    expect(r.services.worker).toMatchObject({ image: 'busybox:1.36', networkMode: 'host', profiles: ['jobs'], restart: 'on-failure', command: ['run-jobs', '--queue', '${QUEUE:-default}'] });
    expect((r.services.worker!['x-compose'] as Svc).restart).toBe('on-failure:3');
    expect(r.services.probe).toEqual({ image: 'busybox:1.36', networkMode: 'host', profiles: ['jobs'] });
  });

  it('adds included services with their paths rewritten', () => {
    expect(r.services.cache).toEqual({ image: 'redis:7', ports: [{ host: 6379 }], volumes: ['./included/redis.conf:/etc/redis.conf'] });
  });

  it('carries profiles, depends_on conditions, health checks and GPUs', () => {
    expect(r.spec!.profiles).toEqual({ frontend: {}, jobs: {} });
    expect(r.services.web!.dependsOn).toEqual({ api: { condition: 'service_healthy', restart: true }, cache: { condition: 'service_started', required: false } });
    expect(r.services.api!.healthcheck).toEqual({ test: 'curl -fsS http://localhost:8000/health', interval: '1m30s', startPeriod: '500ms', retries: 3 });
    expect(r.services.api!.gpu).toEqual({ count: 1, capabilities: ['gpu'], driver: 'nvidia' });
    expect((r.services.api!['x-compose'] as Svc).deploy).toEqual({ resources: { limits: { memory: '1g' } } });
  });

  it('carries networks, volumes, x- fields and the project name', () => {
    expect(r.spec).toMatchObject({ project: 'shop', repo: { name: 'shop' }, networks: { back: {}, legacy: { external: true, name: 'shared-net' } }, volumes: { data: {} } });
    expect(r.spec!['x-logging']).toEqual({ driver: 'json-file', options: { 'max-size': '10m' } });
    expect(r.services.web!['x-team']).toBe('storefront');
  });

  it('warns about what it cannot carry, with file, line and path, and keeps it under x-compose', () => {
    const logging = r.warnings.find((w) => w.path?.join('.') === 'services.web.logging');
    expect(logging).toMatchObject({ file: 'compose.yaml', line: 41, col: 5 });
    expect(logging!.message).toBe('services.web.logging: not carried (berth has no field for it); kept under x-compose');
    expect((r.services.web!['x-compose'] as Svc).logging).toEqual({ driver: 'json-file', options: { 'max-size': '10m' } });
  });

  it('carries build as Compose writes it, with no warning', () => {
    expect(r.services.web!.build).toBe('./web');
    expect(r.warnings.filter((w) => w.path?.includes('build'))).toEqual([]);
  });

  it('rewrites relative paths when the spec goes to another directory', () => {
    const out = importCompose({ files: ['compose.yaml'], cwd: app, env: {}, output: join(fixtures, 'berth.yaml') });
    const services = out.spec!.services as Record<string, Svc>;
    expect(services.api!.envFile).toEqual(['./app/api.env']);
    expect(services.api!.volumes).toContain('./app/data:/srv/data:ro');
  });
});

describe('importCompose errors', () => {
  const broken = join(fixtures, 'broken');
  const tmp = mkdtempSync(join(tmpdir(), 'berth-compose-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('names a missing env_file', () => {
    const r = importCompose({ files: ['missing-env-file.yaml'], cwd: broken, env: {} });
    expect(r.spec).toBeUndefined();
    expect(r.problems).toContainEqual(expect.objectContaining({ severity: 'error', file: 'missing-env-file.yaml', line: 4, message: 'services.app.env_file: env file does-not-exist.env not found' }));
  });

  it('names a missing extends file', () => {
    const r = importCompose({ files: ['missing-extends.yaml'], cwd: broken, env: {} });
    expect(r.problems.filter((p) => p.severity === 'error').map((p) => p.message)).toEqual(['services.app.extends.file: extends file nowhere.yaml not found']);
  });

  it('names the variable and the message of an unset ${VAR:?message}: a warning where the reference is kept', () => {
    const r = importCompose({ files: ['required-var.yaml'], cwd: broken, env: {} });
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(r.problems.map((p) => p.message)).toEqual(['services.app.environment.TOKEN: required variable API_TOKEN is not set: API_TOKEN must be set; kept as a reference: berth up refuses to start app until it is set']);
    expect((r.spec!.services as Record<string, Svc>).app!.environment).toEqual({ TOKEN: '${API_TOKEN:?API_TOKEN must be set}' });
    expect(importCompose({ files: ['required-var.yaml'], cwd: broken, env: { API_TOKEN: 't' } }).problems).toEqual([]);
  });

  it('refuses an unset ${VAR:?message} where the spec needs its value (a port)', () => {
    writeFileSync(join(tmp, 'required-port.yaml'), 'services:\n  app:\n    image: x\n    ports: ["${APP_PORT:?set APP_PORT}:80"]\n');
    const r = importCompose({ files: ['required-port.yaml'], cwd: tmp, env: {} });
    expect(r.spec).toBeUndefined();
    expect(r.problems.filter((p) => p.severity === 'error').map((p) => `${p.line}:${p.col} ${p.message}`)).toEqual(['4:13 services.app.ports[0]: required variable APP_PORT is not set: set APP_PORT']);
  });

  it('names a missing Compose file, include file and --env-file', () => {
    writeFileSync(join(tmp, 'inc.yaml'), 'include: [gone.yaml]\nservices: {}\n');
    expect(importCompose({ files: ['nope.yaml'], cwd: tmp, env: {} }).problems[0]!.message).toBe('Compose file nope.yaml not found');
    expect(importCompose({ files: ['inc.yaml'], cwd: tmp, env: {} }).problems[0]!.message).toBe('include[0]: included file gone.yaml not found');
    expect(importCompose({ files: ['inc.yaml'], cwd: tmp, env: {}, envFile: 'no.env' }).problems.map((p) => p.message)).toContain('env file no.env not found');
  });

  it('refuses extends and include cycles without looping', () => {
    writeFileSync(join(tmp, 'cycle.yaml'), 'services:\n  a: { extends: b, image: x }\n  b: { extends: a }\n');
    writeFileSync(join(tmp, 'self.yaml'), 'include: [self.yaml]\nservices: {}\n');
    expect(importCompose({ files: ['cycle.yaml'], cwd: tmp, env: {} }).problems.some((p) => /extends cycle/.test(p.message))).toBe(true);
    expect(importCompose({ files: ['self.yaml'], cwd: tmp, env: {} }).problems.some((p) => /include cycle/.test(p.message))).toBe(true);
  });

  it("takes no name of an object's prototype for the service extends names", () => {
    for (const name of ['__proto__', 'constructor', 'toString']) {
      writeFileSync(join(tmp, 'extends-proto.yaml'), `services:\n  web:\n    image: nginx\n    extends: { service: ${name} }\n`);
      const r = importCompose({ files: ['extends-proto.yaml'], cwd: tmp, env: {} });
      expect(r.spec, name).toBeUndefined();
      expect(r.problems.filter((p) => p.severity === 'error').map((p) => `${p.line}:${p.col} ${p.message}`)).toEqual([`4:5 services.web.extends: service "${name}" not found`]);
    }
    writeFileSync(join(tmp, 'extends-proto-file.yaml'), 'services:\n  web:\n    image: nginx\n    extends: { file: base.yaml, service: constructor }\n');
    writeFileSync(join(tmp, 'base.yaml'), 'services:\n  a:\n    image: x\n');
    expect(importCompose({ files: ['extends-proto-file.yaml'], cwd: tmp, env: {} }).problems.map((p) => p.message)).toEqual(['services.web.extends: service "constructor" not found in base.yaml']);
  });

  it('reports a list entry named __proto__ (environment, labels) as the map form is, never drops it silently', () => {
    const PROTO = 'a key named "__proto__" cannot be kept (zod, and any JavaScript object, drop it); rename it';
    writeFileSync(join(tmp, 'list-proto.yaml'), 'services:\n  web:\n    image: nginx\n    environment:\n      - __proto__=dropped\n      - KEPT=1\n    labels: ["__proto__", "x=1"]\n');
    const r = importCompose({ files: ['list-proto.yaml'], cwd: tmp, env: {} });
    expect(r.spec).toBeUndefined();
    expect(r.problems.map((p) => [p.code, p.severity, `${p.line}:${p.col} ${p.message}`])).toEqual([
      ['proto-key', 'error', `5:9 services.web.environment[0]: ${PROTO}`],
      ['proto-key', 'error', `7:14 services.web.labels[0]: ${PROTO}`],
    ]);
    // the map form, for comparison: the YAML reader refuses the key
    writeFileSync(join(tmp, 'map-proto.yaml'), 'services:\n  web:\n    image: nginx\n    environment:\n      __proto__: dropped\n');
    expect(importCompose({ files: ['map-proto.yaml'], cwd: tmp, env: {} }).problems.map((p) => [p.code, p.message])).toEqual([['proto-key', PROTO]]);
    // a list merged from an override (a map by then) still reports it
    writeFileSync(join(tmp, 'list-proto-base.yaml'), 'services:\n  web:\n    image: nginx\n    environment: ["A=1"]\n');
    writeFileSync(join(tmp, 'list-proto-over.yaml'), 'services:\n  web:\n    environment: ["__proto__=x"]\n');
    const merged = importCompose({ files: ['list-proto-base.yaml', 'list-proto-over.yaml'], cwd: tmp, env: {} });
    expect(merged.spec).toBeUndefined();
    expect(merged.problems.map((p) => [p.code, p.message])).toEqual([['proto-key', `services.web.environment.__proto__: ${PROTO}`]]);
  });

  it('understands !reset and !override in override files', () => {
    writeFileSync(join(tmp, 'base.yaml'), 'services:\n  a:\n    image: x\n    ports: ["80:80"]\n    environment: { A: "1", B: "2" }\n    labels: { keep: "yes" }\n');
    writeFileSync(join(tmp, 'over.yaml'), 'services:\n  a:\n    ports: !reset []\n    environment: !override\n      C: "3"\n    labels:\n      keep: !reset\n      new: "1"\n');
    const r = importCompose({ files: ['base.yaml', 'over.yaml'], cwd: tmp, env: {} });
    expect(r.problems).toEqual([]);
    expect((r.spec!.services as Record<string, Svc>).a).toEqual({ image: 'x', environment: { C: '3' }, labels: { new: '1' } });
  });

  it('warns where Compose itself would object: network_mode with networks, ports with host networking', () => {
    writeFileSync(join(tmp, 'netmode.yaml'), 'services:\n  a:\n    image: x\n    network_mode: host\n    networks: [default]\n    ports: ["80:80"]\n');
    const codes = importCompose({ files: ['netmode.yaml'], cwd: tmp, env: {} }).problems.map((p) => `${p.code} ${p.line}`);
    expect(codes).toEqual(['compose-network-conflict 4', 'compose-ports-host-network 6']);
  });

  it('loads include entries in long form with their own env_file, and refuses a conflicting service', () => {
    mkdirSync(join(tmp, 'lib'), { recursive: true });
    writeFileSync(join(tmp, 'lib', 'db.yaml'), 'services:\n  db:\n    image: postgres:${PG_TAG}\n    volumes: ["./init:/docker-entrypoint-initdb.d"]\n');
    writeFileSync(join(tmp, 'lib', 'db.env'), 'PG_TAG=16\n');
    writeFileSync(join(tmp, 'long-include.yaml'), 'include:\n  - path: [lib/db.yaml]\n    env_file: lib/db.env\nservices:\n  app: { image: app, depends_on: [db] }\n');
    const r = importCompose({ files: ['long-include.yaml'], cwd: tmp, env: {} });
    // the reference is kept; berth resolves it from the .env beside the spec, not from lib/db.env: said once, naming the variable
    expect(r.problems.map((p) => `${p.severity} ${p.file}:${p.line} ${p.message}`)).toEqual([
      'warning lib/db.yaml:2 services.db: Compose reads PG_TAG for this included service from lib/db.env; berth resolves them from the environment and the .env beside the spec: keep the same values there',
    ]);
    expect((r.spec!.services as Record<string, Svc>).db).toEqual({ image: 'postgres:${PG_TAG}', volumes: ['./lib/init:/docker-entrypoint-initdb.d'] });
    expect((resolvedModel(loadComposeProject({ files: ['long-include.yaml'], cwd: tmp, env: {} })).services as Record<string, Svc>).db!.image).toBe('postgres:16');
    writeFileSync(join(tmp, 'clash.yaml'), 'include: [lib/db.yaml]\nservices:\n  db: { image: other }\n');
    const clash = importCompose({ files: ['clash.yaml'], cwd: tmp, env: { PG_TAG: '15' } });
    expect(clash.problems.filter((p) => p.severity === 'error').map((p) => p.message)).toEqual(['services.db: is defined here and in the included lib/db.yaml; Compose refuses the conflict']);
  });

  it('refuses a device as a Compose file in one line instead of reading it for ever', () => {
    const r = importCompose({ files: ['/dev/zero'], cwd: tmp, env: {} });
    expect(r.problems.map((p) => `${p.severity} ${p.message}`)).toEqual(['error cannot read Compose file /dev/zero: it is a device, not a file']);
    writeFileSync(join(tmp, 'plain.yaml'), 'services:\n  a: { image: busybox }\n');
    const env = importCompose({ files: ['plain.yaml'], cwd: tmp, env: {}, envFile: '/dev/zero' });
    expect(env.problems.map((p) => `${p.severity} ${p.message}`)).toEqual(['error cannot read env file /dev/zero: it is a device, not a file']);
  });

  it('reports broken YAML as an error, never a crash', () => {
    writeFileSync(join(tmp, 'bad.yaml'), 'services:\n  a: [\n');
    const r = importCompose({ files: ['bad.yaml'], cwd: tmp, env: {} });
    expect(r.problems[0]).toMatchObject({ severity: 'error', file: 'bad.yaml' });
  });
});

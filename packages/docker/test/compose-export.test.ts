import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { parseSpec, type BerthSpec } from '@berth/spec';
import { exportCompose, formatDuration, importCompose } from '@berth/docker';
import { composeConfig, essentials, hasDockerCompose, noDockerComposeReason } from './compose-roundtrip.js';

const root = resolve(import.meta.dirname, '../../..');

/** The semops-data example with images on its Compose services, a health check, a GPU and a healthy dependency. */
function semopsWithImages() {
  const doc = parseDocument(readFileSync(join(root, 'examples/semops-data/berth.yaml'), 'utf8'));
  for (const id of ['python', 'dbt', 'jupyter', 'marquez', 'marquez-web']) doc.setIn(['services', id, 'image'], `example/${id}:1`);
  doc.setIn(['services', 'marquez', 'healthcheck'], doc.createNode({ test: 'wget -qO- http://localhost:5000/api/v1/namespaces', interval: '10s', startPeriod: '1m30s', startInterval: '2s', retries: 5 }));
  doc.setIn(['services', 'marquez-web', 'dependsOn'], doc.createNode({ marquez: { condition: 'service_healthy', restart: true } }));
  doc.setIn(['services', 'python', 'gpu'], true);
  doc.setIn(['services', 'python', 'environment'], doc.createNode({ PRICE: 'cost $$5', TOKEN: '${API_TOKEN:?set API_TOKEN}', FLAG: 'off' }));
  doc.setIn(['services', 'dbt', 'labels'], doc.createNode({ team: 'data', 'com.docker.compose.project': 'nope' }));
  const loaded = parseSpec(doc.toString(), 'berth.yaml');
  expect(loaded.problems.filter((p) => p.severity === 'error')).toEqual([]);
  return { spec: loaded.value!, raw: loaded.source!.value };
}

function reimport(yaml: string, env: Record<string, string> = {}): BerthSpec {
  const { dir } = composeConfig(yaml, {}, env);
  const r = importCompose({ files: ['docker-compose.yml'], cwd: dir, env });
  rmSync(dir, { recursive: true, force: true });
  expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
  const back = parseSpec(r.yaml!, 'berth.yaml');
  expect(back.problems.filter((p) => p.severity === 'error')).toEqual([]);
  return back.value!;
}

describe('exportCompose', () => {
  const { spec, raw } = semopsWithImages();
  const out = exportCompose(spec, { raw });
  const services = out.compose.services as Record<string, Record<string, unknown>>;

  it('writes ports carried in env vars as references, depends_on conditions, an explicit GPU count, durations as strings and list tests', () => {
    // the spec says MARQUEZ_PORT carries the port: .env still controls it in Compose, 5000 when unset (the admin port is 5001 in the container)
    expect(services.marquez!.ports).toEqual(['${MARQUEZ_PORT:-5000}:5000/tcp', '${MARQUEZ_ADMIN_PORT:-5002}:5001/tcp']);
    expect(services['marquez-web']!.depends_on).toEqual({ marquez: { condition: 'service_healthy' } });
    expect(services.python!.deploy).toEqual({ resources: { reservations: { devices: [{ count: 'all', capabilities: ['gpu'] }] } } });
    expect(services.marquez!.healthcheck).toEqual({ test: ['CMD-SHELL', 'wget -qO- http://localhost:5000/api/v1/namespaces'], interval: '10s', retries: 5, start_period: '1m30s' });
  });

  it('keeps what Compose cannot express under x-berth, writes the spec\'s references as they are and never writes com.docker.compose labels', () => {
    expect(services['marquez-web']!['x-berth']).toMatchObject({ dependsOn: { marquez: { condition: 'service_healthy', restart: true } }, name: 'Marquez Web' });
    expect((out.compose['x-berth'] as Record<string, unknown>).services).toHaveProperty('mlflow');
    expect(out.problems.map((p) => p.message)).toContain('services.mlflow: runs in devcontainer, not in Compose; kept under x-berth.services');
    expect(services.python!.environment).toEqual({ PRICE: 'cost $$5', TOKEN: '${API_TOKEN:?set API_TOKEN}', FLAG: 'off' });
    expect(services.dbt!.labels).toEqual({ team: 'data' });
    expect(out.yaml).not.toContain('com.docker.compose');
    expect(out.yaml).toContain('FLAG: "off"');
  });

  it('formats durations as Compose writes them', () => {
    expect([90_000, 500, 0, 3_600_000 + 1500, 0.25].map(formatDuration)).toEqual(['1m30s', '500ms', '0s', '1h1s500ms', '250us']);
  });

  describe.skipIf(!hasDockerCompose)(`against docker-compose config ${hasDockerCompose ? '' : noDockerComposeReason}`, () => {
    it('writes a file docker-compose accepts', () => {
      const r = composeConfig(out.yaml, {}, { API_TOKEN: 'set-for-compose' });
      rmSync(r.dir, { recursive: true, force: true });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    });
  });

  it('round-trips the semops-data example: same services, ports, profiles, dependencies, health', () => {
    const back = reimport(out.yaml);
    expect(essentials(back)).toEqual(essentials(spec));
    expect(back.profiles).toEqual(spec.profiles);
    expect(back.repo).toEqual(spec.repo);
    expect(back.connections).toEqual(spec.connections);
  });
});

describe('import, export, import on compose-fixtures/app', () => {
  const app = resolve(import.meta.dirname, 'compose-fixtures/app');
  const first = importCompose({ files: ['compose.yaml', 'override.yaml'], cwd: app, env: {} });
  const spec = parseSpec(first.yaml!, 'berth.yaml').value!;
  const out = exportCompose(spec, { raw: parseDocument(first.yaml!).toJS() });
  // the exported file keeps the fixture's references: docker-compose reads them from the same .env
  const files = { 'app.env': 'A=1\n', 'api.env': 'B=2\n', 'web/Dockerfile': 'FROM scratch\n', '.env': readFileSync(join(app, '.env'), 'utf8') };

  describe.skipIf(!hasDockerCompose)(`against docker-compose config ${hasDockerCompose ? '' : noDockerComposeReason}`, () => {
    it('writes a file docker-compose accepts', () => {
      const r = composeConfig(out.yaml, files);
      rmSync(r.dir, { recursive: true, force: true });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    });
  });

  it('gives back the same services, and what berth could not carry', () => {
    const { dir } = composeConfig(out.yaml, files);
    const again = importCompose({ files: ['docker-compose.yml'], cwd: dir, env: {} });
    rmSync(dir, { recursive: true, force: true });
    expect(again.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const back = parseSpec(again.yaml!, 'berth.yaml').value!;
    expect(essentials(back)).toEqual(essentials(spec));
    expect(back.services.web!['x-compose']).toEqual(spec.services.web!['x-compose']);
    expect(back.services.worker!['x-compose']).toEqual(spec.services.worker!['x-compose']);
    expect(back.networks).toEqual(spec.networks);
  });
});

describe('exportCompose paths', () => {
  it('rewrites env_file, bind mounts and the build context from the spec directory to the output directory', () => {
    const yaml = [
      'berth: 1',
      'repo: { name: paths }',
      'services:',
      '  app:',
      '    image: app:1',
      '    envFile: [./app.env]',
      '    volumes: ["./data:/data", "named:/cache", { type: bind, source: ../shared, target: /shared }]',
      '    x-compose: { build: ./src }',
    ].join('\n');
    const loaded = parseSpec(yaml, 'berth.yaml');
    const out = exportCompose(loaded.value!, { raw: loaded.source!.value, specDir: '/repo/infra', outDir: '/repo' });
    const app = (out.compose.services as Record<string, Record<string, unknown>>).app!;
    expect(app.env_file).toEqual(['./infra/app.env']);
    expect(app.volumes).toEqual(['./infra/data:/data', 'named:/cache', { type: 'bind', source: './shared', target: '/shared' }]);
    expect(app.build).toBe('./infra/src');
  });
});

describe('berth compose and the secrets the spec writes', () => {
  const spec = (text: string) => parseSpec(text, 'berth.yaml').value!;
  const exported = (text: string) => exportCompose(spec(text), { specDir: '/tmp', outDir: '/tmp' });

  it('hides a secret where it is one, never where its value only appears inside another word', () => {
    const out = exported(`berth: 1
repo: { name: shop }
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: postgres
      POSTGRES_DB: postgres
      PGHOST: db
    volumes: ["db_postgres_data:/var/lib/postgresql/data"]
  api:
    image: shop-api:1
    environment:
      DATABASE_URL: postgres://app:postgres@db:5432/shop
      FALLBACK_URL: \${FALLBACK_URL:-postgres://app:postgres@db:5432/shop}
      OTHER_URL: \${SHOP_URL:-postgres://app:postgres@db:5432/shop}
`);
    const db = (out.compose.services as Record<string, { environment: Record<string, string>; volumes: string[] }>).db!;
    const api = (out.compose.services as Record<string, { environment: Record<string, string> }>).api!;
    // a secret, and an entry whose value is the secret's: references for the .env, so the file still runs
    expect(db.environment).toEqual({ POSTGRES_PASSWORD: '${POSTGRES_PASSWORD}', POSTGRES_DB: '${POSTGRES_DB}', PGHOST: 'db' });
    // a volume and a path that contain the word are not the secret
    expect(db.volumes).toEqual(['db_postgres_data:/var/lib/postgresql/data']);
    // a URL's password: the entry becomes its own reference; in another variable's default, only the password goes
    expect(api.environment).toEqual({ DATABASE_URL: '${DATABASE_URL}', FALLBACK_URL: '${FALLBACK_URL}', OTHER_URL: '${SHOP_URL:-postgres://app:[redacted]@db:5432/shop}' });
    expect(out.yaml).not.toMatch(/app:postgres@/);
    expect(out.problems.filter((p) => p.code === 'compose-export-secret-value').map((p) => p.path?.join('.'))).toEqual([
      'services.db.environment.POSTGRES_PASSWORD',
      'services.db.environment.POSTGRES_DB',
      'services.api.environment.DATABASE_URL',
      'services.api.environment.FALLBACK_URL',
      'services.api.environment.OTHER_URL',
    ]);
    for (const p of out.problems) expect(p.message).not.toMatch(/postgres:\/\/app:postgres/);
  });

  it('a secret build arg is ${NAME}, as Compose interpolates build args: a build with [redacted] would build with a wrong value (audit #6)', () => {
    const out = exported(`berth: 1
repo: { name: r5 }
services:
  web:
    image: web:1
    build:
      context: .
      args:
        NPM_TOKEN: S3cr3tNPM111
        PIP_INDEX_URL: https://ci:\${PIP_PASSWORD}@pypi.example.com/simple
        MIRROR_URL: https://ci:S3cr3tMIRROR2@mirror.example.com/simple
        NODE_ENV: production
    environment:
      DATABASE_URL: postgres://app:\${DB_PASSWORD}@localhost:5434/app
env:
  PIP_PASSWORD: { secret: true }
  DB_PASSWORD: { secret: true }
`);
    const web = (out.compose.services as Record<string, { build: { args: Record<string, string> }; environment: Record<string, string> }>).web!;
    // a URL whose password is a reference holds no secret (audit #5): written as it is, without a word
    expect(web.build.args).toEqual({ NPM_TOKEN: '${NPM_TOKEN}', PIP_INDEX_URL: 'https://ci:${PIP_PASSWORD}@pypi.example.com/simple', MIRROR_URL: '${MIRROR_URL}', NODE_ENV: 'production' });
    expect(web.environment).toEqual({ DATABASE_URL: 'postgres://app:${DB_PASSWORD}@localhost:5434/app' });
    expect(out.problems.filter((p) => p.code === 'compose-export-secret-value').map((p) => [p.path?.join('.'), p.message])).toEqual([
      ['services.web.build.args.NPM_TOKEN', 'services.web.build.args.NPM_TOKEN: is a secret written in the spec; written as ${NPM_TOKEN}, for Compose to take from the environment or the .env (the Compose file is committed, and a secret is never printed)'],
      ['services.web.build.args.MIRROR_URL', 'services.web.build.args.MIRROR_URL: is a secret written in the spec; written as ${MIRROR_URL}, for Compose to take from the environment or the .env (the Compose file is committed, and a secret is never printed)'],
    ]);
    expect(out.yaml).not.toMatch(/S3cr3t|\[redacted\]/);
  });

  it("hides what the spec's finder finds: a secret default is left out, a credential on a command line and a secret label are [redacted] (audit #3)", () => {
    const out = exported(`berth: 1
repo: { name: r3 }
services:
  web:
    image: nginx:1.27
    runtime: compose
    command: redis-server --requirepass \${REDIS_AUTH:-S3cr3tREDIS1} --maxmemory 1gb
    environment:
      OPTIONAL_API_KEY: \${SOME_KEY:-S3cr3tXYZ123}
      LOG_LEVEL: \${LOG_LEVEL:-debug}
    labels:
      com.example.api-token: S3cr3tLABEL456
    healthcheck:
      test: 'curl -fsS -H "Authorization: Bearer S3cr3tHC789" -u admin:S3cr3tCURL3 http://localhost/health'
connections:
  tools:
    name: Tools MCP
    transport: stdio
    command: tools-mcp
    args: ["--token", "S3cr3tARG000"]
`);
    const web = (out.compose.services as Record<string, Record<string, unknown>>).web!;
    expect(web.command).toBe('redis-server --requirepass ${REDIS_AUTH} --maxmemory 1gb');
    expect(web.environment).toEqual({ OPTIONAL_API_KEY: '${SOME_KEY}', LOG_LEVEL: '${LOG_LEVEL:-debug}' });
    expect(web.labels).toEqual({ 'com.example.api-token': '[redacted]' });
    expect(web.healthcheck).toEqual({ test: ['CMD-SHELL', 'curl -fsS -H "Authorization: Bearer [redacted]" -u admin:[redacted] http://localhost/health'] });
    expect((out.compose['x-berth'] as { connections: Record<string, { args: string[] }> }).connections.tools!.args).toEqual(['--token', '[redacted]']);
    expect(out.yaml).not.toContain('S3cr3t');
    expect(out.problems.filter((p) => p.code?.startsWith('compose-export-secret')).map((p) => `${p.code} ${p.path?.join('.')}`)).toEqual([
      'compose-export-secret-default services.web.command',
      'compose-export-secret-default services.web.environment.OPTIONAL_API_KEY',
      'compose-export-secret-value services.web.healthcheck.test.1',
      'compose-export-secret-value services.web.labels.com.example.api-token',
      'compose-export-secret-value x-berth.connections.tools.args.1',
    ]);
    expect(out.problems.find((p) => p.path?.join('.') === 'services.web.environment.OPTIONAL_API_KEY')!.message).toBe(
      'services.web.environment.OPTIONAL_API_KEY: the default of ${SOME_KEY} is a secret written in the spec; written without it, for Compose to take the variable from the environment or the .env (the Compose file is committed, and a secret is never printed)',
    );
    for (const p of out.problems) expect(p.message).not.toContain('S3cr3t');
  });
});

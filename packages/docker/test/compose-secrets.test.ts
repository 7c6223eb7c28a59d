import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseSpec, type BerthSpec } from '@berth/spec';
import { exportCompose, importCompose } from '@berth/docker';
import { essentials, hasDockerCompose, noDockerComposeReason } from './compose-roundtrip.js';

/**
 * A project written like the real ones in ../shared/fixtures/compose: Graylog's required secret
 * (`${VAR:?message}`), Supabase's JWT secret and a password inside a URL, Elastic's password with an
 * empty default and its version as a build arg, Marquez's ports from .env with no default.
 */
const COMPOSE = `
services:
  graylog:
    image: graylog/graylog:\${GRAYLOG_VERSION:-6.1}
    environment:
      GRAYLOG_PASSWORD_SECRET: "\${GRAYLOG_PASSWORD_SECRET:?Please configure GRAYLOG_PASSWORD_SECRET in the .env file}"
      GRAYLOG_HTTP_EXTERNAL_URI: "http://127.0.0.1:9000/"
    ports:
      - "127.0.0.1:9000:9000/tcp"
  rest:
    image: postgrest/postgrest:v12.2.0
    environment:
      PGRST_DB_URI: postgres://authenticator:\${POSTGRES_PASSWORD}@db:\${POSTGRES_PORT}/postgres
      PGRST_JWT_SECRET: \${JWT_SECRET}
    command: ["postgrest"]
    ports:
      - \${KONG_HTTP_PORT}:8000/tcp
  elasticsearch:
    build:
      context: elasticsearch/
      args:
        ELASTIC_VERSION: \${ELASTIC_VERSION}
    environment:
      ELASTIC_PASSWORD: \${ELASTIC_PASSWORD:-}
      discovery.type: single-node
    labels:
      version: \${ELASTIC_VERSION}
  api:
    image: "marquezproject/marquez:\${TAG}"
    environment:
      - MARQUEZ_PORT=\${API_PORT}
    ports:
      - "\${API_PORT}:\${API_PORT}"
      - "\${HOST_IP:-127.0.0.1}:\${API_ADMIN_PORT:-5001}:5001"
    entrypoint: ["/opt/marquez/wait-for-it.sh", "db:\${POSTGRES_PORT}", "--", "./entrypoint.sh"]
    healthcheck:
      test: ["CMD-SHELL", "curl -fs http://localhost:\${API_PORT}/ping && echo $$HOSTNAME"]
`;

const SECRETS = {
  GRAYLOG_PASSWORD_SECRET: 'graylog-pepper-6f1c0a9e2d7b44c8',
  POSTGRES_PASSWORD: 'your-super-secret-and-long-postgres-password',
  JWT_SECRET: 'your-super-secret-jwt-token-with-at-least-32-characters-long',
  ELASTIC_PASSWORD: 'changeme-elastic-9f8e7d',
};
const DOTENV = [
  ...Object.entries(SECRETS).map(([k, v]) => `${k}=${v}`),
  'POSTGRES_PORT=5432',
  'KONG_HTTP_PORT=8000',
  'ELASTIC_VERSION=8.15.0',
  'API_PORT=5000',
  'TAG=0.51.1',
  '',
].join('\n');

describe('an import round trip with secrets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-compose-secrets-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'compose.yaml'), COMPOSE);
  writeFileSync(join(dir, '.env'), DOTENV);
  mkdirSync(join(dir, 'elasticsearch'));
  writeFileSync(join(dir, 'elasticsearch', 'Dockerfile'), 'ARG ELASTIC_VERSION\nFROM docker.elastic.co/elasticsearch/elasticsearch:${ELASTIC_VERSION}\n');

  const first = importCompose({ files: ['compose.yaml'], cwd: dir, env: {}, output: join(dir, 'berth.yaml') });
  const loaded = parseSpec(first.yaml ?? '', 'berth.yaml');
  const spec = loaded.value as BerthSpec;
  const services = spec?.services ?? {};

  it('imports clean and writes no value of a secret into the spec', () => {
    expect(first.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(loaded.problems.filter((p) => p.severity === 'error')).toEqual([]);
    for (const value of Object.values(SECRETS)) expect(first.yaml).not.toContain(value);
    expect(JSON.stringify(first.problems)).not.toMatch(/your-super-secret|graylog-pepper|changeme-elastic/);
  });

  it('keeps every reference as written: secrets, build args, labels, image tags, commands', () => {
    expect(services.graylog!.environment!.GRAYLOG_PASSWORD_SECRET).toBe('${GRAYLOG_PASSWORD_SECRET:?Please configure GRAYLOG_PASSWORD_SECRET in the .env file}');
    expect(services.rest!.environment).toEqual({ PGRST_DB_URI: 'postgres://authenticator:${POSTGRES_PASSWORD}@db:${POSTGRES_PORT}/postgres', PGRST_JWT_SECRET: '${JWT_SECRET}' });
    expect(services.elasticsearch!.environment).toEqual({ ELASTIC_PASSWORD: '${ELASTIC_PASSWORD:-}' });
    expect(services.elasticsearch!.build).toEqual({ context: 'elasticsearch/', args: { ELASTIC_VERSION: '${ELASTIC_VERSION}' } });
    expect(services.elasticsearch!.labels).toEqual({ version: '${ELASTIC_VERSION}' });
    expect(services.api!.image).toBe('marquezproject/marquez:${TAG}');
    expect(services.api!.entrypoint).toEqual(['/opt/marquez/wait-for-it.sh', 'db:${POSTGRES_PORT}', '--', './entrypoint.sh']);
    expect(services.api!.healthcheck!.test).toBe('curl -fs http://localhost:${API_PORT}/ping && echo $$HOSTNAME');
  });

  it('gives ports their numbers (the Compose default, else what .env held) and names their variables', () => {
    expect(services.api!.ports).toEqual([
      { host: { from: 5000, to: 5000 }, container: { from: 5000, to: 5000 }, protocol: 'tcp', env: 'API_PORT', containerEnv: 'API_PORT', envDefault: false },
      { host: { from: 5001, to: 5001 }, container: { from: 5001, to: 5001 }, hostIp: '127.0.0.1', protocol: 'tcp', env: 'API_ADMIN_PORT', hostIpEnv: 'HOST_IP' },
    ]);
    expect(services.rest!.ports).toEqual([{ host: { from: 8000, to: 8000 }, container: { from: 8000, to: 8000 }, protocol: 'tcp', env: 'KONG_HTTP_PORT', envDefault: false }]);
  });

  const out = exportCompose(spec, { raw: loaded.source!.value, specDir: dir, outDir: dir });
  const compose = out.compose as { services: Record<string, Record<string, unknown>> };

  it('exports the references back, so .env still controls ports, build args and secrets', () => {
    expect(compose.services.api!.ports).toEqual(['${API_PORT}:${API_PORT}/tcp', '${HOST_IP:-127.0.0.1}:${API_ADMIN_PORT:-5001}:5001/tcp']);
    expect(compose.services.rest!.ports).toEqual(['${KONG_HTTP_PORT}:8000/tcp']);
    expect((compose.services.elasticsearch!.build as { args: unknown }).args).toEqual({ ELASTIC_VERSION: '${ELASTIC_VERSION}' });
    expect((compose.services.graylog!.environment as Record<string, string>).GRAYLOG_PASSWORD_SECRET).toBe('${GRAYLOG_PASSWORD_SECRET:?Please configure GRAYLOG_PASSWORD_SECRET in the .env file}');
    expect(compose.services.api!.healthcheck).toEqual({ test: ['CMD-SHELL', 'curl -fs http://localhost:${API_PORT}/ping && echo $$HOSTNAME'] });
    for (const value of Object.values(SECRETS)) expect(out.yaml).not.toContain(value);
  });

  it('imports the exported file back to the same spec', () => {
    writeFileSync(join(dir, 'exported.yaml'), out.yaml);
    const again = importCompose({ files: ['exported.yaml'], cwd: dir, env: {}, output: join(dir, 'berth.yaml') });
    expect(again.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const back = parseSpec(again.yaml!, 'berth.yaml').value!;
    expect(essentials(back)).toEqual(essentials(spec));
    expect(back.services.elasticsearch!.build).toEqual(spec.services.elasticsearch!.build);
    expect(back.services.elasticsearch!.labels).toEqual(spec.services.elasticsearch!.labels);
  });

  describe.skipIf(!hasDockerCompose)(`docker-compose reads the exported file with .env deciding ${hasDockerCompose ? '' : noDockerComposeReason}`, () => {
    it('takes the ports, the build arg and the secret from .env, and a changed .env changes them', () => {
      const config = (dotenv: string) => {
        const at = mkdtempSync(join(dir, 'config-'));
        writeFileSync(join(at, 'docker-compose.yml'), out.yaml);
        writeFileSync(join(at, '.env'), dotenv);
        mkdirSync(join(at, 'elasticsearch'));
        const r = spawnSync('docker-compose', ['-f', join(at, 'docker-compose.yml'), 'config'], { cwd: at, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', COMPOSE_PROJECT_NAME: 'berth-secrets' } });
        expect(r.stderr).toBe('');
        return parse(r.stdout) as { services: Record<string, { ports: ({ published: number; target: number } | string)[]; environment: Record<string, string>; build: { args: Record<string, string> } }> };
      };
      const port = (p: { published: number; target: number } | string) => (typeof p === 'string' ? p : `${p.published}:${p.target}`);
      const before = config(DOTENV);
      expect(before.services.api!.ports.map(port)).toEqual(['5000:5000', '127.0.0.1:5001:5001/tcp']);
      expect(before.services.rest!.environment.PGRST_JWT_SECRET).toBe(SECRETS.JWT_SECRET);
      const after = config(DOTENV.replace('API_PORT=5000', 'API_PORT=5005').replace('ELASTIC_VERSION=8.15.0', 'ELASTIC_VERSION=8.16.1').replace(SECRETS.JWT_SECRET, 'rotated-jwt-secret'));
      expect(after.services.api!.ports.map(port)).toEqual(['5005:5005', '127.0.0.1:5001:5001/tcp']);
      expect(after.services.elasticsearch!.build.args.ELASTIC_VERSION).toBe('8.16.1');
      expect(after.services.rest!.environment.PGRST_JWT_SECRET).toBe('rotated-jwt-secret');
    });
  });
});

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BerthSpecSchema, loadSpecFile } from '@berth/spec';
import { describe, expect, it } from 'vitest';
import { deriveChecks } from './derive-checks.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const example = loadSpecFile(join(root, 'examples/semops-data/berth.yaml'), root).value!;

const summary = (spec = example, services?: string[]) =>
  Object.fromEntries(deriveChecks(spec, services ? { services } : {}).map((t) => [t.id, t.check.type === 'http' ? t.check.url : t.check.type === 'postgres' || t.check.type === 'tcp' ? `${t.check.type} ${t.check.host}:${t.check.port}` : t.check.type]));

describe('deriveChecks on the bundled example', () => {
  it("keeps the user's checks and derives the rest from ports and protocols", () => {
    expect(summary()).toEqual({
      'service:jupyter/http :8888/api/status': 'http://localhost:8888/api/status',
      'service:mlflow/http :5000/health': 'http://localhost:5000/health',
      'service:marquez/http :5000/api/v1/namespaces': 'http://127.0.0.1:5000/api/v1/namespaces',
      'service:marquez/http :5002/healthcheck': 'http://127.0.0.1:5002/healthcheck',
      'service:marquez-web/http :3005/': 'http://127.0.0.1:3005/',
      'connection:qdrant/http :6333/readyz': 'http://localhost:6333/readyz',
      'connection:postgres/postgres :5434': 'postgres 127.0.0.1:5434',
      'connection:ollama/http :11434/api/version': 'http://localhost:11434/api/version',
      'connection:mcp/mcp stdio': 'mcp',
      'devcontainer:devcontainer/gpu cuda 12.1': 'gpu',
      'devcontainer:devcontainer/torch sees CUDA': 'exec',
    });
  });
  it('the MCP connection looks where the spec says it is registered', () => {
    const mcp = deriveChecks(example).find((t) => t.subject.id === 'mcp')!;
    expect(mcp.check).toMatchObject({ type: 'mcp', configFiles: ['.mcp.json', '~/.claude.json'] });
  });
  it('narrows to the services asked for', () => {
    expect(Object.keys(summary(example, ['mlflow', 'qdrant']))).toEqual(['service:mlflow/http :5000/health', 'connection:qdrant/http :6333/readyz']);
  });
});

describe('deriveChecks defaults', () => {
  it('knows the seed services, and falls back to TCP for ports that do not say what they speak', () => {
    const spec = BerthSpecSchema.parse({
      berth: 1,
      repo: { name: 'x' },
      services: {
        tracking: { image: 'ghcr.io/mlflow/mlflow:v2.12.1', ports: [{ host: 5100, appProtocol: 'http' }] },
        cache: { image: 'redis:7', ports: ['127.0.0.2:6380:6379'] },
        db: { image: 'postgres:16', ports: [{ host: 5433, appProtocol: 'postgres' }] },
        worker: { image: 'python:3.12' },
      },
    });
    const byId = Object.fromEntries(deriveChecks(spec).map((t) => [t.subject.id, t.check]));
    expect(byId.tracking).toMatchObject({ type: 'http', url: 'http://127.0.0.1:5100/health', expect: { bodyContains: 'OK' } });
    expect(byId.cache).toMatchObject({ type: 'tcp', host: '127.0.0.2', port: 6380 });
    expect(byId.db).toMatchObject({ type: 'postgres', port: 5433 });
    expect(byId.worker).toMatchObject({ type: 'container' });
  });
});

describe('deriveChecks across engines', () => {
  const spec = BerthSpecSchema.parse({
    berth: 1,
    repo: { name: 'lab' },
    engines: { gpu: { host: 'ssh://dev@gpu-box' }, nas: { context: 'nas' }, lo: { host: 'unix:///run/user/1000/docker.sock' } },
    profiles: { training: { engine: 'gpu' } },
    services: {
      api: { image: 'api', ports: [8000] },
      trainer: { image: 'trainer', profiles: ['training'], ports: [{ host: 8001, container: 80, appProtocol: 'http' }, '127.0.0.1:8002:80'] },
      backup: { image: 'restic', engine: 'nas', ports: [9000] },
      worker: { image: 'worker', engine: 'gpu' },
      rootless: { image: 'x', engine: 'lo', ports: [7000] },
    },
  });

  it("checks a service on another machine at that engine's address, and its container on that engine", () => {
    const targets = deriveChecks(spec);
    const where = Object.fromEntries(targets.map((t) => [t.id, [t.check.type === 'http' ? t.check.url : t.check.type === 'tcp' ? `${t.check.host}:${t.check.port}` : t.check.type, t.context?.engine]]));
    expect(where).toEqual({
      'service:api/tcp :8000': ['127.0.0.1:8000', 'default'],
      'service:trainer/http :8001/': ['http://gpu-box:8001/', 'gpu'],
      // Bound to the GPU box's own loopback: reached at its address all the same (and refused there, which the check says).
      'service:trainer/tcp :8002': ['gpu-box:8002', 'gpu'],
      // A context's endpoint is in the Docker config: one that is not there (no context "nas" here) cannot be placed, and this machine is assumed.
      'service:backup/tcp :9000': ['127.0.0.1:9000', 'nas'],
      'service:worker/container': ['container', 'gpu'],
      'service:rootless/tcp :7000': ['127.0.0.1:7000', 'lo'],
    });
    const withContexts = deriveChecks(spec, { services: ['backup'], addresses: new Map([['default', '127.0.0.1'], ['nas', 'nas.lan']]) });
    expect(withContexts.map((t) => t.check.type === 'tcp' && `${t.check.host}:${t.check.port}`)).toEqual(['nas.lan:9000']);
  });

  it('leaves a spec without engines as it was: no engine named on its targets', () => {
    expect(deriveChecks(example).every((t) => t.context?.engine === undefined)).toBe(true);
  });
});

describe('deriveChecks with the default engine on another machine', () => {
  const spec = BerthSpecSchema.parse({ berth: 1, repo: { name: 'far' }, services: { web: { image: 'web', ports: [24401, { host: 24402, appProtocol: 'http' }] } } });
  const where = (env: Record<string, string>) => deriveChecks(spec, { env }).map((t) => (t.check.type === 'http' ? t.check.url : t.check.type === 'tcp' ? `${t.check.host}:${t.check.port}` : t.check.type));

  it("checks its ports at the engine's host, as DOCKER_HOST names it (not this machine's loopback, where a process of ours may listen)", () => {
    expect(where({ DOCKER_HOST: 'tcp://192.0.2.2:23994' })).toEqual(['192.0.2.2:24401', 'http://192.0.2.2:24402/']);
    expect(where({ DOCKER_HOST: 'ssh://deploy@build-box' })).toEqual(['build-box:24401', 'http://build-box:24402/']);
  });

  it('checks them on this machine when the engine is here', () => {
    expect(where({ DOCKER_HOST: 'unix:///var/run/docker.sock' })).toEqual(['127.0.0.1:24401', 'http://127.0.0.1:24402/']);
    expect(where({ DOCKER_HOST: 'tcp://127.0.0.1:2375' })).toEqual(['127.0.0.1:24401', 'http://127.0.0.1:24402/']);
  });

  it('names no engine on the targets of a spec without engines, wherever the default one is', () => {
    expect(deriveChecks(spec, { env: { DOCKER_HOST: 'tcp://192.0.2.2:23994' } }).every((t) => t.context?.engine === undefined)).toBe(true);
  });
});


describe("a service's checks and its Compose project", () => {
  const spec = BerthSpecSchema.parse({ berth: 1, repo: { name: 'My.Repo' }, services: { svc: { image: 'img:1', checks: [{ type: 'container' }, { type: 'exec', argv: ['true'] }] } } });
  const projects = (options: Parameters<typeof deriveChecks>[1]) => deriveChecks(spec, options).map((t) => t.context?.project);

  it('always carry the project berth up names, so a container check never takes another project\'s container of the same service', () => {
    expect(projects({ env: {} })).toEqual(['myrepo', 'myrepo']);
    expect(projects({ env: { COMPOSE_PROJECT_NAME: 'Other_1' } })).toEqual(['other_1', 'other_1']);
    expect(deriveChecks(BerthSpecSchema.parse({ ...spec, project: 'stack' }), { env: {} })[0]!.context?.project).toBe('stack');
    expect(projects({ env: {}, project: 'given' })).toEqual(['given', 'given']);
  });
});

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BerthSpecSchema, loadSpecFile } from '@berth/spec';
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '@berth/health';
import { nextStep } from './next-step.js';
import { heldByRightService } from './port-owner.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const spec = loadSpecFile(join(root, 'examples/semops-data/berth.yaml'), root).value!;

const result = (kind: CheckResult['subject']['kind'], id: string, type: CheckResult['type'], reason: string, status: CheckResult['status'] = 'critical'): CheckResult => ({
  id: `${kind}:${id}`,
  subject: { kind, id },
  type,
  label: `${type} :5000/health`,
  status,
  reason,
  latencyMs: 1,
  checkedAt: '2026-01-01T00:00:00.000Z',
  attempts: 1,
});

describe('nextStep', () => {
  it('a service that is not running: how it is started, from its runtime and profile', () => {
    expect(nextStep(result('service', 'mlflow', 'http', 'connection refused on localhost:5000'), spec)).toBe('start it in the devcontainer: mlflow ui --host 0.0.0.0 --port 5000');
    expect(nextStep(result('service', 'marquez', 'http', 'connection refused on 127.0.0.1:5000'), spec)).toBe('start it: berth up --profile lineage marquez');
  });
  it('a service that answers badly: its logs', () => {
    expect(nextStep(result('service', 'marquez', 'http', 'status 503, expected 200-399'), spec)).toBe('read its logs: berth logs marquez');
  });
  it('a host or devcontainer service that answers badly: the output of its command, never berth logs (it has no container)', () => {
    const hosted = BerthSpecSchema.parse({
      berth: 1,
      repo: { name: 'demo' },
      services: {
        api: { runtime: { kind: 'host', command: 'npm run serve' }, ports: [{ host: 7000 }] },
        bare: { runtime: 'host', ports: [{ host: 7001 }] },
      },
    });
    expect(nextStep(result('service', 'api', 'http', 'status 503, expected 200-399'), hosted)).toBe('read the output of `npm run serve` where it runs on the host');
    expect(nextStep(result('service', 'api', 'command', 'exit 1: boom'), hosted)).toBe('read the output of `npm run serve` where it runs on the host');
    expect(nextStep(result('service', 'bare', 'http', 'timed out after 2 s waiting for the answer'), hosted)).toBe("read bare's output where it runs on the host");
    expect(nextStep(result('service', 'mlflow', 'http', 'status 503, expected 200-399'), spec)).toBe('read the output of `mlflow ui --host 0.0.0.0 --port 5000` in the devcontainer');
    for (const [id, s] of [['api', hosted], ['bare', hosted], ['mlflow', spec]] as const) {
      expect(nextStep(result('service', id, 'http', 'body lacks "OK"'), s)).not.toMatch(/berth logs/);
    }
  });
  it('a connection berth does not operate: start it', () => {
    expect(nextStep(result('connection', 'qdrant', 'http', 'connection refused on localhost:6333'), spec)).toBe('start Qdrant');
  });
  it('an unregistered MCP server: what to write in .mcp.json', () => {
    expect(nextStep(result('connection', 'mcp', 'mcp', 'no MCP server registered in .mcp.json or ~/.claude.json', 'unknown'), spec)).toMatch(/^register the server in \.mcp\.json: /);
  });
  it('no engine: start it; passing: nothing', () => {
    expect(nextStep(result('service', 'dbt', 'container', 'Docker engine not reachable', 'unknown'), spec)).toBe('start the Docker engine (see the Docker engine section)');
    expect(nextStep(result('service', 'mlflow', 'http', 'status 200', 'passing'), spec)).toBeUndefined();
  });
});

describe('next steps that are not "start it" or "read its logs"', () => {
  const hosted = BerthSpecSchema.parse({ berth: 1, repo: { name: 'demo' }, services: { api: { runtime: { kind: 'host', command: 'npm run serve' }, ports: [{ host: 7000 }] } } });
  it('a variable set nowhere, or one whose ${VAR:?} says it is needed: set it (retries noted or not)', () => {
    const unset = 'headers.Authorization uses ${API_TOKEN}, which is set neither in the environment nor in the .env beside the spec';
    expect(nextStep(result('service', 'api', 'http', unset, 'unknown'), hosted)).toBe('set API_TOKEN in the environment or in the .env beside the spec');
    expect(nextStep(result('service', 'api', 'http', `${unset} (after 3 attempts)`, 'unknown'), hosted)).toBe('set API_TOKEN in the environment or in the .env beside the spec');
    expect(nextStep(result('connection', 'qdrant', 'http', 'url uses ${QDRANT_KEY}, which is set neither in the environment nor in the .env file read', 'unknown'), spec)).toBe('set QDRANT_KEY in the environment or in the .env file read');
    expect(nextStep(result('service', 'api', 'http', 'url needs API_HOST: set it in .env', 'unknown'), hosted)).toBe('set API_HOST in the environment or in the .env beside the spec');
    const mcp = 'github in .mcp.json uses ${GITHUB_TOKEN}, which is not set in the environment (a client would start it with the literal text)';
    expect(nextStep(result('connection', 'mcp', 'mcp', mcp, 'unknown'), spec)).toBe('set GITHUB_TOKEN in the environment the client (and berth) run in');
  });
  it('a TLS failure: what to change about the certificate or the check', () => {
    const tls = (reason: string) => nextStep(result('service', 'api', 'http', reason), hosted);
    expect(tls('TLS: the certificate of localhost:7000 has expired (renew it, or set insecure: true to accept it)')).toBe('renew its certificate, or set insecure: true on its check');
    expect(tls('TLS: 127.0.0.1:7000 does not speak TLS (is it plain http?)')).toBe("use http:// in its check's url (it answers in plain text)");
    expect(tls('TLS: the certificate of localhost:7000 does not name localhost (it names db; use one of those in the url, or set insecure: true)')).toBe("use a name its certificate holds in its check's url, or set insecure: true on its check");
    expect(tls('TLS: the certificate of localhost:7000 is signed by a CA this machine does not trust (...)')).toBe('trust its CA (NODE_EXTRA_CA_CERTS=/path/ca.pem), or set insecure: true on its check');
  });
  it('starting (inside its start period): wait, not "start it"', () => {
    expect(nextStep(result('service', 'marquez', 'http', 'starting (within its 30 s start period): connection refused on 127.0.0.1:5000', 'starting'), spec)).toBe('wait for it to finish starting, then check again: berth health marquez');
  });
  it("a host name that does not resolve, another program on the port, a container that exited; a check's program that exited is not one", () => {
    expect(nextStep(result('service', 'api', 'http', 'host not found: api.internal'), hosted)).toBe('fix the host name in its check, or make it resolve (api.internal is not found)');
    expect(nextStep(result('service', 'api', 'http', '127.0.0.1:5000 answered, but not in HTTP (HPE_INVALID_CONSTANT): is another program on that port, or does it want https?'), hosted)).toBe('check that port 5000 is really api: another program answers there');
    expect(nextStep(result('service', 'marquez', 'container', 'semops-marquez-1 exited with code 1'), spec)).toBe('start it: berth up --profile lineage marquez');
    expect(nextStep(result('service', 'api', 'command', 'curl exited 22, expected 0: 503'), hosted)).toBe('read the output of `npm run serve` where it runs on the host');
  });
});

describe("the devcontainer's next step", () => {
  it('a devcontainer that exists but is stopped: start it, as when none was opened', () => {
    const start = 'start the devcontainer (Dev Containers: Reopen in Container, or devcontainer up)';
    for (const state of ['exited', 'paused', 'created']) expect(nextStep(result('devcontainer', 'devcontainer', 'exec', `container vsc-semops-1 is ${state}`), spec)).toBe(start);
    expect(nextStep(result('devcontainer', 'devcontainer', 'exec', 'no container labelled devcontainer.local_folder=/w and devcontainer.config_file=/w/.devcontainer/devcontainer.json: the devcontainer has not been opened'), spec)).toBe(start);
    expect(nextStep(result('devcontainer', 'devcontainer', 'exec', 'python in vsc-semops-1 exited 1, expected 0'), spec)).toBe("open a shell in the devcontainer and run the check's command to see why");
  });
});

describe('heldByRightService', () => {
  it('a container of the service in this project, or a process running the service\'s program', () => {
    expect(heldByRightService(spec, 'semops-data', ['mlflow', 'marquez'], { port: 5000, protocol: 'tcp', kind: 'container', project: 'semops-data', service: 'marquez' })).toBe('marquez');
    expect(heldByRightService(spec, 'semops-data', ['marquez'], { port: 5000, protocol: 'tcp', kind: 'container', project: 'other-repo', service: 'marquez' })).toBeUndefined();
    expect(heldByRightService(spec, undefined, ['mlflow'], { port: 5000, protocol: 'tcp', kind: 'process', pid: 7, command: '/opt/venv/bin/python /opt/venv/bin/mlflow ui --port 5000' })).toBe('mlflow');
    expect(heldByRightService(spec, undefined, ['mlflow'], { port: 5000, protocol: 'tcp', kind: 'process', pid: 7, command: 'python3 -m http.server 5000' })).toBeUndefined();
  });

  it("the spec's devcontainer holding the port of a service that runs in it is that service; another folder's is not", () => {
    const here = { folder: '/work/semops-data' };
    const dc = (folder: string) => ({ port: 8888, protocol: 'tcp' as const, kind: 'container' as const, container: 'vsc-semops-data-1', devcontainerFolder: folder });
    expect(heldByRightService(spec, 'semops-data', ['jupyter'], dc('/work/semops-data'), here)).toBe('jupyter');
    expect(heldByRightService(spec, 'semops-data', ['jupyter'], dc('/work/other-checkout'), here)).toBeUndefined();
    // a Compose-only service's port held by the devcontainer is held by something else
    expect(heldByRightService(spec, 'semops-data', ['marquez'], { ...dc('/work/semops-data'), port: 5000 }, here)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { parseSpec } from '@berth/spec';
import { exportCompose } from '../compose/export-compose.js';
import type { Problem } from '@berth/spec';
import { desiredSwarmService } from './desired-service.js';
import { exportStack } from './export-stack.js';

const spec = parseSpec(`berth: 1
repo: { name: shop }
profiles: { gpu: {} }
secrets:
  token: { environment: API_TOKEN }
  cert: { file: ./certs/cert.pem }
configs:
  motd: { content: hello }
services:
  db:
    image: postgres:16
    ports: ["127.0.0.1:5432:5432"]
    restart: unless-stopped
    healthcheck: { test: pg_isready, interval: 2s, startInterval: 500ms }
    secrets: [cert]
  api:
    build: ./api
    ports: [{ host: 8000, env: API_PORT }]
    dependsOn: { db: { condition: service_healthy } }
    secrets: [{ source: token, mode: 0o400 }]
    configs: [motd]
    deploy: { replicas: 2, updateConfig: { order: start-first, delay: 5s } }
  trainer:
    image: trainer:1
    gpu: { count: 1 }
    profiles: [gpu]
  agent:
    image: agent:1
    networkMode: host
`).value!;

describe('berth compose --swarm: a stack file for docker stack deploy', () => {
  it('holds the services enabled by default, in the stack file format, with host-mode ports and deploy policies', () => {
    const { compose, problems } = exportStack(spec);
    expect(compose.version).toBe('3.12');
    const services = compose.services as Record<string, Record<string, unknown>>;
    expect(Object.keys(services)).toEqual(['db', 'api', 'agent']);
    expect(services.db!.ports).toEqual([{ target: 5432, published: 5432, protocol: 'tcp', mode: 'host' }]);
    expect(services.db!.restart).toBeUndefined();
    expect(services.db!.deploy).toEqual({ restart_policy: { condition: 'any' } });
    expect(services.db!.healthcheck).toEqual({ test: ['CMD-SHELL', 'pg_isready'], interval: '2s', start_interval: '500ms' });
    expect(services.api!.image).toBe('shop-api');
    expect(services.api!.build).toBeUndefined();
    expect(services.api!.depends_on).toEqual(['db']);
    expect(services.api!.ports).toEqual([{ target: 8000, published: '${API_PORT:-8000}', protocol: 'tcp', mode: 'host' }]);
    expect(services.api!.deploy).toEqual({ replicas: 2, update_config: { delay: '5s', order: 'start-first' } });
    expect(services.api!.secrets).toEqual([{ source: 'token', mode: 0o400 }]);
    expect(services.agent!.networks).toEqual(['hostnet']);
    expect(services.agent!.network_mode).toBeUndefined();
    expect(compose.networks).toEqual({ hostnet: { external: true, name: 'host' } });
    expect(compose['x-berth']).toMatchObject({ notDeployed: ['trainer'] });
    // the same warnings as berth's own deployment, and what the format cannot say
    expect(problems.map((p) => `${p.path?.join('.')}: ${p.message}`)).toEqual([
      'services.db.ports.0: service "db": host address 127.0.0.1 is ignored: a swarm publishes a port on every address of the node',
      'services.api.build: service "api": a swarm does not build images; every node that runs it must be able to pull its image',
      'services.api.deploy.replicas: service "api": its 2 replicas publish host port 8000 on the node that runs each (host mode): no two can share a node, so the swarm needs 2 nodes that can take it',
      "version: a healthcheck's start_interval needs Compose file format 3.12, which only docker CLI 25 and later read",
      'secrets.token: a stack file cannot take secrets.token from variable API_TOKEN: written as external shop_token',
      'configs.motd: a stack file cannot take configs.motd from the spec itself: written as external shop_motd',
    ]);
    expect(compose.secrets).toEqual({ cert: { file: './certs/cert.pem' }, token: { external: true, name: 'shop_token' } });
    expect(compose.configs).toEqual({ motd: { external: true, name: 'shop_motd' } });
  });

  it('quotes a string any YAML reader would take as another type, as berth compose does', () => {
    const odd = parseSpec(`berth: 1\nrepo: { name: q }\nservices:\n  s:\n    image: app\n    environment: { MODE: "0o755", SEP: "<<", ON: "yes" }\n    command: [echo, "0o17"]\n`).value!;
    const { yaml } = exportStack(odd, {});
    expect(yaml).toContain('MODE: "0o755"');
    expect(yaml).toContain('SEP: "<<"');
    expect(yaml).toContain('"ON": "yes"');
    expect(yaml).toContain('- "0o17"');
  });

  it('takes a profile\'s services, a GPU as a generic resource', () => {
    const services = exportStack(spec, { profiles: ['gpu'] }).compose.services as Record<string, Record<string, unknown>>;
    expect(services.trainer!.deploy).toEqual({ resources: { reservations: { generic_resources: [{ discrete_resource_spec: { kind: 'NVIDIA-GPU', value: 1 } }] } } });
    expect(services.trainer!.profiles).toBeUndefined();
  });

  it('writes the ports and warnings berth deploys with: none on the host network, a GPU for "all" said, as desiredSwarmService does', () => {
    const odd = parseSpec(`berth: 1
repo: { name: odd }
services:
  h: { image: h:1, networkMode: host, ports: ["24501:8080"] }
  g: { image: g:1, gpu: { count: all } }
  r: { image: r:1, ports: ["9000-9001:80"] }
`).value!;
    const { compose, problems } = exportStack(odd);
    const services = compose.services as Record<string, Record<string, unknown>>;
    // docker stack deploy would publish an exported port through ingress, which the host network refuses (every task rejected)
    expect(services.h!.ports).toBeUndefined();
    expect(services.h!.networks).toEqual(['hostnet']);
    expect(services.r!.ports).toBeUndefined();
    const deployed: Problem[] = [];
    for (const name of ['h', 'g', 'r']) desiredSwarmService(name, { spec: odd, project: 'odd', projectDir: '/srv/odd', vars: {}, readText: () => undefined }, deployed);
    const said = (list: Problem[]) => list.map((p) => `${p.path?.join('.')}: ${p.message}`);
    expect(said(problems)).toEqual(said(deployed));
    expect(said(problems)).toEqual([
      `services.h.ports: service "h": on the host network its ports are the process's own; nothing is published`,
      'services.g.gpu: service "g": a swarm cannot give "every GPU" or chosen device ids; each task reserves 1 NVIDIA-GPU',
      'services.r.ports.0: service "r": a host port range for one container port is not published on a swarm (mode: host publishes fixed ports)',
    ]);
  });

  it('leaves the plain Compose export with deploy, secrets and configs as Compose writes them', () => {
    const { compose, problems } = exportCompose(spec);
    const services = compose.services as Record<string, Record<string, unknown>>;
    expect(services.api!.deploy).toEqual({ replicas: 2, update_config: { delay: '5s', order: 'start-first' } });
    expect(services.api!.configs).toEqual(['motd']);
    expect(services.trainer!.deploy).toEqual({ resources: { reservations: { devices: [{ count: 1, capabilities: ['gpu'] }] } } });
    expect(compose.secrets).toEqual({ token: { environment: 'API_TOKEN' }, cert: { file: './certs/cert.pem' } });
    expect(problems.filter((p) => p.code === 'compose-export-object-source').map((p) => p.message)).toEqual([
      'secrets.token: docker-compose 1.29 does not know environment here (Compose v2 and later do)',
      'configs.motd: docker-compose 1.29 does not know content here (Compose v2 and later do)',
    ]);
  });
});

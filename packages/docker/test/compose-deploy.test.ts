import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSpec } from '@berth/spec';
import { exportCompose, importCompose } from '@berth/docker';

const COMPOSE = `services:
  api:
    image: shop/api:1
    secrets: [token, { source: cert, target: server.pem }]
    configs: [motd]
    deploy:
      replicas: 3
      endpoint_mode: dnsrr
      labels: { team: shop }
      placement: { constraints: ["node.labels.zone==a"], max_replicas_per_node: 2, preferences: [{ spread: node.labels.rack }] }
      restart_policy: { condition: on-failure, delay: 5s, max_attempts: 3 }
      update_config: { parallelism: 2, order: start-first }
      resources:
        limits: { memory: 512m }
        reservations:
          generic_resources: [{ discrete_resource_spec: { kind: NVIDIA-GPU, value: 1 } }]
          devices: [{ capabilities: [gpu], count: 1 }]
  odd:
    image: shop/odd:1
    secrets: [{ source: cert, mode: 0440 }]
    deploy:
      restart_policy: { condition: any, unknown_field: 1 }
secrets:
  token: { environment: API_TOKEN }
  cert: { file: ./certs/server.pem, labels: { kind: tls } }
configs:
  motd: { content: hello }
`;

describe('Compose deploy, secrets and configs, imported into the spec and exported back', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-compose-deploy-'));
  mkdirSync(join(dir, 'certs'));
  writeFileSync(join(dir, 'certs/server.pem'), 'not a real certificate\n');
  writeFileSync(join(dir, 'compose.yaml'), COMPOSE);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const r = importCompose({ files: ['compose.yaml'], cwd: dir, env: {}, output: 'spec/berth.yaml' });
  const spec = parseSpec(r.yaml!, 'berth.yaml').value!;

  it('carries the swarm fields as deploy, the GPU as gpu, and keeps the rest under x-compose with a warning', () => {
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const api = spec.services.api!;
    expect(api.deploy).toEqual({
      replicas: 3,
      endpointMode: 'dnsrr',
      placement: { constraints: ['node.labels.zone==a'], maxReplicasPerNode: 2 },
      restartPolicy: { condition: 'on-failure', delay: 5000, maxAttempts: 3 },
      updateConfig: { parallelism: 2, order: 'start-first' },
      resources: { reservations: { genericResources: [{ discreteResourceSpec: { kind: 'NVIDIA-GPU', value: 1 } }] } },
    });
    expect(api.gpu).toEqual({ count: 1, capabilities: ['gpu'] });
    expect(api['x-compose']).toEqual({ deploy: { labels: { team: 'shop' }, placement: { preferences: [{ spread: 'node.labels.rack' }] }, resources: { limits: { memory: '512m' } } } });
    expect(api.secrets).toEqual([{ source: 'token' }, { source: 'cert', target: 'server.pem' }]);
    expect(api.configs).toEqual([{ source: 'motd' }]);
    // a restart_policy the spec cannot say is kept whole, as written
    expect(spec.services.odd!.deploy).toBeUndefined();
    // and a file mode, which Compose reads as octal (0440) and a YAML 1.2 reader as decimal, is kept as written
    expect(spec.services.odd!['x-compose']).toEqual({ deploy: { restart_policy: { condition: 'any', unknown_field: 1 } }, secrets: [{ source: 'cert', mode: 440 }] });
    expect(spec.services.odd!.secrets).toBeUndefined();
    expect(spec.secrets).toEqual({ token: { environment: 'API_TOKEN', external: false }, cert: { file: '../certs/server.pem', external: false } });
    expect(spec.configs).toEqual({ motd: { content: 'hello', external: false } });
    expect(r.problems.map((p) => p.message)).toEqual([
      'services.api.deploy: not carried (the rest of it; berth carried its GPU reservation as gpu and its swarm fields as deploy); kept under x-compose',
      'services.odd.secrets: not carried (a file mode stays as written: Compose reads 0440 as octal); kept under x-compose',
      'services.odd.deploy: not carried (berth has no field for it); kept under x-compose',
      'secrets.cert: labels not carried; kept under x-compose.secrets.cert',
    ]);
  });

  it('exports what it imported', () => {
    const { compose } = exportCompose(spec, { specDir: join(dir, 'spec'), outDir: dir });
    const services = compose.services as Record<string, Record<string, unknown>>;
    expect(services.api!.deploy).toEqual({
      labels: { team: 'shop' },
      placement: { preferences: [{ spread: 'node.labels.rack' }], constraints: ['node.labels.zone==a'], max_replicas_per_node: 2 },
      resources: { limits: { memory: '512m' }, reservations: { generic_resources: [{ discrete_resource_spec: { kind: 'NVIDIA-GPU', value: 1 } }], devices: [{ count: 1, capabilities: ['gpu'] }] } },
      replicas: 3,
      endpoint_mode: 'dnsrr',
      restart_policy: { condition: 'on-failure', delay: '5s', max_attempts: 3 },
      update_config: { parallelism: 2, order: 'start-first' },
    });
    expect(services.api!.secrets).toEqual(['token', { source: 'cert', target: 'server.pem' }]);
    expect(services.odd!.deploy).toEqual({ restart_policy: { condition: 'any', unknown_field: 1 } });
    expect(compose.secrets).toEqual({ token: { environment: 'API_TOKEN' }, cert: { file: './certs/server.pem', labels: { kind: 'tls' } } });
    expect(compose.configs).toEqual({ motd: { content: 'hello' } });
  });
});

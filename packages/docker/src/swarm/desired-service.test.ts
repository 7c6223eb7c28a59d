import { describe, expect, it } from 'vitest';
import { parseSpec, type Problem } from '@berth/spec';
import type Dockerode from 'dockerode';
import { BERTH_CONFIG_HASH, BERTH_TASK_HASH, STACK_IMAGE, STACK_NAMESPACE } from '../labels.js';
import { desiredSwarmService } from './desired-service.js';

function specOf(yaml: string) {
  const r = parseSpec(`berth: 1\nrepo: { name: demo }\n${yaml}`);
  if (!r.value) throw new Error(r.problems.map((p) => p.message).join('\n'));
  return r.value;
}

function desired(yaml: string, name: string, apiVersion?: string) {
  const spec = specOf(yaml);
  const problems: Problem[] = [];
  const d = desiredSwarmService(name, { spec, project: 'demo', projectDir: '/srv/demo', vars: { TAG: '2' }, readText: () => undefined, ...(apiVersion ? { apiVersion } : {}) }, problems);
  return { d: d!, problems, task: d?.spec.TaskTemplate as Dockerode.ContainerTaskSpec };
}

describe('a spec service as a swarm service', () => {
  const web = `
networks:
  backend: {}
secrets:
  token: { file: ./token.txt }
configs:
  nginx: { content: "worker_processes 1;" }
services:
  web:
    image: nginx:\${TAG}
    command: nginx -g "daemon off;"
    entrypoint: ["/docker-entrypoint.sh"]
    environment: { MODE: prod }
    ports: ["127.0.0.1:8080:80", "9000-9001:9000-9001/udp"]
    networks: [backend, default]
    restart: unless-stopped
    stopGracePeriod: 20s
    healthcheck: { test: "curl -f http://localhost", interval: 2s, retries: 3 }
    labels: { team: web }
    secrets: [token]
    configs: [{ source: nginx, target: /etc/nginx/nginx.conf, mode: 0o440 }]
    deploy:
      replicas: 3
      endpointMode: dnsrr
      placement: { constraints: ["node.role==worker"], maxReplicasPerNode: 2 }
      updateConfig: { parallelism: 2, delay: 5s, order: start-first, failureAction: rollback }
`;

  it('is named and labelled as docker stack deploy names it, with its image resolved', () => {
    const { d } = desired(web, 'web');
    expect(d.name).toBe('demo_web');
    expect(d.spec.Labels).toMatchObject({ [STACK_NAMESPACE]: 'demo', [STACK_IMAGE]: 'nginx:2', [BERTH_CONFIG_HASH]: d.hash });
    expect(d.spec.Mode).toEqual({ Replicated: { Replicas: 3 } });
  });

  it('publishes ports in host mode, one per port of a range, and says the host address is ignored', () => {
    const { d, problems } = desired(web, 'web');
    expect(d.spec.EndpointSpec).toEqual({
      Mode: 'dnsrr',
      Ports: [
        { Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'host' },
        { Protocol: 'udp', TargetPort: 9000, PublishedPort: 9000, PublishMode: 'host' },
        { Protocol: 'udp', TargetPort: 9001, PublishedPort: 9001, PublishMode: 'host' },
      ],
    });
    expect(d.hostPorts.map((p) => p.port)).toEqual([8080, 9000, 9001]);
    expect(problems.map((p) => p.message)).toContain('service "web": host address 127.0.0.1 is ignored: a swarm publishes a port on every address of the node');
  });

  it('has the container, task and service settings of the spec', () => {
    const { d, task } = desired(web, 'web');
    const c = task.ContainerSpec!;
    expect(c.Image).toBe('nginx:2');
    expect(c.Command).toEqual(['/docker-entrypoint.sh']);
    expect(c.Args).toEqual(['nginx', '-g', 'daemon off;']);
    expect(c.Env).toEqual(['MODE=prod']);
    expect(c.StopGracePeriod).toBe(20_000_000_000);
    expect(c.HealthCheck).toEqual({ Test: ['CMD-SHELL', 'curl -f http://localhost'], Interval: 2_000_000_000, Retries: 3 });
    expect(c.Labels).toMatchObject({ team: 'web', [STACK_NAMESPACE]: 'demo', [BERTH_TASK_HASH]: d.taskHash });
    expect(c.Secrets).toEqual([{ SecretName: 'demo_token', File: { Name: 'token', UID: '0', GID: '0', Mode: 0o444 } }]);
    expect(c.Configs).toEqual([{ ConfigName: 'demo_nginx', File: { Name: '/etc/nginx/nginx.conf', UID: '0', GID: '0', Mode: 0o440 } }]);
    expect(task.RestartPolicy).toEqual({ Condition: 'any' });
    expect(task.Placement).toEqual({ Constraints: ['node.role==worker'], MaxReplicas: 2 });
    expect(task.Networks).toEqual([
      { Target: 'demo_backend', Aliases: ['web'] },
      { Target: 'demo_default', Aliases: ['web'] },
    ]);
    expect(d.networks).toEqual(['demo_backend', 'demo_default']);
    expect(d.spec.UpdateConfig).toEqual({ Parallelism: 2, Delay: 5_000_000_000, FailureAction: 'rollback', Order: 'start-first' });
    expect(d.hasHealthcheck).toBe(true);
  });

  it('hashes the same spec alike, and a changed replica count changes the service hash but not the task hash', () => {
    const a = desired(web, 'web').d;
    const b = desired(web, 'web').d;
    const c = desired(web.replace('replicas: 3', 'replicas: 4'), 'web').d;
    const e = desired(web.replace('MODE: prod', 'MODE: dev'), 'web').d;
    expect(b.hash).toBe(a.hash);
    expect(c.hash).not.toBe(a.hash);
    expect(c.taskHash).toBe(a.taskHash);
    expect(e.taskHash).not.toBe(a.taskHash);
  });

  it('maps restart to a restart policy, and deploy.restartPolicy wins with a warning', () => {
    expect(desired('services:\n  a: { image: x, restart: "no" }', 'a').task.RestartPolicy).toEqual({ Condition: 'none' });
    expect(desired('services:\n  a: { image: x, restart: on-failure }', 'a').task.RestartPolicy).toEqual({ Condition: 'on-failure' });
    expect(desired('services:\n  a: { image: x }', 'a').task.RestartPolicy).toBeUndefined();
    const both = desired('services:\n  a: { image: x, restart: always, deploy: { restartPolicy: { condition: on-failure, maxAttempts: 3, delay: 1s } } }', 'a');
    expect(both.task.RestartPolicy).toEqual({ Condition: 'on-failure', MaxAttempts: 3, Delay: 1_000_000_000 });
    expect(both.problems.map((p) => p.message)).toEqual(['service "a": restart is replaced by deploy.restartPolicy on a swarm']);
  });

  it('places a GPU service on nodes that advertise NVIDIA-GPU, unless the spec chose constraints or resources itself', () => {
    const counted = desired('services:\n  t: { image: x, gpu: { count: 2 } }', 't');
    expect(counted.task.Resources).toEqual({ Reservations: { GenericResources: [{ DiscreteResourceSpec: { Kind: 'NVIDIA-GPU', Value: 2 } }] } });
    expect(counted.problems).toEqual([]);
    const all = desired('services:\n  t: { image: x, gpu: true }', 't');
    expect(all.task.Resources).toEqual({ Reservations: { GenericResources: [{ DiscreteResourceSpec: { Kind: 'NVIDIA-GPU', Value: 1 } }] } });
    expect(all.problems[0]!.message).toMatch(/cannot give "every GPU".*reserves 1 NVIDIA-GPU/);
    const labelled = desired('services:\n  t: { image: x, gpu: true, deploy: { placement: { constraints: ["node.labels.gpu==true"] } } }', 't');
    expect(labelled.task.Resources).toBeUndefined();
    expect(labelled.task.Placement?.Constraints).toEqual(['node.labels.gpu==true']);
    const own = desired('services:\n  t: { image: x, gpu: true, deploy: { resources: { reservations: { genericResources: [{ discreteResourceSpec: { kind: gpu, value: 1 } }] } } } }', 't');
    expect(own.task.Resources).toEqual({ Reservations: { GenericResources: [{ DiscreteResourceSpec: { Kind: 'gpu', Value: 1 } }] } });
  });

  it('joins the host network for network_mode host, publishing nothing', () => {
    const { d, task } = desired('services:\n  h: { image: x, networkMode: host, ports: [8080] }', 'h');
    expect(task.Networks).toEqual([{ Target: 'host' }]);
    expect(d.spec.EndpointSpec?.Ports).toEqual([]);
    expect(d.networks).toEqual([]);
  });

  it('says which Compose fields a swarm ignores', () => {
    const { problems } = desired(
      `services:
  b:
    build: .
    expose: [9000]
    networkMode: "service:other"
    volumes: ["./data:/data"]
    gpu: { count: 1, driver: nvidia }
    healthcheck: { test: "true", startInterval: 1s }
    dependsOn: { m: { condition: service_completed_successfully } }
  m: { image: x }`,
      'b',
      '1.41',
    );
    expect(problems.every((p) => p.severity === 'warning' && p.code === 'swarm-ignores')).toBe(true);
    expect(problems.map((p) => p.path?.slice(2).join('.'))).toEqual(['build', 'expose', 'gpu', 'networkMode', 'volumes.0', 'dependsOn.m', 'healthcheck.startInterval']);
  });

  it('needs an image or a build', () => {
    const { problems } = desired('services:\n  n: { command: "true" }', 'n');
    expect(problems.map((p) => p.code)).toEqual(['no-image']);
  });
});

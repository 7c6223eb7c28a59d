import { describe, expect, it } from 'vitest';
import { formatProblem } from '../problem.js';
import { analyzePorts } from './analyze-ports.js';
import { planRegistration } from './plan-registration.js';
import { registryFrom, specFrom } from './fixtures.test-helpers.js';

/** A spec with a GPU box and a NAS as engines; `placing` puts services on them. */
const spec = (services: string) =>
  specFrom(`berth: 1
repo:
  name: lab
engines:
  gpu:
    host: ssh://dev@gpu-box
  nas:
    host: tcp://nas.lan:2376
  lo:
    host: unix:///run/user/1000/docker.sock
services:
${services}`);

describe('the same port on two machines', () => {
  it('is no conflict when the services run on engines of two machines', () => {
    const report = analyzePorts({ specs: [spec('  api:\n    ports: [8000]\n  trainer:\n    engine: gpu\n    ports: [8000]\n  backup:\n    engine: nas\n    ports: [8000]\n')] });
    expect(report.problems).toEqual([]);
    expect(report.bindings.map((b) => [b.service, b.machine])).toEqual([
      ['api', undefined],
      ['trainer', 'gpu-box'],
      ['backup', 'nas.lan'],
    ]);
  });

  it('is a conflict on one machine, whichever engine of it binds the port', () => {
    const report = analyzePorts({ specs: [spec('  api:\n    ports: [8000]\n  rootless:\n    engine: lo\n    ports: [8000]\n  a:\n    engine: gpu\n    ports: [9000]\n  b:\n    engine: gpu\n    ports: [9000]\n')] });
    expect(report.problems.map((p) => p.code)).toEqual(['port-conflict', 'port-conflict']);
    expect(report.problems.map(formatProblem)[1]).toMatch(/port 9000\/tcp is published by both a \(berth\.yaml:\d+:\d+\) and b; only one of them can bind it/);
  });

  it('is told apart in the registry by `machine`, which ports register writes for a remote service', () => {
    const s = spec('  api:\n    ports: [8000]\n  trainer:\n    engine: gpu\n    ports: [8000]\n');
    const registry = registryFrom('registry: 1\nowner: orchestrator\nports:\n  - { port: 8000, repo: lab, service: api }\n  - { port: 8000, repo: lab, service: trainer, machine: gpu-box }\n');
    expect(analyzePorts({ specs: [s], registry }).problems).toEqual([]);
    // Without `machine`, the registry holds 8000 twice on the developers' machines: a conflict.
    const flat = registryFrom('registry: 1\nowner: orchestrator\nports:\n  - { port: 8000, repo: lab, service: api }\n  - { port: 8000, repo: lab, service: trainer }\n');
    expect(analyzePorts({ specs: [s], registry: flat }).problems.map((p) => p.code)).toContain('registry-conflict');
    const empty = registryFrom('registry: 1\nowner: orchestrator\nports:\n  - { port: 8000, repo: lab, service: api }\n');
    expect(planRegistration({ spec: s, registry: empty, service: 'trainer' }).add).toEqual([{ port: 8000, protocol: 'tcp', machine: 'gpu-box', repo: 'lab', service: 'trainer' }]);
  });

  it('compares machines one way on both sides: a host name in any case, a Docker context by its exact name', () => {
    const s = specFrom('berth: 1\nrepo: { name: lab }\nengines:\n  box: { context: GpuBox }\n  nas: { host: "tcp://NAS.lan:2376" }\nservices:\n  trainer: { engine: box, ports: [8000] }\n  backup: { engine: nas, ports: [9000] }\n');
    // what `ports register` writes is what validate then finds registered, and a second register adds nothing
    const registered = planRegistration({ spec: s, registry: registryFrom('registry: 1\nowner: o\nports: []\n'), service: 'trainer' }).add;
    expect(registered).toEqual([{ port: 8000, protocol: 'tcp', machine: 'context GpuBox', repo: 'lab', service: 'trainer' }]);
    const registry = registryFrom('registry: 1\nowner: o\nports:\n  - { port: 8000, repo: lab, service: trainer, machine: context GpuBox }\n  - { port: 9000, repo: lab, service: backup, machine: Nas.LAN }\n');
    expect(analyzePorts({ specs: [s], registry }).problems).toEqual([]);
    expect(planRegistration({ spec: s, registry, service: 'trainer' }).add).toEqual([]);
    // another context is another machine, even one named alike but for case
    const other = registryFrom('registry: 1\nowner: o\nports:\n  - { port: 8000, repo: lab, service: trainer, machine: context gpubox }\n');
    expect(analyzePorts({ specs: [s], registry: other }).problems.map((p) => p.code)).toContain('port-unregistered');
  });

  it('registers nothing for a name that is no service, prototype names included', () => {
    const s = spec('  api:\n    ports: [8000]\n');
    const empty = registryFrom('registry: 1\nowner: orchestrator\nports: []\n');
    for (const name of ['constructor', '__proto__', 'toString']) expect(planRegistration({ spec: s, registry: empty, service: name })).toEqual({ add: [], already: [], refusals: [] });
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseSpec, type Problem } from '@berth/spec';
import type Dockerode from 'dockerode';
import { exportCompose, importCompose } from '@berth/docker';
import { composeConfig, hasDockerCompose, noDockerComposeReason } from '../../test/compose-roundtrip.js';
import { desiredContainer } from './desired.js';
import { desiredSwarmService } from '../swarm/desired-service.js';
import { buildJob } from '../build/build-job.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function specOf(yaml: string) {
  const r = parseSpec(`berth: 1\nrepo: { name: demo }\n${yaml}`, 'berth.yaml');
  return { spec: r.value, problems: r.problems, raw: r.source?.value };
}

const input = (yaml: string, vars: Record<string, string> = {}) => ({ spec: specOf(yaml).spec!, project: 'demo', projectDir: '/proj', vars, readText: () => undefined });

const HOSTS = `services:
  app:
    image: img:1
    extraHosts:
      host.docker.internal: host-gateway
      v6: "[::1]"
      plain6: "fe80::1"
      both: ["10.0.0.1", "::1"]
      fromvar: "\${OLLAMA_ADDR:-127.0.0.1}"
`;

describe('extraHosts in the spec', () => {
  it('takes addresses, [IPv6], host-gateway, lists and references, and refuses the rest at the entry', () => {
    expect(specOf(HOSTS).problems.filter((p) => p.severity === 'error')).toEqual([]);
    const bad = specOf('services:\n  app:\n    image: img:1\n    extraHosts:\n      db: localhost\n      "a b": 10.0.0.1\n      ok: []\n');
    const errors = bad.problems.filter((p) => p.severity === 'error').map((p) => `${p.line}:${p.col} ${p.message}`);
    expect(errors).toEqual([
      '7:11 services.app.extraHosts.db: must be an IP address (an IPv6 one with or without [brackets]) or host-gateway',
      '8:7 services.app.extraHosts: key "a b" must be a host name (no white space, ":", "=" or brackets)',
      '9:11 services.app.extraHosts.ok: must list one address or more',
    ]);
  });
});

describe('extraHosts on the engine', () => {
  it('gives a container HostConfig.ExtraHosts as host:address, brackets dropped, one entry per address', () => {
    const problems: Problem[] = [];
    const d = desiredContainer('app', input(HOSTS), problems)!;
    expect(problems).toEqual([]);
    expect(d.create.HostConfig?.ExtraHosts).toEqual(['host.docker.internal:host-gateway', 'v6:::1', 'plain6:fe80::1', 'both:10.0.0.1', 'both:::1', 'fromvar:127.0.0.1']);
  });

  it('leaves a container without extraHosts as it was (no ExtraHosts, so its config hash does not change)', () => {
    const d = desiredContainer('app', input('services:\n  app:\n    image: img:1\n'), [])!;
    expect(d.create.HostConfig).not.toHaveProperty('ExtraHosts');
  });

  it('refuses an address a ${VAR} resolves to that is none, at the entry, and makes no container', () => {
    const problems: Problem[] = [];
    expect(desiredContainer('app', input(HOSTS, { OLLAMA_ADDR: 'ollama.lan' }), problems)).toBeUndefined();
    expect(problems).toEqual([expect.objectContaining({ severity: 'error', path: ['services', 'app', 'extraHosts', 'fromvar'], message: expect.stringContaining('service "app": "ollama.lan" must be an IP address') })]);
  });

  it('gives a swarm service ContainerSpec.Hosts as /etc/hosts lines, and refuses host-gateway there', () => {
    const problems: Problem[] = [];
    const yaml = 'services:\n  app:\n    image: img:1\n    extraHosts: { v6: "[::1]", both: ["10.0.0.1", "::1"] }\n';
    const d = desiredSwarmService('app', input(yaml), problems)!;
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect((d.spec.TaskTemplate as Dockerode.ContainerTaskSpec).ContainerSpec?.Hosts).toEqual(['::1 v6', '10.0.0.1 both', '::1 both']);
    const refused: Problem[] = [];
    expect(desiredSwarmService('app', input(HOSTS), refused)).toBeUndefined();
    expect(refused).toContainEqual(expect.objectContaining({ severity: 'error', path: ['services', 'app', 'extraHosts', 'host.docker.internal'], message: expect.stringContaining('host-gateway is resolved by the engine for a container') }));
  });

  it('gives a build its extrahosts the same way', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-extra-hosts-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n');
    const { spec } = specOf('services:\n  app:\n    build: { context: ., extraHosts: { v6: "[::1]", gw: host-gateway, both: ["10.0.0.1", "::2"] } }\n');
    const problems: Problem[] = [];
    const job = buildJob('app', spec!.services.app!.build!, { projectDir: dir, image: 'demo-app', vars: {} }, problems);
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(job?.extraHosts).toEqual(['v6:::1', 'gw:host-gateway', 'both:10.0.0.1', 'both:::2']);
  });
});

describe('extra_hosts through Compose import and export', () => {
  function project(compose: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'berth-extra-hosts-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'compose.yaml'), compose);
    return dir;
  }

  it('carries a list (= and : forms, [IPv6], host-gateway, a host named twice) as the spec map', () => {
    const dir = project('services:\n  app:\n    image: img:1\n    extra_hosts:\n      - "host.docker.internal:host-gateway"\n      - "somehost=162.242.195.82"\n      - "v6host=[::1]"\n      - "colon6:::1"\n      - "twice=10.0.0.1"\n      - "twice=::1"\n');
    const r = importCompose({ files: ['compose.yaml'], cwd: dir, env: {} });
    expect(r.problems).toEqual([]);
    const spec = parseSpec(r.yaml!, 'berth.yaml');
    expect(spec.value!.services.app!.extraHosts).toEqual({ 'host.docker.internal': 'host-gateway', somehost: '162.242.195.82', v6host: '[::1]', colon6: '::1', twice: ['10.0.0.1', '::1'] });
    expect(spec.value!.services.app!['x-compose']).toBeUndefined();
  });

  it('carries the map form, and keeps a field the engine would refuse under x-compose with a located warning', () => {
    const ok = importCompose({ files: ['compose.yaml'], cwd: project('services:\n  app:\n    image: img:1\n    extra_hosts:\n      gw: host-gateway\n      db: "${DB_ADDR}"\n'), env: {} });
    expect(parseSpec(ok.yaml!, 'berth.yaml').value!.services.app!.extraHosts).toEqual({ gw: 'host-gateway', db: '${DB_ADDR}' });
    const bad = importCompose({ files: ['compose.yaml'], cwd: project('services:\n  app:\n    image: img:1\n    extra_hosts:\n      - "db=db.internal"\n'), env: {} });
    expect(bad.problems).toEqual([expect.objectContaining({ severity: 'warning', line: 5, message: expect.stringContaining('"db.internal" is not an IP address or host-gateway; extra_hosts kept under x-compose as written') })]);
    expect(parseSpec(bad.yaml!, 'berth.yaml').value!.services.app!['x-compose']).toEqual({ extra_hosts: ['db=db.internal'] });
  });

  it.skipIf(!hasDockerCompose)(`exports a map, or host:address lines for a host with several, that docker-compose 1.29 accepts, and imports back the same ${hasDockerCompose ? '' : noDockerComposeReason}`, () => {
    for (const hosts of ['{ gw: host-gateway, v6: "[::1]" }', '{ gw: host-gateway, both: ["10.0.0.1", "::1"] }']) {
      const { spec, raw } = specOf(`services:\n  app:\n    image: img:1\n    build: { context: ., extraHosts: ${hosts} }\n    extraHosts: ${hosts}\n`);
      const out = exportCompose(spec!, { raw });
      const written = parse(out.yaml).services.app;
      const expected = hosts.includes('both') ? ['gw:host-gateway', 'both:10.0.0.1', 'both:::1'] : { gw: 'host-gateway', v6: '::1' };
      expect(written.extra_hosts).toEqual(expected);
      expect(written.build.extra_hosts).toEqual(expected);
      const check = composeConfig(out.yaml);
      expect(check.stderr).toBe('');
      expect(check.status).toBe(0);
      writeFileSync(join(check.dir, 'compose.yaml'), out.yaml);
      dirs.push(check.dir);
      const back = importCompose({ files: ['compose.yaml'], cwd: check.dir, env: {} });
      const again = parseSpec(back.yaml!, 'berth.yaml').value!.services.app!.extraHosts;
      expect(again).toEqual(hosts.includes('both') ? { gw: 'host-gateway', both: ['10.0.0.1', '::1'] } : { gw: 'host-gateway', v6: '::1' });
      expect(parseSpec(back.yaml!, 'berth.yaml').value!.services.app!.build).toMatchObject({ extraHosts: again });
    }
  });
});

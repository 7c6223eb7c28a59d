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

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const specOf = (yaml: string) => parseSpec(`berth: 1\nrepo: { name: demo }\n${yaml}`, 'berth.yaml');
const input = (yaml: string, apiVersion?: string) => ({ spec: specOf(yaml).value!, project: 'demo', projectDir: '/proj', vars: { HN: 'box' }, readText: () => undefined, ...(apiVersion ? { apiVersion } : {}) });

const OPTIONS = `services:
  db:
    image: img:1
    hostname: "\${HN}-db"
    init: true
    tty: true
    stdinOpen: false
    readOnly: true
    privileged: true
    capAdd: [NET_ADMIN]
    capDrop: [ALL]
    shmSize: 1gb
    tmpfs: ["/run", "/tmp:size=64m,mode=1777"]
`;

describe('container options (hostname, init, tty, stdinOpen, readOnly, privileged, capAdd/capDrop, shmSize, tmpfs)', () => {
  it('reach the engine create body, references resolved', () => {
    const problems: Problem[] = [];
    const d = desiredContainer('db', input(OPTIONS), problems)!;
    expect(problems).toEqual([]);
    expect(d.create).toMatchObject({ Hostname: 'box-db', Tty: true, OpenStdin: false });
    expect(d.create.HostConfig).toMatchObject({ Init: true, ReadonlyRootfs: true, Privileged: true, CapAdd: ['NET_ADMIN'], CapDrop: ['ALL'], ShmSize: 1024 ** 3, Tmpfs: { '/run': '', '/tmp': 'size=64m,mode=1777' } });
  });

  it('are absent from a service that sets none, so its config hash is what it was', () => {
    const d = desiredContainer('db', input('services:\n  db:\n    image: img:1\n'), [])!;
    for (const k of ['Hostname', 'Tty', 'OpenStdin']) expect(d.create).not.toHaveProperty(k);
    for (const k of ['Init', 'ReadonlyRootfs', 'Privileged', 'CapAdd', 'CapDrop', 'ShmSize', 'Tmpfs']) expect(d.create.HostConfig).not.toHaveProperty(k);
  });

  it('refuse a size that is none, at the field', () => {
    const r = specOf('services:\n  db:\n    image: img:1\n    shmSize: lots\n');
    expect(r.problems.filter((p) => p.severity === 'error').map((p) => `${p.line}:${p.col} ${p.message}`)).toEqual(['6:14 services.db.shmSize: must be a size: bytes, or a number with b, k, m or g, such as 512m or 2gb']);
  });

  it('on a swarm: hostname, tty, stdin, init, read-only and capabilities (API 1.41+) are set; privileged, shmSize and tmpfs are warned of', () => {
    const problems: Problem[] = [];
    const d = desiredSwarmService('db', input(OPTIONS, '1.45'), problems)!;
    const container = (d.spec.TaskTemplate as Dockerode.ContainerTaskSpec).ContainerSpec!;
    expect(container).toMatchObject({ Hostname: 'box-db', TTY: true, OpenStdin: false, Init: true, ReadOnly: true, CapabilityAdd: ['NET_ADMIN'], CapabilityDrop: ['ALL'] });
    expect(problems.filter((p) => p.code === 'swarm-ignores').map((p) => p.path?.at(-1))).toEqual(['privileged', 'shmSize', 'tmpfs']);
    const old: Problem[] = [];
    const o = desiredSwarmService('db', input(OPTIONS, '1.40'), old)!;
    expect((o.spec.TaskTemplate as Dockerode.ContainerTaskSpec).ContainerSpec).not.toHaveProperty('CapabilityAdd');
    expect(old.map((p) => p.message)).toContainEqual(expect.stringContaining('capAdd and capDrop need Engine API 1.41'));
  });

  it.skipIf(!hasDockerCompose)(`import from Compose, export what docker-compose 1.29 accepts, and come back the same ${hasDockerCompose ? '' : noDockerComposeReason}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-container-options-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  db:\n    image: img:1\n    hostname: "${HN:-box}"\n    init: true\n    tty: "true"\n    stdin_open: true\n    read_only: false\n    privileged: false\n    cap_add: [SYS_PTRACE]\n    cap_drop: [NET_RAW]\n    shm_size: 256m\n    tmpfs: /run\n');
    const imported = importCompose({ files: ['compose.yaml'], cwd: dir, env: {} });
    expect(imported.problems).toEqual([]);
    const db = parseSpec(imported.yaml!, 'berth.yaml').value!.services.db!;
    expect(db).toMatchObject({ hostname: '${HN:-box}', init: true, tty: true, stdinOpen: true, readOnly: false, privileged: false, capAdd: ['SYS_PTRACE'], capDrop: ['NET_RAW'], shmSize: '256m', tmpfs: '/run' });
    const loaded = parseSpec(imported.yaml!, 'berth.yaml');
    const out = exportCompose(loaded.value!, { raw: loaded.source!.value });
    expect(parse(out.yaml).services.db).toMatchObject({ hostname: '${HN:-box}', init: true, tty: true, stdin_open: true, read_only: false, privileged: false, cap_add: ['SYS_PTRACE'], cap_drop: ['NET_RAW'], shm_size: '256m', tmpfs: '/run' });
    const check = composeConfig(out.yaml);
    dirs.push(check.dir);
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it('an import keeps a value the spec cannot hold under x-compose, with a located warning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-container-options-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  db:\n    image: img:1\n    shm_size: lots\n    init: maybe\n');
    const r = importCompose({ files: ['compose.yaml'], cwd: dir, env: {} });
    expect(r.problems.map((p) => `${p.line} ${p.message}`)).toEqual(['4 services.db.shm_size: not carried (is not a size); kept under x-compose', '5 services.db.init: not carried (is not true or false); kept under x-compose']);
    expect(parseSpec(r.yaml!, 'berth.yaml').value!.services.db!['x-compose']).toEqual({ shm_size: 'lots', init: 'maybe' });
  });
});

describe("a runtime's network", () => {
  const yaml = `networks:
  hostnet: { mode: host }
services:
  jupyter:
    image: img:1
    runtime: [{ kind: devcontainer, network: hostnet }, compose]
    ports: [{ host: 28888, container: 8888 }]
  tracker:
    image: img:1
    runtime: [{ kind: compose, network: hostnet }]
`;

  it("is the Compose container's only when the compose runtime names it: a swarm task and the Compose export follow the same rule", () => {
    const swarm = (name: string) => (desiredSwarmService(name, input(yaml, '1.45'), [])!.spec.TaskTemplate as Dockerode.ContainerTaskSpec).Networks;
    expect(swarm('jupyter')).toEqual([{ Target: 'demo_default', Aliases: ['jupyter'] }]);
    expect(swarm('tracker')).toEqual([{ Target: 'host' }]);
    const loaded = specOf(yaml);
    const services = parse(exportCompose(loaded.value!, { raw: loaded.source!.value }).yaml).services;
    expect(services.jupyter.network_mode).toBeUndefined();
    expect(services.tracker.network_mode).toBe('host');
  });
});

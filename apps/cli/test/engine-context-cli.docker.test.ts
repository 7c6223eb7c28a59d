/**
 * The default engine named by the Docker config's current context, from the command line: berth acts on that engine
 * or on none, never on this machine's socket in its stead (the docker CLI's rule). The shared engine is only looked at.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerAvailable, dockerSocketPath, TEST_IMAGE, uniqueProject } from '@berth/docker/testing';
import { ensureBuiltCli, runBuiltCli } from './support/built-cli.js';

const skip = dockerAvailable() ? '' : 'no Docker engine';

describe.skipIf(!!skip)(`a current context that cannot be used${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const project = uniqueProject('berth-context-cli');
  const root = mkdtempSync(path.join(tmpdir(), 'berth-context-cli-'));
  const home = path.join(root, 'home');
  const dir = path.join(root, 'project');
  const config = path.join(home, '.docker', 'config.json');
  const docker = new Dockerode({ socketPath: dockerSocketPath() });
  const onSharedEngine = async () => (await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } })).length;
  /** berth in the project, with nothing but the scratch HOME's Docker config to name the engine. */
  const berth = (args: string[]) =>
    runBuiltCli(args, { cwd: dir, env: { HOME: home, DOCKER_HOST: '', DOCKER_CONTEXT: '', DOCKER_CONFIG: '', XDG_CACHE_HOME: path.join(root, 'cache'), XDG_CONFIG_HOME: path.join(root, 'config'), BERTH_RESULT_CACHE: '0' } });

  beforeAll(() => {
    ensureBuiltCli();
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'berth.yaml'), ['berth: 1', `repo: { name: ${project} }`, 'services:', `  talker: { image: "${TEST_IMAGE}", command: "sleep 600" }`, ''].join('\n'));
    const meta = path.join(home, '.docker', 'contexts', 'meta', createHash('sha256').update('dead').digest('hex'));
    mkdirSync(meta, { recursive: true });
    writeFileSync(path.join(meta, 'meta.json'), JSON.stringify({ Name: 'dead', Metadata: {}, Endpoints: { docker: { Host: 'tcp://127.0.0.1:1', SkipTLSVerify: false } } }));
  }, 200_000);
  afterAll(async () => {
    for (const c of await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } })) await docker.getContainer(c.Id).remove({ force: true });
    for (const n of await docker.listNetworks({ filters: { label: [`com.docker.compose.project=${project}`] } })) await docker.getNetwork(n.Id).remove().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  });

  it('one out of reach: up exits 3 naming it, and makes nothing on this machine\'s engine', async () => {
    writeFileSync(config, JSON.stringify({ currentContext: 'dead' }));
    const r = await berth(['up']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`tcp://127.0.0.1:1 (current context "dead" from ${config}): connection refused`);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(await onSharedEngine()).toBe(0);
  }, 60_000);

  it('one that does not exist: status exits 2, one line naming the context and the config file', async () => {
    writeFileSync(config, JSON.stringify({ currentContext: 'nosuch' }));
    const r = await berth(['status']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toMatch(new RegExp(`^berth: current context "nosuch" from ${config.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} does not exist \\(no .*meta\\.json\\)$`));
  }, 60_000);
});

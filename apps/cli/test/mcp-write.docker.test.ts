/** The MCP write tools against the real engine: up, status, restart, down, each saying exactly what it changed. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { dockerAvailable, dockerSkipReason, dockerSocketPath, ensureTestImage, TEST_HTTPD_COMMAND, TEST_IMAGE, uniqueProject } from '@berth/docker/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltCli } from './support/built-cli.js';
import { connectBerth, runBerth, clientEnv, type Connected } from './support/mcp-client.js';

describe.skipIf(!dockerAvailable())(`berth mcp --allow-write on Docker${dockerSkipReason()}`, () => {
  const docker = new Dockerode({ socketPath: dockerSocketPath() });
  const project = uniqueProject('berth-mcp');
  const dir = mkdtempSync(join(tmpdir(), 'berth-mcp-write-'));
  const env = { DOCKER_HOST: `unix://${dockerSocketPath()}` };
  let s: Connected;

  beforeAll(async () => {
    ensureBuiltCli();
    await ensureTestImage(docker);
    writeFileSync(
      join(dir, 'berth.yaml'),
      [
        'berth: 1',
        `repo: { name: ${project} }`,
        'services:',
        `  web: { image: "${TEST_IMAGE}", command: ${JSON.stringify(TEST_HTTPD_COMMAND)}, stopGracePeriod: 1s, healthcheck: { test: "wget -q -O /dev/null http://127.0.0.1:8080/health", interval: 300ms, retries: 30 } }`,
        '',
      ].join('\n'),
    );
    s = await connectBerth({ cwd: dir, args: ['mcp', '--allow-write'], env });
  }, 120_000);

  afterAll(async () => {
    await s?.close();
    await runBerth(['down'], dir, clientEnv(env));
    rmSync(dir, { recursive: true, force: true });
  });

  const summary = (r: { content?: unknown }) => (r.content as { text: string }[])[0]!.text;

  it('up creates the container and says so; a second up keeps it', async () => {
    const first = await s.client.callTool({ name: 'up', arguments: { timeout: 60 } });
    expect(first.isError).toBeUndefined();
    expect(first.structuredContent).toMatchObject({ ok: true, project, dryRun: false, services: ['web'], plan: { steps: [{ service: 'web', action: 'create' }] } });
    expect(summary(first)).toBe(`up project ${project}: create: web`);
    const again = await s.client.callTool({ name: 'up', arguments: {} });
    expect(summary(again)).toBe(`up project ${project}: keep: web`);
  }, 90_000);

  it('status sees it running, as berth status does', async () => {
    const answer = await s.client.callTool({ name: 'status', arguments: {} });
    expect(answer.structuredContent).toMatchObject({ ok: true, project, services: [{ service: 'web', state: 'running' }] });
    expect(summary(answer)).toBe(`project ${project}: 1 of 1 service running`);
  }, 30_000);

  it('restart names the container it restarted', async () => {
    const answer = await s.client.callTool({ name: 'restart', arguments: { services: ['web'] } });
    expect(answer.structuredContent).toMatchObject({ ok: true, project, restarted: [{ service: 'web' }] });
    const name = (answer.structuredContent as { restarted: { name: string }[] }).restarted[0]!.name;
    expect(summary(answer)).toBe(`project ${project}: restarted ${name}`);
  }, 60_000);

  it('down removes the container and the network, and lists them', async () => {
    const answer = await s.client.callTool({ name: 'down', arguments: {} });
    const result = answer.structuredContent as { removedContainers: { name: string; service: string }[]; removedNetworks: string[] };
    expect(result.removedContainers).toMatchObject([{ service: 'web' }]);
    expect(result.removedNetworks.length).toBeGreaterThan(0);
    expect(summary(answer)).toMatch(new RegExp(`^project ${project}: removed container ${result.removedContainers[0]!.name}, network `));
    for (const n of result.removedNetworks) expect(summary(answer)).toContain(`network ${n}`);
    expect(await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } })).toEqual([]);
  }, 60_000);
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltCli, runBuiltCli } from './support/built-cli.js';
import { dockerAvailable, dockerSkipReason, dockerSocketPath, ensureTestImage, freePort, TEST_HTTPD_COMMAND, TEST_IMAGE, uniqueProject } from '@berth/docker/testing';

const berth = runBuiltCli;

beforeAll(() => {
  ensureBuiltCli();
}, 180_000);

// `berth up` checks the environment the selection needs before it touches the engine: what it refuses is bad input
// (exit 2), one line per variable at the spec's or the .env's line, never a value; its dry run says the same.
describe.skipIf(!dockerAvailable())(`berth up and the environment, from the command line${dockerSkipReason()}`, () => {
  const docker = new Dockerode({ socketPath: dockerSocketPath() });
  const env = { DOCKER_HOST: `unix://${dockerSocketPath()}` };
  const projects: string[] = [];
  const dirs: string[] = [];
  const containers = (project: string) => docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } });
  /** A project folder holding berth.yaml and, when given, .env. */
  const folder = (project: string, lines: string[], dotEnv?: string) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'berth-cli-upenv-'));
    dirs.push(dir);
    projects.push(project);
    writeFileSync(path.join(dir, 'berth.yaml'), [`berth: 1`, `repo: { name: ${project} }`, ...lines, ''].join('\n'));
    if (dotEnv !== undefined) writeFileSync(path.join(dir, '.env'), dotEnv);
    return dir;
  };
  beforeAll(async () => {
    await ensureTestImage(docker);
  });
  afterAll(async () => {
    for (const project of projects) {
      for (const c of await containers(project)) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
      for (const n of await docker.listNetworks({ filters: { label: [`com.docker.compose.project=${project}`] } })) await docker.getNetwork(n.Id).remove().catch(() => undefined);
    }
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a port's variable that disagrees with the spec, dry run too, at the .env line as validate says it; the same port is published", async () => {
    const project = uniqueProject('berth-cli-portenv');
    const port = await freePort();
    const dir = folder(project, ['services:', '  app:', `    image: "${TEST_IMAGE}"`, `    command: ${JSON.stringify(TEST_HTTPD_COMMAND)}`, '    stopGracePeriod: 2s', `    ports: [{ host: ${port}, container: 8080, env: AUDIT_APP_PORT }]`], `AUDIT_APP_PORT=${port + 1}\n`);
    const said = `.env:1:1: AUDIT_APP_PORT (set in .env) disagrees with the spec, which gives ${project}/app port ${port} (set AUDIT_APP_PORT=${port}, or register the port you use)`;
    const validate = await berth(['validate'], { cwd: dir, env: { ...env, BERTH_RESULT_CACHE: '0' } });
    expect(validate.stdout).toContain(said);
    for (const args of [['up', '--no-wait'], ['up', '--dry-run']]) {
      const r = await berth(args, { cwd: dir, env });
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toContain(said);
      expect(r.stdout).not.toContain('plan for project');
    }
    const inShell = await berth(['up', '--no-wait'], { cwd: dir, env: { ...env, AUDIT_APP_PORT: String(port + 2) } });
    expect(inShell.code).toBe(2);
    expect(inShell.stderr).toContain(`berth.yaml:8:50: AUDIT_APP_PORT (set in the environment) disagrees with the spec, which gives ${project}/app port ${port}`);
    expect(await containers(project)).toEqual([]);

    writeFileSync(path.join(dir, '.env'), `AUDIT_APP_PORT=${port}\n`);
    const r = await berth(['up', '--no-wait'], { cwd: dir, env });
    expect(r.code).toBe(0);
    const [container] = await containers(project);
    expect(container!.Ports.map((p) => p.PublicPort)).toContain(port);
  }, 90_000);

  it('refuses a required variable unset or of the wrong type (never saying its value); one of a profile that is off does not stop up', async () => {
    const project = uniqueProject('berth-cli-required');
    const service = `{ image: "${TEST_IMAGE}", command: ${JSON.stringify(TEST_HTTPD_COMMAND)}, stopGracePeriod: 2s`;
    const dir = folder(project, [
      'profiles: { preview: {} }',
      'services:',
      `  web: ${service}, environment: { DB_URL: "\${APP_DB_URL}" } }`,
      `  preview: ${service}, profiles: [preview], environment: { TOKEN: "\${PREVIEW_TOKEN}" } }`,
      'env:',
      '  APP_DB_URL: { type: url, required: true }',
      '  PREVIEW_TOKEN: { secret: true, required: { profile: preview } }',
    ]);
    const missing = 'berth.yaml:8:3: APP_DB_URL is required always but not set (set it in the environment or in .env)';
    for (const args of [['up', '--no-wait'], ['up', '--dry-run']]) {
      const r = await berth(args, { cwd: dir, env });
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toContain(missing);
    }
    const secret = 'not-a-url-SECRET-77c1';
    writeFileSync(path.join(dir, '.env'), `APP_DB_URL=${secret}\n`);
    const wrong = await berth(['up', '--no-wait', '--json'], { cwd: dir, env });
    expect(wrong.code).toBe(2);
    expect(JSON.parse(wrong.stdout).problems.map((p: { file: string; line: number; message: string }) => `${p.file}:${p.line}: ${p.message}`)).toEqual([
      '.env:1: APP_DB_URL (set in .env) is not a URL (expected scheme://host..., such as http://localhost:5000)',
    ]);
    expect(wrong.stdout + wrong.stderr).not.toContain('SECRET-77c1');

    writeFileSync(path.join(dir, '.env'), 'APP_DB_URL=postgres://db:5432/app\n');
    const needsToken = 'berth.yaml:9:3: PREVIEW_TOKEN is required by profile preview but not set (set it in the environment or in .env)';
    for (const [args, more] of [[['up', '--no-wait', '--profile', 'preview'], {}], [['up', '--no-wait', 'preview'], {}], [['up', '--dry-run'], { COMPOSE_PROFILES: 'preview' }]] as const) {
      const r = await berth([...args], { cwd: dir, env: { ...env, ...more } });
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toContain(needsToken);
    }
    expect(await containers(project)).toEqual([]);

    const r = await berth(['up', '--no-wait'], { cwd: dir, env });
    expect(r.code).toBe(0);
    expect((await containers(project)).map((c) => c.Labels['com.docker.compose.service'])).toEqual(['web']);
  }, 90_000);
});

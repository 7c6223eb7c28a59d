import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BerthError, formatProblem, parseSpec } from '@berth/spec';
import { dockerAvailable, dockerSkipReason, freePort, TEST_HTTPD_COMMAND, TEST_IMAGE, uniqueProject } from '@berth/docker/testing';
import { up, upAcrossEngines, connectSpecEngines, type UpOptions } from '@berth/docker';
import { leftovers, projectsFor } from './helpers.js';

/** What `up` threw, or undefined when it went through. */
async function refusal(run: Promise<unknown>): Promise<BerthError | undefined> {
  return run.then(
    () => undefined,
    (err: unknown) => err as BerthError,
  );
}

describe.skipIf(!dockerAvailable())(`berth up checks the environment the selection needs before it makes anything${dockerSkipReason()}`, () => {
  const projects = projectsFor('berth-up-env');
  const dir = mkdtempSync(join(tmpdir(), 'berth-up-env-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /** The spec as the CLI loads it (file and source, so problems carry their line), written in `dir`. */
  const load = (text: string) => {
    const r = parseSpec(text, 'berth.yaml');
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    projects.track(r.value!);
    return { spec: r.value!, options: { projectDir: dir, specFile: 'berth.yaml', ...(r.source ? { specSource: r.source } : {}), timeoutMs: 60_000 } satisfies UpOptions };
  };
  const app = `{ image: "${TEST_IMAGE}", command: ${JSON.stringify(TEST_HTTPD_COMMAND)}, stopGracePeriod: 2s }`;

  it("refuses a port's variable set to another port (the .env or the environment), its dry run too, as validate words it; the same port starts", async () => {
    const project = uniqueProject('berth-up-portenv');
    const port = await freePort();
    const { spec, options } = load(['berth: 1', `repo: { name: ${project} }`, 'services:', `  app:`, `    image: "${TEST_IMAGE}"`, `    command: ${JSON.stringify(TEST_HTTPD_COMMAND)}`, '    stopGracePeriod: 2s', `    ports: [{ host: ${port}, container: 8080, env: APP_PORT }]`, ''].join('\n'));
    writeFileSync(join(dir, '.env'), `# the port\nAPP_PORT=${port + 1}\n`);
    const said = `APP_PORT (set in .env) disagrees with the spec, which gives ${project}/app port ${port} (set APP_PORT=${port}, or register the port you use)`;
    for (const dryRun of [false, true]) {
      const err = await refusal(up(projects.engine(), spec, { ...options, env: {}, dryRun }));
      expect(err).toBeInstanceOf(BerthError);
      expect(err!.code).toBe('ERR_BERTH_SERVICES');
      expect(err!.problems.map(formatProblem)).toEqual([`.env:2:1: ${said}`]);
    }
    // set in the environment, which wins over .env: at the binding's env in the spec
    const fromEnv = await refusal(up(projects.engine(), spec, { ...options, env: { APP_PORT: String(port + 2) } }));
    expect(fromEnv!.problems.map(formatProblem)).toEqual([`berth.yaml:8:50: APP_PORT (set in the environment) disagrees with the spec, which gives ${project}/app port ${port} (set APP_PORT=${port}, or register the port you use)`]);
    // upAcrossEngines (what the CLI runs) refuses the same, once, before any engine is touched
    const set = await connectSpecEngines(spec, ['default'], { env: { DOCKER_HOST: projects.engine().endpoint } });
    try {
      const across = await refusal(upAcrossEngines(set, spec, { ...options, env: {} }));
      expect(across!.problems.map(formatProblem)).toEqual([`.env:2:1: ${said}`]);
    } finally {
      set.close();
    }
    expect((await leftovers(project)).containers).toEqual([]);

    writeFileSync(join(dir, '.env'), `APP_PORT=${port}\n`);
    const result = await up(projects.engine(), spec, { ...options, env: {}, wait: false });
    expect(result.plan.steps.map((s) => s.action)).toEqual(['create']);
    const [container] = (await leftovers(project)).containers;
    expect(container!.Ports.map((p) => p.PublicPort)).toContain(port);
  }, 90_000);

  it('refuses a variable required always that a service it starts uses, or one a profile that is on requires, unset or of the wrong type; one of a profile that is off, or one no started service uses, does not stop it', async () => {
    const project = uniqueProject('berth-up-required');
    const { spec, options } = load(
      [
        'berth: 1',
        `repo: { name: ${project} }`,
        'profiles: { preview: {} }',
        'services:',
        `  web: { image: "${TEST_IMAGE}", command: ${JSON.stringify(TEST_HTTPD_COMMAND)}, stopGracePeriod: 2s, environment: { DB: "\${APP_DB_URL}" } }`,
        `  preview: { image: "${TEST_IMAGE}", command: ${JSON.stringify(TEST_HTTPD_COMMAND)}, stopGracePeriod: 2s, profiles: [preview], environment: { TOKEN: "\${PREVIEW_TOKEN}" } }`,
        'env:',
        '  APP_DB_URL: { type: url, required: true }',
        '  PREVIEW_TOKEN: { secret: true, required: { profile: preview } }',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, '.env'), '');
    const missing = await refusal(up(projects.engine(), spec, { ...options, env: {} }));
    expect(missing!.code).toBe('ERR_BERTH_SERVICES');
    expect(missing!.problems.map(formatProblem)).toEqual(['berth.yaml:8:3: APP_DB_URL is required always but not set (set it in the environment or in .env)']);
    const secret = 'not-a-url-SECRET-9f3a';
    const wrong = await refusal(up(projects.engine(), spec, { ...options, env: { APP_DB_URL: secret }, dryRun: true }));
    expect(wrong!.problems.map(formatProblem)).toEqual(['berth.yaml:8:3: APP_DB_URL (set in the environment) is not a URL (expected scheme://host..., such as http://localhost:5000)']);
    expect(JSON.stringify(wrong!.problems)).not.toContain('SECRET');
    const good = { APP_DB_URL: 'postgres://db:5432/app' };
    // the profile on, by --profile, COMPOSE_PROFILES or naming its service: its variable is required
    for (const on of [{ profiles: ['preview'] }, { env: { ...good, COMPOSE_PROFILES: 'preview' } }, { services: ['preview'] }]) {
      const err = await refusal(up(projects.engine(), spec, { ...options, env: good, ...on }));
      expect(err!.problems.map(formatProblem)).toEqual(['berth.yaml:9:3: PREVIEW_TOKEN is required by profile preview but not set (set it in the environment or in .env)']);
    }
    expect((await leftovers(project)).containers).toEqual([]);
    // the profile off: up starts what it selects
    const result = await up(projects.engine(), spec, { ...options, env: good, wait: false });
    expect(result.services).toEqual(['web']);
    expect((await leftovers(project)).containers.map((c) => c.Labels['com.docker.compose.service'])).toEqual(['web']);
  }, 90_000);

  it('does not refuse a variable required always that no service it starts uses (one the host\'s own processes read): env check says that one', async () => {
    const project = uniqueProject('berth-up-unused');
    const { spec, options } = load(
      ['berth: 1', `repo: { name: ${project} }`, 'services:', `  cache: ${app}`, '  web: { runtime: host, command: ["true"] }', 'env:', '  SEARCH_URL: { type: url, required: true }', ''].join('\n'),
    );
    writeFileSync(join(dir, '.env'), '');
    const result = await up(projects.engine(), spec, { ...options, env: {}, wait: false, services: ['cache'] });
    expect(result.services).toEqual(['cache']);
    expect((await leftovers(project)).containers.map((c) => c.Labels['com.docker.compose.service'])).toEqual(['cache']);
  }, 90_000);
});

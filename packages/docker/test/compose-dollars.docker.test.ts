import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BerthError, parseSpec, type BerthSpec } from '@berth/spec';
import { dockerAvailable, dockerSkipReason, ensureTestImage, TEST_IMAGE, uniqueProject } from '@berth/docker/testing';
import { importCompose, logs, up, type Engine } from '@berth/docker';
import { cleanup, docker, engine, makeSpec } from './helpers.js';

/**
 * What the shell in the container sees: `$$` must reach it as `$` (Compose's escape), references
 * resolved from the environment and the `.env` beside the spec. The health test only passes when
 * the shell compared the right text, and the command prints what it expanded.
 */
const COMMAND = `sh -c 'echo "who=[$$WHO] dollar=[$$] price=[$$PRICE] greeting=[\${GREETING}]"; trap "exit 0" TERM; httpd -f -p 8080 -h /www & wait'`;
const SERVICE = {
  image: TEST_IMAGE,
  command: COMMAND,
  environment: { WHO: 'me', PRICE: 'cost $$5', GREETING: '${GREETING:-hello}' },
  healthcheck: { test: `test "$$PRICE" = 'cost $$5' && test "$$GREETING" = from-dotenv`, interval: '300ms', timeout: '2s', retries: 30 },
  stopGracePeriod: '2s',
};

async function printed(e: Engine, spec: BerthSpec): Promise<string[]> {
  const lines: string[] = [];
  await logs(e, spec, { env: {}, onLine: (l) => lines.push(l.line) });
  return lines;
}

describe.skipIf(!dockerAvailable())(`$$ and \${VAR} through a real container${dockerSkipReason()}`, () => {
  let e: Engine | undefined;
  const specs: BerthSpec[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'berth-dollars-'));
  beforeAll(async () => {
    e = await engine();
    await ensureTestImage();
    // the .env beside the spec: berth up reads it, as Compose reads the project's .env
    writeFileSync(join(dir, '.env'), 'GREETING=from-dotenv\n');
  });
  afterAll(async () => {
    for (const s of specs) await cleanup(e, s);
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the engine $ for $$ in command, environment and healthcheck of a spec written by hand', async () => {
    const spec = makeSpec(uniqueProject('berth-dollars'), { shell: SERVICE });
    specs.push(spec);
    await up(e!, spec, { env: {}, projectDir: dir, timeoutMs: 30_000 });
    const inspect = await docker.getContainer(`${spec.repo.name}-shell-1`).inspect();
    expect(inspect.Config.Env).toEqual(expect.arrayContaining(['WHO=me', 'PRICE=cost $5', 'GREETING=from-dotenv']));
    expect(inspect.Config.Healthcheck?.Test).toEqual(['CMD-SHELL', `test "$PRICE" = 'cost $5' && test "$GREETING" = from-dotenv`]);
    expect(inspect.State.Health?.Status).toBe('healthy');
    expect(await printed(e!, spec)).toContain('who=[me] dollar=[$] price=[cost $5] greeting=[from-dotenv]');
  }, 60_000);

  it('does the same for a Compose file imported into a spec, which keeps $$ and ${VAR} as written', async () => {
    const project = uniqueProject('berth-dollars-import');
    const compose = {
      name: project,
      services: {
        shell: {
          image: TEST_IMAGE,
          command: COMMAND,
          environment: SERVICE.environment,
          healthcheck: { test: SERVICE.healthcheck.test, interval: '300ms', timeout: '2s', retries: 30 },
          stop_grace_period: '2s',
        },
      },
    };
    writeFileSync(join(dir, 'compose.yaml'), JSON.stringify(compose));
    const imported = importCompose({ files: ['compose.yaml'], cwd: dir, env: {}, output: join(dir, 'berth.yaml') });
    expect(imported.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(imported.yaml).toContain('PRICE: cost $$5');
    expect(imported.yaml).toContain('GREETING: ${GREETING:-hello}');
    const spec = parseSpec(imported.yaml!, 'berth.yaml').value!;
    specs.push(spec);
    await up(e!, spec, { env: {}, projectDir: dir, timeoutMs: 30_000 });
    const inspect = await docker.getContainer(`${project}-shell-1`).inspect();
    expect(inspect.State.Health?.Status).toBe('healthy');
    expect(await printed(e!, spec)).toContain('who=[me] dollar=[$] price=[cost $5] greeting=[from-dotenv]');
  }, 60_000);

  it('refuses to create a service whose ${VAR:?message} is unset, naming the service and the field', async () => {
    const spec = makeSpec(uniqueProject('berth-dollars-req'), { app: { ...SERVICE, environment: { TOKEN: '${APP_TOKEN:?set APP_TOKEN in .env}' } } });
    specs.push(spec);
    const err = await up(e!, spec, { env: {}, projectDir: dir }).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(err).toBeInstanceOf(BerthError);
    expect((err as BerthError).code).toBe('ERR_BERTH_SERVICES');
    expect((err as BerthError).problems.map((p) => p.message)).toEqual(['service "app": environment.TOKEN: required variable APP_TOKEN is not set: set APP_TOKEN in .env']);
    expect(await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${spec.repo.name}`] } })).toEqual([]);
  });
});

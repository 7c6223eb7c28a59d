import { describe, expect, it } from 'vitest';
import { berthFailure } from '@berth/spec/testing';
import { dockerAvailable, dockerSkipReason, freePort, TEST_IMAGE } from '@berth/docker/testing';
import { up } from '@berth/docker';
import { docker, httpd, leftovers, projectsFor } from './helpers.js';

const failure = berthFailure;

/** Each container of a project by service, as the engine has it now. */
async function statesOf(project: string): Promise<Record<string, string>> {
  const { containers } = await leftovers(project);
  return Object.fromEntries(containers.map((c) => [c.Labels['com.docker.compose.service']!, c.State]));
}

describe.skipIf(!dockerAvailable())(`services that exit: crash loops, one-shot dependencies, last logs; ports of two starting services${dockerSkipReason()}`, () => {
  const { engine: current, spec } = projectsFor('berth-lifecycle');

  for (const restart of ['on-failure', 'always'] as const) {
    it(`fails a service that crash-loops under restart: ${restart}, with its exit code, instead of calling it running`, async () => {
      const s = spec({ crash: { image: TEST_IMAGE, command: "sh -c 'echo boom; exit 4'", restart } });
      const err = await failure(up(current(), s, { env: {}, timeoutMs: 20_000 }));
      expect(err.code).toBe('ERR_BERTH_SERVICE_FAILED');
      expect(err.message).toMatch(/^service "crash" exited (with code 4 at start|at start and was restarted by its restart policy)/);
    }, 30_000);
  }

  it('starts the dependants of a one-shot dependency that exits 0 (an init container), and up succeeds', async () => {
    const s = spec({ migrate: { image: TEST_IMAGE, command: "sh -c 'echo migrated'" }, web: httpd({ dependsOn: ['migrate'] }) });
    const phases: string[] = [];
    await up(current(), s, { env: {}, timeoutMs: 20_000, onEvent: (e) => (e.service === 'migrate' ? phases.push(e.phase) : undefined) });
    const states = await statesOf(s.repo.name);
    expect(states).toEqual({ migrate: 'exited', web: 'running' });
    // said as what it is at the end: done, not still running
    expect(phases.at(-1)).toBe('completed');
  }, 30_000);

  it('still fails a one-shot dependency that exits non-zero at start', async () => {
    const s = spec({ migrate: { image: TEST_IMAGE, command: "sh -c 'echo no database; exit 3'" }, web: httpd({ dependsOn: ['migrate'] }) });
    const err = await failure(up(current(), s, { env: {}, timeoutMs: 20_000 }));
    expect(err.message).toMatch(/^service "migrate" exited with code 3 at start; last log: no database$/);
  }, 30_000);

  it('quotes only the last run in "last log", not the runs before it', async () => {
    const s = spec({ init: { image: TEST_IMAGE, command: "sh -c 'echo failing init; exit 5'" } });
    const first = await failure(up(current(), s, { env: {}, timeoutMs: 20_000 }));
    expect(first.message).toBe('service "init" exited with code 5 at start; last log: failing init');
    // The second up starts the same container again: its log now holds both runs.
    const again = await failure(up(current(), s, { env: {}, timeoutMs: 20_000 }));
    expect(again.message).toBe('service "init" exited with code 5 at start; last log: failing init');
    const [c] = (await leftovers(s.repo.name)).containers;
    expect((await docker.getContainer(c!.Id).logs({ stdout: true, stderr: true })).toString()).toMatch(/failing init[\s\S]*failing init/);
  }, 40_000);

  it('refuses two selected services publishing one host port in the preflight, and creates nothing', async () => {
    const port = await freePort();
    const s = spec({ a: httpd({ ports: [{ host: port, container: 8080 }] }), b: httpd({ ports: [{ host: port, container: 8080 }] }) });
    const err = await failure(up(current(), s, { env: {}, timeoutMs: 20_000 }));
    expect(err.code).toBe('ERR_BERTH_PORTS');
    expect(err.problems.map((p) => p.message)).toEqual([`services "a" and "b" both publish host port ${port}/tcp`]);
    expect((await leftovers(s.repo.name)).containers).toEqual([]);
  }, 30_000);
});

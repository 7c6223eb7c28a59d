import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { BerthSpec } from '@berth/spec';

/** Debian's docker-compose (1.29), the export's judge; absent means those tests skip with this reason. */
export const dockerCompose = spawnSync('docker-compose', ['version'], { encoding: 'utf8' });
export const hasDockerCompose = dockerCompose.status === 0;
export const noDockerComposeReason = '(skipped: docker-compose is not installed; apt-get install docker-compose)';

/** Runs `docker-compose -f FILE config -q` on the text in a fresh directory (plus extra files, and variables); returns status and stderr. */
export function composeConfig(yaml: string, extraFiles: Record<string, string> = {}, env: Record<string, string> = {}): { status: number | null; stderr: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'berth-compose-export-'));
  writeFileSync(join(dir, 'docker-compose.yml'), yaml);
  for (const [name, text] of Object.entries(extraFiles)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const r = spawnSync('docker-compose', ['-f', join(dir, 'docker-compose.yml'), 'config', '-q'], { encoding: 'utf8', cwd: dir, env: { ...process.env, ...env, COMPOSE_PROJECT_NAME: 'berth-export-test' } });
  return { status: r.status, stderr: r.stderr, dir };
}

/** What a round trip must keep of each service: image, ports, profiles, dependencies, health, GPU, env, restart. */
export function essentials(spec: BerthSpec) {
  return Object.fromEntries(
    Object.entries(spec.services).map(([id, s]) => [
      id,
      {
        image: s.image,
        ports: s.ports?.map((p) => ({ ...p })),
        profiles: s.profiles,
        dependsOn: s.dependsOn,
        healthcheck: s.healthcheck,
        gpu: s.gpu ? { ...s.gpu, ...(s.gpu.count === undefined && !s.gpu.deviceIds ? { count: 'all' } : {}) } : undefined,
        environment: s.environment,
        restart: s.restart,
        runtime: s.runtime,
        checks: s.checks,
      },
    ]),
  );
}

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The unix socket tests talk to: DOCKER_HOST when it names one, else /var/run/docker.sock. */
export function dockerSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  const host = env['DOCKER_HOST'];
  if (host?.startsWith('unix://')) return host.slice('unix://'.length);
  return '/var/run/docker.sock';
}

const PING = `require('http').get({ socketPath: process.argv[1], path: '/_ping', timeout: 3000 }, (r) => {
  let b = ''; r.on('data', (c) => (b += c)); r.on('end', () => process.stdout.write(b));
}).on('error', () => process.exit(1)).on('timeout', () => process.exit(1));`;

let cached: { available: boolean; reason: string } | undefined;

function probe(env: NodeJS.ProcessEnv): { available: boolean; reason: string } {
  const socket = dockerSocketPath(env);
  if (!existsSync(socket)) return { available: false, reason: `no Docker engine at ${socket} (run .ci/setup.d/docker.sh)` };
  // A synchronous probe (a child node process) so it can feed `describe.skipIf` at collection time.
  const r = spawnSync(process.execPath, ['-e', PING, socket], { encoding: 'utf8', timeout: 5000 });
  if (r.status !== 0 || r.stdout.trim() !== 'OK') {
    return { available: false, reason: `Docker engine at ${socket} does not answer /_ping (run .ci/setup.d/docker.sh)` };
  }
  return { available: true, reason: '' };
}

/** True when a Docker engine answers on the local socket. Cached per process. */
export function dockerAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  cached ??= probe(env);
  return cached.available;
}

/** Why Docker tests are skipped, for the describe title: `(skipped: no Docker engine at ...)`. */
export function dockerSkipReason(env: NodeJS.ProcessEnv = process.env): string {
  cached ??= probe(env);
  return cached.available ? '' : ` (skipped: ${cached.reason})`;
}

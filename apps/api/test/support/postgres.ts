/**
 * A throwaway PostgreSQL cluster for tests: initdb into a temp dir, pg_ctl start on a free
 * loopback port, trust auth for one user, removed on stop. Debian's PostgreSQL (as CI
 * installs it); as root it runs the server as the `postgres` user, which initdb requires.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PgCluster {
  url: string;
  port: number;
  /** Restarts the server (fast shutdown: every connection is dropped), and waits until it takes connections again. */
  restart(): void;
  stop(): void;
}

function findBin(name: string): string | undefined {
  const which = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) return which.stdout.trim();
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  for (const v of readdirSync(base).sort().reverse()) if (existsSync(join(base, v, 'bin', name))) return join(base, v, 'bin', name);
  return undefined;
}

/** Why a cluster cannot start here, or undefined when it can. */
export function postgresUnavailableReason(): string | undefined {
  if (!findBin('initdb') || !findBin('pg_ctl')) return 'no PostgreSQL server binaries (initdb, pg_ctl); CI installs them via .ci/setup.d/postgres.sh';
  if (process.getuid?.() === 0 && spawnSync('id', ['postgres']).status !== 0) return 'running as root and there is no postgres user to run the server as';
  return undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function startPostgres(): Promise<PgCluster> {
  const initdb = findBin('initdb')!;
  const pgCtl = findBin('pg_ctl')!;
  const dir = mkdtempSync(join(tmpdir(), 'berth-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const run = (bin: string, args: string[]) => {
    const argv = asRoot ? ['-u', 'postgres', '--', bin, ...args] : args;
    return execFileSync(asRoot ? 'runuser' : bin, argv, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  };
  if (asRoot) {
    const { uid, gid } = { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) };
    chownSync(dir, uid, gid);
  }
  run(initdb, ['-D', data, '-U', 'berth', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  run(pgCtl, ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  let stopped = false;
  return {
    url: `postgres://berth@127.0.0.1:${port}/postgres`,
    port,
    restart() {
      run(pgCtl, ['-D', data, '-l', join(dir, 'log'), '-m', 'fast', '-w', '-t', '60', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'restart']);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

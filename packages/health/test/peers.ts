import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Finds a program: on PATH, or in the given folders (Debian keeps PostgreSQL's under /usr/lib/postgresql/N/bin). */
export function findProgram(name: string, folders: string[] = []): string | undefined {
  const which = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) return which.stdout.trim();
  return folders.map((f) => `${f}/${name}`).find((p) => existsSync(p));
}

export function postgresBinDir(): string | undefined {
  const initdb = findProgram('initdb', ['15', '16', '17', '14', '13'].map((v) => `/usr/lib/postgresql/${v}/bin`));
  if (!initdb) return undefined;
  try {
    return execFileSync('sh', ['-c', `dirname "$(readlink -f "${initdb}")"`], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

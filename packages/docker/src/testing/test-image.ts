import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import { dockerSocketPath } from './docker-available.js';

/** The local test image: static busybox with its applets; `httpd -f -p 8080 -h /www` serves /www/health. */
export const TEST_IMAGE = 'berth-test/busybox:1';
/** Applets the tests rely on (all of busybox's applets are linked). */
export const TEST_IMAGE_APPLETS = ['sh', 'httpd', 'wget', 'sleep', 'nc', 'cat', 'echo', 'true', 'false', 'ls'] as const;

const BUSYBOX_CANDIDATES = ['/bin/busybox', '/usr/bin/busybox'];
const LOCK = path.join(tmpdir(), 'berth-test-image.lock');

async function hasImage(docker: Dockerode): Promise<boolean> {
  try {
    await docker.getImage(TEST_IMAGE).inspect();
    return true;
  } catch {
    return false;
  }
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}: ${err.trim()}`))));
  });
}

async function buildRootfs(busybox: string): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'berth-test-rootfs-'));
  for (const dir of ['bin', 'www', 'tmp', 'etc', 'data']) await mkdir(path.join(root, dir), { recursive: true });
  await run('cp', [busybox, path.join(root, 'bin/busybox')]);
  const applets = (await run(busybox, ['--list'])).split('\n').map((s) => s.trim()).filter((s) => s && s !== 'busybox');
  for (const applet of applets) await symlink('busybox', path.join(root, 'bin', applet));
  await writeFile(path.join(root, 'www/health'), 'ok\n');
  await writeFile(path.join(root, 'www/index.html'), '<h1>berth test</h1>\n');
  await writeFile(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n');
  await writeFile(path.join(root, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  return root;
}

async function importRootfs(docker: Dockerode, root: string): Promise<void> {
  const tar = spawn('tar', ['-c', '-C', root, '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [repo, tag] = TEST_IMAGE.split(':') as [string, string];
  const stream = (await docker.importImage(tar.stdout, {
    repo,
    tag,
    changes: ['ENV PATH=/bin', 'CMD ["/bin/sh"]', 'LABEL dev.berth.test-image=1'],
  } as object)) as NodeJS.ReadableStream;
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (err: Error | null, events: { error?: string }[]) => {
      const failed = events?.find((e) => e.error);
      if (err || failed) reject(err ?? new Error(failed?.error));
      else resolve();
    });
  });
}

/** An exclusive lock across processes (O_EXCL file); a lock older than two minutes is stale. */
async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      const handle = await open(LOCK, 'wx');
      await handle.close();
      break;
    } catch {
      const age = await stat(LOCK).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > 120_000) await rm(LOCK, { force: true });
      if (i > 1200) throw new Error(`test image lock ${LOCK} held for too long`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(LOCK, { force: true });
  }
}

/**
 * Builds `berth-test/busybox:1` once (idempotent, safe when several test processes ask at once)
 * and returns its tag. Needs a static busybox on the host (Debian's busybox-static). Test code may
 * use dockerode (a full client, for setting up what berth then finds); berth itself does not.
 */
export async function ensureTestImage(docker: Dockerode = new Dockerode({ socketPath: dockerSocketPath() })): Promise<string> {
  if (await hasImage(docker)) return TEST_IMAGE;
  const busybox = BUSYBOX_CANDIDATES.find((p) => existsSync(p));
  if (!busybox) throw new Error('no static busybox on this host (install busybox-static, see .ci/setup.d/docker.sh)');
  return withLock(async () => {
    if (await hasImage(docker)) return TEST_IMAGE;
    const root = await buildRootfs(busybox);
    try {
      await importRootfs(docker, root);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
    return TEST_IMAGE;
  });
}

/** Serves /www (with /www/health) on 8080 and exits at once on SIGTERM (a bare httpd as PID 1 ignores it). */
export const TEST_HTTPD_COMMAND = `sh -c 'trap "exit 0" TERM INT; httpd -f -p 8080 -h /www & wait'`;
/** A health check for TEST_HTTPD_COMMAND, with short intervals. */
export const TEST_HTTPD_HEALTHCHECK = { test: 'wget -q -O /dev/null http://127.0.0.1:8080/health', interval: '300ms', timeout: '2s', retries: 30 } as const;

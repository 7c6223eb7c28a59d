import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { BerthError } from '../problem.js';
import { lockFileFor, namedLockFile, withFileLock, withNamedLock } from './file-lock.js';
import { scratchDirs } from './scratch-dirs.test-helpers.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const CHILD = join(root, 'packages/spec/test/support/lock-child.ts');
/** The lock child's TypeScript sources bundled once with esbuild: each of the tests' many children starts as plain Node. */
const bundled = mkdtempSync(join(tmpdir(), 'berth-lock-child-'));
const CHILD_JS = join(bundled, 'lock-child.mjs');
beforeAll(() => build({ entryPoints: [CHILD], outfile: CHILD_JS, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'error' }));
afterAll(() => rmSync(bundled, { recursive: true, force: true }));

/** The lock child as a real process. */
function child(args: string[]): ChildProcess {
  return spawn(process.execPath, [CHILD_JS, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

const exited = (c: ChildProcess) => new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
  let stderr = '';
  c.stderr?.on('data', (d) => (stderr += d));
  c.on('exit', (code, signal) => resolve({ code, signal, stderr }));
});

const printed = (c: ChildProcess, text: string) => new Promise<void>((resolve, reject) => {
  let out = '';
  c.stdout?.on('data', (d) => {
    out += d;
    if (out.includes(text)) resolve();
  });
  c.on('exit', (code) => reject(new Error(`the child exited (${code}) before printing ${text}`)));
});

/** Every "enter" is followed by the same process's "leave" before anyone else enters. */
function neverOverlapped(log: string): boolean {
  const lines = log.trim().split('\n');
  for (let i = 0; i < lines.length; i += 2) {
    const [a, pa] = lines[i]!.split(' ');
    const [b, pb] = (lines[i + 1] ?? '').split(' ');
    if (a !== 'enter' || b !== 'leave' || pa !== pb) return false;
  }
  return true;
}

describe('withFileLock across processes', () => {
  const dirs: string[] = [];
  const running: ChildProcess[] = [];
  const scratch = () => {
    const d = mkdtempSync(join(tmpdir(), 'berth-lock-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const c of running.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  const contenders = async (dir: string, n: number) => {
    const target = join(dir, 'ports.yaml');
    const counter = join(dir, 'counter');
    const log = join(dir, 'log');
    if (!existsSync(counter)) writeFileSync(counter, '0');
    const results = await Promise.all(Array.from({ length: n }, () => exited(child(['contend', target, counter, log]))));
    return { results, count: Number(readFileSync(counter, 'utf8')), log: readFileSync(log, 'utf8') };
  };

  it('ten processes contending for one file each get it in turn: no update lost, no overlap, nothing left behind', async () => {
    const dir = scratch();
    const { results, count, log } = await contenders(dir, 10);
    expect(results.map((r) => r.code)).toEqual(Array(10).fill(0));
    expect(count).toBe(10);
    expect(neverOverlapped(log)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['counter', 'log']);
  }, 90_000);

  it('a holder killed with SIGKILL leaves a stale lock that the next taker takes over', async () => {
    const dir = scratch();
    const target = join(dir, 'ports.yaml');
    const holder = child(['hold', target]);
    running.push(holder);
    await printed(holder, 'held');
    const lock = JSON.parse(readFileSync(lockFileFor(target), 'utf8'));
    expect(lock).toMatchObject({ pid: holder.pid, purpose: 'holding it for a test' });
    holder.kill('SIGKILL');
    await exited(holder);
    expect(existsSync(lockFileFor(target))).toBe(true);

    const started = Date.now();
    const inside = await withFileLock(target, () => JSON.parse(readFileSync(lockFileFor(target), 'utf8')).pid as number, { timeoutMs: 5_000 });
    expect(inside).toBe(process.pid);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(readdirSync(dir)).toEqual([]);
  }, 60_000);

  it('ten processes finding one stale lock: exactly one takes it over at a time, every update lands', async () => {
    const dir = scratch();
    const target = join(dir, 'ports.yaml');
    const holder = child(['hold', target]);
    running.push(holder);
    await printed(holder, 'held');
    holder.kill('SIGKILL');
    await exited(holder);
    const { results, count, log } = await contenders(dir, 10);
    expect(results.map((r) => r.code)).toEqual(Array(10).fill(0));
    expect(count).toBe(10);
    expect(neverOverlapped(log)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['counter', 'log']);
  }, 90_000);

  it('gives up after the timeout with ERR_BERTH_LOCKED naming the holder: pid, command, since when, and a hint', async () => {
    const dir = scratch();
    const target = join(dir, 'ports.yaml');
    const holder = child(['hold', target]);
    running.push(holder);
    await printed(holder, 'held');
    const started = Date.now();
    const err = await withFileLock(target, () => 'never', { timeoutMs: 400, display: 'ports.yaml' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(err).toBeInstanceOf(BerthError);
    const e = err as BerthError;
    expect(e.code).toBe('ERR_BERTH_LOCKED');
    expect(e.message).toMatch(new RegExp(`^ports\\.yaml is locked by pid ${holder.pid} \\("lock-child hold .*ports\\.yaml", holding it for a test, since \\d{4}-\\d\\d-\\d\\dT[^ ]+ \\((\\d+ ms|\\d+(\\.\\d)? s) ago\\)\\); waited 400 ms$`));
    expect(e.hint).toContain(`kill ${holder.pid}`);
  }, 60_000);

  it('stops waiting at once when the signal aborts', async () => {
    const dir = scratch();
    const target = join(dir, 'ports.yaml');
    const holder = child(['hold', target]);
    running.push(holder);
    await printed(holder, 'held');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    await expect(withFileLock(target, () => 'never', { timeoutMs: 10_000, signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(1_000);
  }, 60_000);
});

describe('withFileLock in one process', () => {
  const scratch = scratchDirs('berth-lock-');

  it('serialises concurrent callers and is re-entrant within one call chain', async () => {
    const target = join(scratch(), 'page.md');
    const order: string[] = [];
    const task = (name: string) =>
      withFileLock(target, async () => {
        order.push(`${name}+`);
        await withFileLock(target, () => order.push(`${name} nested`));
        await new Promise((r) => setTimeout(r, 20));
        order.push(`${name}-`);
      });
    await Promise.all([task('a'), task('b'), task('c')]);
    for (let i = 0; i < order.length; i += 3) {
      const name = order[i]!.slice(0, 1);
      expect(order.slice(i, i + 3)).toEqual([`${name}+`, `${name} nested`, `${name}-`]);
    }
    expect(order).toHaveLength(9);
    expect(existsSync(lockFileFor(target))).toBe(false);
  });

  it('releases the lock when fn throws, and passes the error on', async () => {
    const target = join(scratch(), 'page.md');
    await expect(withFileLock(target, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(existsSync(lockFileFor(target))).toBe(false);
  });

  it('calls onLocked once the lock is held and before fn runs; what it throws ends the run with the lock released', async () => {
    const target = join(scratch(), 'ports.yaml');
    const order: string[] = [];
    await withFileLock(target, () => void order.push(`fn ${existsSync(lockFileFor(target))}`), { onLocked: () => void order.push(`locked ${existsSync(lockFileFor(target))}`) });
    expect(order).toEqual(['locked true', 'fn true']);
    let ran = false;
    const refused = withFileLock(target, () => void (ran = true), {
      onLocked: () => {
        throw new BerthError('ERR_BERTH_USAGE', 'interrupted while waiting');
      },
    });
    await expect(refused).rejects.toThrow('interrupted while waiting');
    expect(ran).toBe(false);
    expect(existsSync(lockFileFor(target))).toBe(false);
  });

  it('never takes over a lock held on another host', async () => {
    const target = join(scratch(), 'ports.yaml');
    writeFileSync(lockFileFor(target), JSON.stringify({ pid: 1, hostname: 'build-box-7', since: new Date().toISOString(), command: 'berth up', nonce: 'x' }));
    await expect(withFileLock(target, () => 'never', { timeoutMs: 200 })).rejects.toMatchObject({ code: 'ERR_BERTH_LOCKED', message: expect.stringContaining('pid 1 on host build-box-7 ("berth up"') });
  });

  it('records its PID namespace and the boot id, so a berth in a container with this host\'s name is not judged by a pid of this one', async () => {
    const target = join(scratch(), 'ports.yaml');
    const seen = await withFileLock(target, () => JSON.parse(readFileSync(lockFileFor(target), 'utf8')));
    expect(seen).toMatchObject({ pid: process.pid, hostname: hostname(), pidNamespace: readlinkSync('/proc/self/ns/pid'), bootId: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() });
  });

  it('never takes over a lock held in another PID namespace of this host, though its pid is not alive here', async () => {
    const target = join(scratch(), 'ports.yaml');
    const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    writeFileSync(lockFileFor(target), JSON.stringify({ pid: 999_999, hostname: hostname(), since: new Date().toISOString(), command: 'berth ports register', nonce: 'x', pidNamespace: 'pid:[1]', bootId }));
    await expect(withFileLock(target, () => 'never', { timeoutMs: 200 })).rejects.toMatchObject({
      code: 'ERR_BERTH_LOCKED',
      message: expect.stringContaining('locked by pid 999999 in another PID namespace (a container) ("berth ports register"'),
      hint: expect.stringContaining('a lock held on another host or in a container is never taken over; if nothing runs there any more, remove'),
    });
    // the same lock from before this host booted: its holder is gone, whatever namespace it ran in
    writeFileSync(lockFileFor(target), JSON.stringify({ pid: 999_999, hostname: hostname(), since: new Date().toISOString(), command: 'berth ports register', nonce: 'x', pidNamespace: 'pid:[1]', bootId: 'another-boot' }));
    await expect(withFileLock(target, () => 'mine', { timeoutMs: 2_000 })).resolves.toBe('mine');
  });

  // `unshare --pid` gives the holder a PID namespace of its own under this host's name: a `docker run --network host`
  // container, the bundled example's devcontainer. Its pid (1 or 2 there) is another process, or none, out here.
  const unshare = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true']).status === 0;
  it.skipIf(!unshare)(`a real holder in its own PID namespace keeps its lock, alive or killed: never judged by a pid of this namespace${unshare ? '' : ' (skipped: `unshare --pid --fork --mount-proc` is not allowed here; CI runs it as root)'}`, async () => {
    const target = join(scratch(), 'ports.yaml');
    // --kill-child: the holder dies with unshare (as PID 1 of its namespace it ignores a plain SIGTERM)
    const holder = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', process.execPath, CHILD_JS, 'hold', target], { stdio: ['ignore', 'pipe', 'pipe'] });
    const ended = exited(holder);
    try {
      await printed(holder, 'held');
    } finally {
      if (holder.exitCode === null) setTimeout(() => holder.kill('SIGKILL'), 20_000).unref();
    }
    const held = JSON.parse(readFileSync(lockFileFor(target), 'utf8'));
    expect(held.pid).toBeLessThan(10); // a pid of the new namespace: another process, or none, out here
    expect(held.pidNamespace).not.toBe(readlinkSync('/proc/self/ns/pid'));
    await expect(withFileLock(target, () => 'taken over', { timeoutMs: 600 })).rejects.toMatchObject({ code: 'ERR_BERTH_LOCKED', message: expect.stringContaining(`locked by pid ${held.pid} in another PID namespace (a container)`) });
    holder.kill('SIGKILL');
    await ended;
    // killed, it could not let go: from here its lock cannot be told from a live one, and is left to whoever removes it
    await expect(withFileLock(target, () => 'taken over', { timeoutMs: 600 })).rejects.toMatchObject({ code: 'ERR_BERTH_LOCKED' });
    rmSync(lockFileFor(target));
    await expect(withFileLock(target, () => 'mine', { timeoutMs: 2_000 })).resolves.toBe('mine');
  }, 30_000);

  it('takes over a lock file that never said who holds it once it is old, not while it is fresh', async () => {
    const target = join(scratch(), 'ports.yaml');
    writeFileSync(lockFileFor(target), '');
    await expect(withFileLock(target, () => 'never', { timeoutMs: 200 })).rejects.toMatchObject({ code: 'ERR_BERTH_LOCKED' });
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockFileFor(target), old, old);
    await expect(withFileLock(target, () => 'mine', { timeoutMs: 2_000 })).resolves.toBe('mine');
  });

  it('withNamedLock keeps its lock files in the per-user runtime directory, one per name', async () => {
    const runtime = scratch();
    const env = { XDG_RUNTIME_DIR: runtime };
    const a = namedLockFile('project shop on unix:///var/run/docker.sock', env);
    const b = namedLockFile('project shop on tcp://10.0.0.2:2375', env);
    expect(a).not.toBe(b);
    expect(a.startsWith(join(runtime, 'berth', 'locks'))).toBe(true);
    const seen = await withNamedLock('project shop on unix:///var/run/docker.sock', () => existsSync(a), { env });
    expect(seen).toBe(true);
    expect(existsSync(a)).toBe(false);
  });
});

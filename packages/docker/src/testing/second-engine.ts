import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { withNamedLock } from '@berth/spec';
import { dockerSocketPath } from './docker-available.js';
import { freePort } from './free-port.js';

/**
 * A dockerd of a test's own, beside the shared one: its own data, exec root, pidfile and unix socket
 * under a temp dir, its own bridge and no iptables, so it fights the shared engine over neither docker0
 * nor the firewall. (`--bridge=none` would not do: a dockerd with its bridge disabled deletes the host's
 * `docker0` at start, and with it every default-bridge container's network of the shared engine.) A test
 * may freeze it (SIGSTOP), stop it, point berth at it through `env`: never the shared engine, which other
 * sessions use.
 */
export interface SecondEngine extends AsyncDisposable {
  /** `unix:///tmp/berth-engine-.../docker.sock` */
  endpoint: string;
  socketPath: string;
  /** dockerd's PID. */
  pid: number;
  /** `DOCKER_HOST` pointing at it, for berth or any docker client. */
  env: { DOCKER_HOST: string };
  /** Runs the docker CLI against it; resolves with stdout, rejects with stderr. */
  docker(args: string[]): Promise<string>;
  /**
   * SIGSTOP: the engine takes connections and answers nothing, as a hung daemon would. Resolves once
   * every thread of dockerd is stopped (a signal lands a moment after it is sent, later on a loaded machine).
   */
  freeze(): Promise<void>;
  /** SIGCONT. Safe to call when not frozen; call it in `finally`. */
  thaw(): void;
  /**
   * SIGKILL: dockerd dies mid-call, as a crashed daemon would, and its connections reset. Resolves once it has
   * exited. Its containerd, shims and containers live on until `stop()` ends them.
   */
  kill(): Promise<void>;
  /** Whether it was made a single-node swarm. */
  swarm: boolean;
  /** Stops dockerd (and its containers, leaving its swarm first), unmounts what it left and removes its directory. */
  stop(): Promise<void>;
}

export interface SecondEngineOptions {
  /** Images of the shared engine to copy in (`docker save | docker -H ... load`). */
  images?: string[];
  /** More dockerd arguments (another `-H tcp://...`, TLS flags, ...). */
  args?: string[];
  /** How long dockerd may take to answer its first ping (default 30 s). */
  startTimeoutMs?: number;
  /**
   * Make it a single-node swarm (`docker swarm init --advertise-addr 127.0.0.1`, on a cluster port and
   * a data-path port of its own); `stop()` leaves the swarm first. Never done to the shared engine.
   */
  swarm?: boolean;
}

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;

/** Why a second engine cannot start here ('' when it can): it needs root, dockerd and the docker CLI. */
export function secondEngineSkipReason(): string {
  if (process.platform !== 'linux') return 'a second dockerd needs Linux';
  if (process.getuid?.() !== 0) return 'a second dockerd needs root';
  if (!has('dockerd')) return 'no dockerd on PATH (run .ci/setup.d/docker.sh)';
  if (!has('docker')) return 'no docker CLI on PATH';
  if (!has('ip')) return 'no ip command (iproute2) for the second engine\'s bridge';
  return '';
}

function run(cmd: string, args: string[], input?: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    if (input) input.pipe(child.stdin!);
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.trim()}`))));
  });
}

/** The Linux bridge of each bridge network of the engine at ENDPOINT: the name it was given, else br-<id's first 12>. */
async function bridgesOfEngine(endpoint: string): Promise<string[]> {
  const ids = (await run('docker', ['-H', endpoint, 'network', 'ls', '-q', '--no-trunc', '--filter', 'driver=bridge'])).split('\n').filter(Boolean);
  if (!ids.length) return [];
  const names = await run('docker', ['-H', endpoint, 'network', 'inspect', '-f', '{{.Id}} {{index .Options "com.docker.network.bridge.name"}}', ...ids]);
  return names
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id = '', name = ''] = [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)];
      return name && name !== '<no value>' ? name : `br-${id.slice(0, 12)}`;
    });
}

function pingOnce(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath, path: '/_ping', timeout: 1000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => (clearTimeout(timer), resolve(true)));
  });
}

/** Until every thread of `pid` is in the stopped state (T), at most 5 s. */
async function allThreadsStopped(pid: number): Promise<void> {
  const until = Date.now() + 5_000;
  while (Date.now() < until) {
    const tasks = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
    const states = await Promise.all(tasks.map((t) => readFile(`/proc/${pid}/task/${t}/stat`, 'utf8').then((st) => st.slice(st.lastIndexOf(')') + 2, st.lastIndexOf(')') + 3), () => 'T')));
    if (states.every((state) => state === 'T' || state === 't')) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`dockerd (pid ${pid}) did not stop within 5 s of SIGSTOP`);
}

/**
 * Ends what a killed dockerd left running: every process whose command line names `dir` (its containerd, the
 * containers' shims) and everything under them (the containers' processes), deepest first. Nothing else.
 */
async function killOrphans(dir: string): Promise<void> {
  const procs = await Promise.all(
    (await readdir('/proc').catch(() => [] as string[]))
      .filter((p) => /^\d+$/.test(p))
      .map(async (p) => {
        const cmd = await readFile(`/proc/${p}/cmdline`, 'utf8').catch(() => '');
        const stat = await readFile(`/proc/${p}/stat`, 'utf8').catch(() => '');
        return { pid: Number(p), ppid: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]), ours: cmd.includes(`${dir}/`) };
      }),
  );
  const doomed = new Set(procs.filter((p) => p.ours && p.pid !== process.pid).map((p) => p.pid));
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs) {
      if (doomed.has(p.pid) || !doomed.has(p.ppid)) continue;
      doomed.add(p.pid);
      grew = true;
    }
  }
  for (const pid of [...doomed].reverse()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  const until = Date.now() + 5_000;
  while ([...doomed].some((pid) => existsSync(`/proc/${pid}`)) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
}

/** Mount points dockerd left under `dir` (its netns, overlay mounts), deepest first. */
async function mountsUnder(dir: string): Promise<string[]> {
  const table = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  return table
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((m) => m.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

/** How long a swarm engine waits for the test swarms ahead of it (a few minutes each at most). */
export const SWARM_TURN_TIMEOUT_MS = 10 * 60_000;

/**
 * Two swarm-mode dockerds on one host break each other's overlay networking (a task stops reaching another by
 * name, on either engine), whatever cluster ports, data-path ports and address pools they are given. So a swarm
 * engine runs under a lock of the whole host, from before it starts until it has stopped: the test swarms of
 * parallel test files, of concurrent runs of the suite and of other checkouts take turns. A holder that dies
 * releases it. Resolves with the release.
 */
function swarmTurn(): Promise<() => Promise<void>> {
  return new Promise((acquired, failed) => {
    const held: Promise<void> = withNamedLock('berth test swarm engine', () => new Promise<void>((release) => acquired(() => (release(), held))), {
      timeoutMs: SWARM_TURN_TIMEOUT_MS,
      purpose: 'a swarm-mode test engine',
    });
    held.catch(failed);
  });
}

/**
 * Starts a second dockerd and waits until it answers. Stop it with `stop()` (or `await using`). A swarm engine
 * first waits for its turn (see swarmTurn): a test making one gives its hook SWARM_TURN_TIMEOUT_MS more.
 */
export async function startSecondEngine(options: SecondEngineOptions = {}): Promise<SecondEngine> {
  const skip = secondEngineSkipReason();
  if (skip) throw new Error(skip);
  const endTurn = options.swarm ? await swarmTurn() : async () => undefined;
  const dir = await mkdtemp(path.join(tmpdir(), 'berth-engine-')).catch(async (err: unknown) => {
    await endTurn();
    throw err;
  });
  const socketPath = path.join(dir, 'docker.sock');
  const endpoint = `unix://${socketPath}`;
  const id = randomBytes(4).toString('hex');
  // A bridge of its own (a name of at most 15 characters); dockerd gives it a subnet no route uses yet.
  const bridge = `bt${id}`;
  await run('ip', ['link', 'add', 'name', bridge, 'type', 'bridge']).catch(async (err: unknown) => {
    await rm(dir, { recursive: true, force: true });
    await endTurn();
    throw err;
  });
  await writeFile(path.join(dir, 'daemon.json'), '{}\n');
  const log = openSync(path.join(dir, 'dockerd.log'), 'a');
  const child = spawn(
    'dockerd',
    [
      '--config-file', path.join(dir, 'daemon.json'),
      '--data-root', path.join(dir, 'data'),
      '--exec-root', path.join(dir, 'exec'),
      '--pidfile', path.join(dir, 'docker.pid'),
      '-H', endpoint,
      '--bridge', bridge, '--iptables=false', '--ip6tables=false', '--ip-masq=false',
      '--containerd-namespace', `berth-test-${id}`,
      '--containerd-plugins-namespace', `berth-test-${id}-plugins`,
      ...(options.args ?? []),
    ],
    { stdio: ['ignore', log, log] },
  );
  closeSync(log);
  let frozen = false;
  let killed = false;
  // The bridges of the networks made in this engine: dockerd leaves them up when it stops (or is killed), and with
  // the data root gone nobody removes them, so each holds a subnet of the default pools until none is left for the
  // next engine ("no available network"). Noted while it still answers, removed once it has stopped.
  const networkBridges = new Set<string>();
  const noteBridges = async () => {
    if (frozen || child.exitCode !== null || child.signalCode !== null) return;
    for (const name of await bridgesOfEngine(endpoint).catch(() => [])) if (name !== bridge) networkBridges.add(name);
  };
  const engine: SecondEngine = {
    endpoint,
    socketPath,
    pid: child.pid!,
    env: { DOCKER_HOST: endpoint },
    docker: (args) => run('docker', ['-H', endpoint, ...args]),
    async freeze() {
      if (child.exitCode !== null) return;
      await noteBridges();
      process.kill(child.pid!, 'SIGSTOP');
      frozen = true;
      await allThreadsStopped(child.pid!);
    },
    thaw() {
      if (frozen && child.exitCode === null) process.kill(child.pid!, 'SIGCONT');
      frozen = false;
    },
    async kill() {
      await noteBridges();
      engine.thaw();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited(child, 5_000);
      killed = true;
    },
    swarm: false,
    async stop() {
      await noteBridges();
      engine.thaw();
      if (engine.swarm && child.exitCode === null) await engine.docker(['swarm', 'leave', '--force']).catch(() => undefined);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        if (!(await exited(child, 20_000))) {
          child.kill('SIGKILL');
          await exited(child, 5_000);
        }
      }
      if (killed) await killOrphans(dir);
      for (const mount of await mountsUnder(dir)) spawnSync('umount', ['-l', mount]);
      spawnSync('ip', ['link', 'del', bridge]);
      // a name the shared engine also has (its docker_gwbridge, were it a swarm manager) is the shared engine's
      const shared = new Set(await bridgesOfEngine(`unix://${dockerSocketPath()}`).catch(() => []));
      for (const name of networkBridges) if (!shared.has(name)) spawnSync('ip', ['link', 'del', name]);
      await rm(dir, { recursive: true, force: true });
      await endTurn();
    },
    [Symbol.asyncDispose]: () => engine.stop(),
  };
  try {
    const until = Date.now() + (options.startTimeoutMs ?? 30_000);
    while (!(await pingOnce(socketPath))) {
      if (child.exitCode !== null) throw new Error(`dockerd exited ${child.exitCode}: ${(await readFile(path.join(dir, 'dockerd.log'), 'utf8')).slice(-2000)}`);
      if (Date.now() > until) throw new Error(`the second dockerd did not answer within ${options.startTimeoutMs ?? 30_000} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const image of options.images ?? []) {
      const save = spawn('docker', ['-H', `unix://${dockerSocketPath()}`, 'save', image], { stdio: ['ignore', 'pipe', 'inherit'] });
      await run('docker', ['-H', endpoint, 'load'], save.stdout);
    }
    if (options.swarm) {
      const [cluster, dataPath] = [await freePort('tcp'), await freePort('udp')];
      await engine.docker(['swarm', 'init', '--advertise-addr', '127.0.0.1', '--listen-addr', `127.0.0.1:${cluster}`, '--data-path-port', String(dataPath)]);
      engine.swarm = true;
    }
  } catch (err) {
    await engine.stop();
    throw err;
  }
  return engine;
}

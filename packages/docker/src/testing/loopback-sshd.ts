import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { freePort } from './free-port.js';
import { tmpdir } from 'node:os';
import path from 'node:path';

const SSHD = '/usr/sbin/sshd';

/**
 * Why the loopback sshd cannot run here ('' when it can). Outside CI a missing sshd skips the ssh
 * tests with this reason; in CI (`CI` set) it is never a reason to skip: .ci/setup.d/sshd.sh installs it.
 */
export function sshdSkipReason(env: NodeJS.ProcessEnv = process.env): string {
  if (env['CI']) return '';
  if (process.platform !== 'linux') return 'the loopback sshd needs Linux';
  if (!existsSync(SSHD)) return `no ${SSHD} (install openssh-server: .ci/setup.d/sshd.sh)`;
  if (spawnSync('sh', ['-c', 'command -v ssh && command -v ssh-keygen'], { encoding: 'utf8' }).status !== 0) return 'no ssh or ssh-keygen on PATH (install openssh-client)';
  return '';
}

/** A real sshd on a loopback port of the test's own, with its own host key and config, accepting one key made for the test. */
export interface LoopbackSshd extends AsyncDisposable {
  port: number;
  /** A second port on which the remote shell finds no docker CLI (its PATH is empty of it). */
  portWithoutDocker: number;
  /** The user ssh logs in as (the one running the tests). */
  user: string;
  /** The folder holding the keys and configs. */
  dir: string;
  /**
   * An ssh command line for berth (`BERTH_SSH_COMMAND`): the real ssh client with a config of the
   * test's own (known hosts, and the accepted key unless `key: 'refused'`, a key sshd does not accept).
   */
  sshCommand(key?: 'accepted' | 'refused' | 'agent'): string;
  /** Starts an ssh-agent holding the accepted key; its SSH_AUTH_SOCK. Stopped with the sshd. */
  agent(): Promise<string>;
  stop(): Promise<void>;
}

function run(cmd: string, args: string[], env?: NodeJS.ProcessEnv): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...(env ? { env } : {}) });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}


async function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('data', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    setTimeout(() => (s.destroy(), resolve(false)), 1000).unref();
  });
}

/** Starts sshd (`sshd -D -e -f CONFIG`) on two free loopback ports and waits until it greets. */
export async function startLoopbackSshd(): Promise<LoopbackSshd> {
  const dir = await mkdtemp(path.join(tmpdir(), 'berth-sshd-'));
  const user = run('id', ['-un']).trim();
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'berth test host', '-f', path.join(dir, 'host_key')]);
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'berth test accepted', '-f', path.join(dir, 'accepted')]);
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'berth test refused', '-f', path.join(dir, 'refused')]);
  await writeFile(path.join(dir, 'authorized_keys'), await readFile(path.join(dir, 'accepted.pub')));
  const [port, portWithoutDocker] = [await freePort(), await freePort()];
  await writeFile(
    path.join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      `Port ${portWithoutDocker}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${path.join(dir, 'host_key')}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      `Match LocalPort ${portWithoutDocker}`,
      '  SetEnv PATH=/nonexistent',
      '',
    ].join('\n'),
  );
  const hostKey = (await readFile(path.join(dir, 'host_key.pub'), 'utf8')).trim();
  await writeFile(path.join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostKey}\n[127.0.0.1]:${portWithoutDocker} ${hostKey}\n`);
  const config = (key: string) =>
    ['Host *', `  UserKnownHostsFile ${path.join(dir, 'known_hosts')}`, '  StrictHostKeyChecking yes', ...(key === 'agent' ? [] : ['  IdentitiesOnly yes', `  IdentityFile ${path.join(dir, key)}`, '  IdentityAgent none']), ''].join('\n');
  for (const key of ['accepted', 'refused', 'agent']) await writeFile(path.join(dir, `ssh_config_${key}`), config(key));
  mkdirSync('/run/sshd', { recursive: true }); // sshd's privilege separation directory
  const child = spawn(SSHD, ['-D', '-e', '-f', path.join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (c: Buffer) => (log = (log + c.toString()).slice(-4000)));
  const agents: ChildProcess[] = [];
  const stop = async () => {
    for (const a of agents) a.kill();
    if (child.exitCode === null) {
      child.kill();
      await new Promise((r) => child.once('exit', r));
    }
    await rm(dir, { recursive: true, force: true });
  };
  const until = Date.now() + 15_000;
  while (!(await answers(port))) {
    if (child.exitCode !== null || Date.now() > until) {
      await stop();
      throw new Error(`sshd did not start: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    portWithoutDocker,
    user,
    dir,
    sshCommand: (key = 'accepted') => `ssh -F ${path.join(dir, `ssh_config_${key}`)}`,
    async agent() {
      const socket = path.join(dir, `agent-${agents.length}.sock`);
      const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
      agents.push(agent);
      for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 20));
      run('ssh-add', ['-q', path.join(dir, 'accepted')], { ...process.env, SSH_AUTH_SOCK: socket });
      return socket;
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

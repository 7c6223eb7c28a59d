import { spawn, type ChildProcess } from 'node:child_process';
import { Duplex } from 'node:stream';
import { BerthError, engineHostProblem, signalChild, type BerthErrorCode } from '@berth/spec';

/** Where an `ssh://[user@]host[:port][/path/to/docker.sock]` engine is, as the docker CLI reads the URL. */
export interface SshTarget {
  host: string;
  user?: string;
  port?: string;
  /** The engine's socket on the remote, when the URL names one (else the remote docker CLI's default). */
  socketPath?: string;
  /** The ssh command and its own options (default `ssh`; `BERTH_SSH_COMMAND` overrides it, as GIT_SSH_COMMAND does for git). */
  command: string[];
  /** The environment ssh runs in: SSH_AUTH_SOCK (the agent), HOME, PATH. */
  env: NodeJS.ProcessEnv;
}

const SSH_URL_HINT = 'an ssh:// engine is ssh://[user@]host[:port][/path/to/docker.sock]; a key (the agent, ~/.ssh/config) does what a password would';

/** What berth puts before the user's own ssh configuration: no password prompts (one per connection would be unusable), a bounded connect. */
const SSH_OPTIONS = ['-o', 'ConnectTimeout=10', '-o', 'BatchMode=yes', '-T'];

/**
 * Parses an ssh:// endpoint the way the docker CLI does. A URL berth can never use (a password, a query or fragment,
 * no host: engineHostProblem in @berth/spec) is the user's setting, ERR_BERTH_USAGE.
 */
export function sshTarget(url: string, env: NodeJS.ProcessEnv): SshTarget {
  const problem = url.startsWith('ssh://') ? engineHostProblem(url) : 'not a valid ssh:// URL';
  if (problem) throw new BerthError('ERR_BERTH_USAGE', problem, { hint: SSH_URL_HINT });
  const u = new URL(url);
  const command = (env['BERTH_SSH_COMMAND'] ?? '').trim().split(/\s+/).filter(Boolean);
  const socketPath = decodeURIComponent(u.pathname);
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    ...(u.username ? { user: decodeURIComponent(u.username) } : {}),
    ...(u.port ? { port: u.port } : {}),
    ...(socketPath.replace(/\//g, '') ? { socketPath } : {}),
    command: command.length ? command : ['ssh'],
    env,
  };
}

/** The ssh command line: the docker CLI's (`-l USER -p PORT -- HOST docker system dial-stdio`), with berth's options first. */
export function sshArgv(t: SshTarget): string[] {
  const remote = ['docker', ...(t.socketPath ? [`--host=unix://${t.socketPath}`] : []), 'system', 'dial-stdio'];
  return [...t.command, ...SSH_OPTIONS, ...(t.user ? ['-l', t.user] : []), ...(t.port ? ['-p', t.port] : []), '--', t.host, ...remote];
}

/** `dev@gpu-box:2222`, for messages. */
export function sshPlace(t: Pick<SshTarget, 'host' | 'user' | 'port'>): string {
  return `${t.user ? `${t.user}@` : ''}${t.host}${t.port ? `:${t.port}` : ''}`;
}

/**
 * Why ssh (or the remote `docker system dial-stdio`) ended before the engine answered, in one line
 * a person can act on: the host does not answer, the key was refused, the host key is unknown, the
 * remote has no docker CLI, or the remote engine does not answer. The CLI exits 3 on each, as for any engine out of reach.
 */
export function sshFailure(t: Pick<SshTarget, 'host' | 'user' | 'port'>, exitCode: number | null, stderr: string): BerthError {
  const place = sshPlace(t);
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !/^Warning: Permanently added/.test(l));
  const kinds: { when: RegExp; code: BerthErrorCode; message: string; hint: string; exit?: number }[] = [
    {
      when: /Permission denied \(|Too many authentication failures|no mutual signature|sign_and_send_pubkey/i,
      code: 'ERR_BERTH_SSH_KEY_REFUSED',
      message: `ssh to ${place} refused the key`,
      hint: 'add the key to the agent (ssh-add) or name it in ~/.ssh/config for that host; berth runs ssh with BatchMode=yes, so it never asks for a password',
    },
    {
      when: /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No .* host key is known/i,
      code: 'ERR_BERTH_SSH_HOST_KEY',
      message: `ssh to ${place}: the host key is not known or has changed`,
      hint: `run \`${['ssh', ...(t.port ? ['-p', t.port] : []), `${t.user ? `${t.user}@` : ''}${t.host}`].join(' ')}\` once by hand to check and accept the host key`,
    },
    {
      when: /Could not resolve hostname|Connection refused|Connection timed out|timed out|No route to host|Network is unreachable|Connection closed by|Connection reset|kex_exchange_identification/i,
      code: 'ERR_BERTH_SSH_UNREACHABLE',
      message: `the ssh host ${place} does not answer`,
      hint: 'check the host name and port, that the machine is on and that sshd runs there',
      exit: 255,
    },
    {
      when: /docker: (command )?not found|docker: No such file or directory|executable file not found/i,
      code: 'ERR_BERTH_SSH_NO_DOCKER',
      message: `${place} has no docker CLI on its PATH`,
      hint: 'berth reaches a remote engine as the docker CLI does, through `docker system dial-stdio` there: install the docker CLI on that machine',
    },
    {
      when: /Cannot connect to the Docker daemon|permission denied while trying to connect|Is the docker daemon running/i,
      code: 'ERR_BERTH_SSH_NO_ENGINE',
      message: `no Docker engine answers on ${place}`,
      hint: 'start the Docker daemon there, or give that ssh user access to its socket (the docker group)',
    },
  ];
  for (const k of kinds) {
    const said = lines.find((l) => k.when.test(l));
    if (said && (k.exit === undefined || k.exit === exitCode)) return new BerthError(k.code, `${k.message} (${said})`, { hint: k.hint });
  }
  if (exitCode === 127) return new BerthError('ERR_BERTH_SSH_NO_DOCKER', `${place} has no docker CLI on its PATH (exit 127${lines[0] ? `: ${lines[0]}` : ''})`, { hint: kinds[3]!.hint });
  const said = lines[0] ?? `ssh exited ${exitCode ?? 'on a signal'}`;
  return new BerthError('ERR_BERTH_SSH_FAILED', `ssh to ${place} failed (exit ${exitCode ?? 'on a signal'}: ${said})`, {
    hint: `run the same command by hand to see why: ${sshArgv({ ...t, command: ['ssh'], env: {} }).join(' ')}`,
  });
}

/** What ssh wrote on stderr is kept up to this size, for the failure message. */
const STDERR_BYTES = 8 * 1024;

/**
 * One connection to a remote engine: an `ssh ... docker system dial-stdio` process, its stdin and
 * stdout as a socket for berth's HTTP client. A process that ends before its output is complete
 * fails the connection with the reason read from its stderr (see sshFailure); destroying the
 * connection ends the process.
 */
export class SshConnection extends Duplex {
  private readonly child: ChildProcess;
  private stderr = '';

  constructor(private readonly target: SshTarget) {
    super();
    const [cmd, ...args] = sshArgv(target);
    this.child = spawn(cmd!, args, { stdio: ['pipe', 'pipe', 'pipe'], env: target.env });
    const { stdout, stderr, stdin } = this.child;
    stdout!.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) stdout!.pause();
    });
    stderr!.on('data', (chunk: Buffer) => {
      if (this.stderr.length < STDERR_BYTES) this.stderr += chunk.toString('utf8');
    });
    stdin!.on('error', () => undefined); // the process went away; 'close' says why
    this.child.on('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'ENOENT' ? `no ${cmd} command on PATH (berth reaches ssh:// engines through the ssh client)` : err.message;
      this.destroy(new BerthError('ERR_BERTH_SSH_FAILED', `cannot run ssh for ${sshPlace(target)}: ${why}`, { hint: 'install the OpenSSH client (apt install openssh-client)' }));
    });
    // Only once the process has exited is it known whether its output ended cleanly.
    this.child.on('close', (code) => {
      if (this.destroyed) return;
      if (code === 0) this.push(null);
      else this.destroy(sshFailure(target, code, this.stderr));
    });
  }

  override _read(): void {
    this.child.stdout?.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    if (!this.child.stdin?.writable) return callback();
    this.child.stdin.write(chunk, () => callback());
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.child.stdin?.end();
    callback();
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    if (this.child.exitCode === null && this.child.signalCode === null) signalChild(this.child, 'SIGTERM');
    callback(err);
  }

  // What node's HTTP client and agent ask of a socket.
  setKeepAlive(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setTimeout(_ms: number, callback?: () => void): this {
    if (callback) this.once('timeout', callback);
    return this;
  }
  /** An idle kept-alive connection does not keep the process alive; one in use does. */
  ref(): this {
    this.child.ref();
    for (const s of [this.child.stdout, this.child.stderr, this.child.stdin]) (s as unknown as { ref?: () => void } | null)?.ref?.();
    return this;
  }
  unref(): this {
    this.child.unref();
    for (const s of [this.child.stdout, this.child.stderr, this.child.stdin]) (s as unknown as { unref?: () => void } | null)?.unref?.();
    return this;
  }
}

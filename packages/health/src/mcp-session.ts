import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { abandonPipes, CUT_MARK, endOnExit, peerLine, peerText, signalChild, type ChildEnd } from '@berth/spec';
import { getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { deserializeMessage, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerLaunch } from './mcp-config.js';

const MAX_LINE = 1024 * 1024;
const MAX_STDERR = 16 * 1024;

type Message = Record<string, unknown> & { id?: string | number; method?: string; result?: unknown; error?: { code: number; message: string } };

/**
 * One MCP server over stdio, started as a client would: the minimal environment (HOME, LOGNAME, PATH,
 * SHELL, TERM, USER, from the official SDK) plus the configured env, in its own process group.
 * Every stdout line must be a JSON-RPC message; anything else ends the session as a protocol failure.
 */
export class McpSession {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly run: ChildEnd;
  private buffer = '';
  private stderrText = '';
  private stderrCut = false;
  /** Set once a verdict is given: nothing more the server writes is read or kept. */
  private muted = false;
  private readonly exited: Promise<void>;
  spawnError: NodeJS.ErrnoException | undefined;

  constructor(
    launch: McpServerLaunch,
    cwd: string,
    private readonly onMessage: (m: Message) => void,
    private readonly onBroken: (reason: string) => void,
  ) {
    this.child = spawn(launch.command, launch.args, {
      cwd,
      env: { ...getDefaultEnvironment(), ...launch.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      shell: false,
    });
    // stopping waits for the server's own exit, never for its pipes (a grandchild may hold them)
    this.exited = new Promise((resolve) => (this.child.once('exit', () => resolve()), this.child.once('error', () => resolve())));
    this.child.once('error', (err: NodeJS.ErrnoException) => {
      this.spawnError = err;
      this.onBroken(err.code === 'ENOENT' ? `program not found: ${launch.command}` : `could not start ${launch.command}: ${err.message}`);
    });
    this.child.stdin.on('error', () => {});
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => this.read(chunk));
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => {
      const room = MAX_STDERR - this.stderrText.length;
      if (chunk.length > room) this.stderrCut = true;
      this.stderrText += chunk.slice(0, room);
    });
    // its exit is the verdict; what it left in its group is killed, and stderr read for the grace that follows
    this.run = endOnExit(this.child, () => {
      const reason = this.exitReason();
      if (reason) this.onBroken(reason);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Why the session ended when the server exited by itself, with its last stderr line; undefined while it runs. */
  exitReason(): string | undefined {
    const status = this.run.exited;
    if (!status) return undefined;
    const said = this.lastStderrLine();
    return `exited ${status.signal ? `on ${status.signal}` : `with code ${status.code}`} before the handshake finished${said ? `: ${said}` : ''}`;
  }

  /** Its last stderr line, printable and cut (a stderr cut at the bound ends with the cut mark). */
  lastStderrLine(): string {
    return peerLine(`${this.stderrText}${this.stderrCut ? CUT_MARK : ''}`, 160, 'last');
  }

  send(message: Message): void {
    if (this.child.stdin.writable) this.child.stdin.write(serializeMessage(message as JSONRPCMessage));
  }

  private read(chunk: string): void {
    if (this.muted) return;
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).replace(/\r$/, '');
      this.buffer = this.buffer.slice(nl + 1);
      if (!line.trim()) continue;
      let message: Message;
      try {
        message = deserializeMessage(line) as Message;
      } catch {
        return this.onBroken(`wrote a non-protocol line to stdout: ${JSON.stringify(peerText(line, 80))} (logs belong on stderr)`);
      }
      this.onMessage(message);
    }
    // what is left is one unfinished line: past the bound it is a verdict, and nothing more is read
    if (this.buffer.length > MAX_LINE) {
      this.mute();
      this.onBroken(`wrote a line over ${MAX_LINE / 1024} KiB to stdout`);
    }
  }

  /** Stops reading and keeping what the server writes: the verdict is given (a flooding server costs nothing more). */
  private mute(): void {
    this.muted = true;
    this.buffer = '';
    this.child.stdout.pause();
    this.child.stderr.pause();
  }

  /** Close stdin and wait; then SIGTERM the group; then SIGKILL it. `hurry` skips the polite wait (the check's time is up). */
  async stop(hurry: boolean): Promise<void> {
    this.mute();
    const gone = () => this.run.exited !== undefined || this.spawnError !== undefined;
    const wait = (ms: number) => Promise.race([this.exited, new Promise<void>((r) => setTimeout(r, ms).unref())]);
    this.child.stdin.end();
    if (!hurry) await wait(300);
    if (!gone()) this.signal('SIGTERM');
    await wait(hurry ? 100 : 300);
    // the server if it ignored SIGTERM, else what it left in its group
    this.signal('SIGKILL');
    if (!this.spawnError) await wait(1000);
    abandonPipes(this.child, 0);
  }

  private signal(sig: NodeJS.Signals): void {
    signalChild(this.child, sig, { group: true });
  }
}

import { spawn } from 'node:child_process';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/client/stdio';
import { bin } from './built-cli.js';

/** The read tools, in the order `tools/list` gives them; the write tools come only with --allow-write. */
export const READ_TOOLS = ['validate', 'ports_list', 'ports_suggest', 'ports_check', 'env_check', 'docs', 'health', 'status', 'doctor', 'logs', 'ecosystem_check'];
export const WRITE_TOOLS = ['up', 'down', 'restart', 'ports_register'];

/** The environment an MCP client gives the servers it starts (HOME, PATH, ...), plus NO_COLOR and `extra`. */
export const clientEnv = (extra: Record<string, string> = {}): Record<string, string> => ({ ...getDefaultEnvironment(), NO_COLOR: '1', ...extra });

export interface Connected {
  client: Client;
  /** What the server wrote on stderr so far. */
  stderr: () => string;
  close: () => Promise<void>;
}

/**
 * Starts `berth mcp` (or `berth <args>`) the way an MCP client does and connects the SDK's own client to it:
 * the 2025 `initialize` handshake offering `versions`, or the 2026-07-28 `server/discover` when `pin` is given.
 */
export async function connectBerth(options: { cwd: string; args?: string[]; env?: Record<string, string>; versions?: string[]; pin?: string }): Promise<Connected> {
  const client = new Client(
    { name: 'berth-test', version: '1.0.0' },
    { ...(options.versions ? { supportedProtocolVersions: options.versions } : {}), ...(options.pin ? { versionNegotiation: { mode: { pin: options.pin } } } : {}) },
  );
  const transport = new StdioClientTransport({ command: process.execPath, args: [bin, ...(options.args ?? ['mcp'])], cwd: options.cwd, env: clientEnv(options.env), stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  await client.connect(transport);
  return { client, stderr: () => stderr, close: () => client.close() };
}

/** Runs the built CLI as a child process and resolves with what it printed. */
export function runBerth(args: string[], cwd: string, env: Record<string, string> = clientEnv()): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A JSON answer without what changes from one run to the next: timestamps (`...At`) and durations (`...Ms`). */
export function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([k]) => !/(At|Ms)$/.test(k)).map(([k, v]) => [k, stable(v)]));
  return value;
}

/** The text blocks of a tool result, joined. */
export function textOf(result: { content?: unknown }): string {
  return ((result.content as { type: string; text?: string }[] | undefined) ?? []).map((c) => c.text ?? '').join('\n');
}

import { join } from 'node:path';
import { BerthError, SPEC_FILE_NAME, displayPath, updateFileLocked, type FileLockOptions } from '@berth/spec';

/** How a client starts a stdio server, as `.mcp.json` holds it. */
export interface McpServerEntry {
  type: 'stdio';
  command: string;
  args: string[];
}

export interface Registration {
  /** added: new; updated: an entry of that name was replaced; unchanged: it was there already, as is. */
  action: 'added' | 'updated' | 'unchanged';
  /** The other servers the file registers, untouched. */
  kept: string[];
}

/** The entry `berth mcp --register` writes: npx finds the project's own berth and never installs one (`--no`). */
export function berthServerEntry(options: { allowWrite?: boolean; spec?: string } = {}): McpServerEntry {
  return { type: 'stdio', command: 'npx', args: ['--no', 'berth', ...(options.spec ? ['--spec', options.spec] : []), 'mcp', ...(options.allowWrite ? ['--allow-write'] : [])] };
}

/** Where JSON.parse stopped, as line and column (V8 says "at position N", newer ones "(line L column C)" too). */
function located(text: string, message: string): { line: number; col: number } {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return { line: Number(lc[1]), col: Number(lc[2]) };
  const pos = /position (\d+)/.exec(message);
  const before = text.slice(0, pos ? Number(pos[1]) : text.length).split('\n');
  return { line: before.length, col: before.at(-1)!.length + 1 };
}

function parse(text: string, file: string): Record<string, unknown> {
  const bad = (message: string, at: { line: number; col: number } = { line: 1, col: 1 }) =>
    new BerthError('ERR_BERTH_MCP_JSON', `${file}: not a valid .mcp.json; nothing written`, { problems: [{ code: 'mcp-json', severity: 'error', file, ...at, message }] });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    throw bad(`not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, '').replace(/, ".*" is not valid JSON$/, '')}`, located(text, message));
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw bad('expected an object ({"mcpServers": {...}})');
  const servers = (json as Record<string, unknown>).mcpServers;
  if (servers !== undefined && (!servers || typeof servers !== 'object' || Array.isArray(servers))) throw bad('"mcpServers" must be an object of servers by name');
  return json as Record<string, unknown>;
}

function sameEntry(a: unknown, b: McpServerEntry): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Adds (or updates) one server in a project's `.mcp.json`, keeping every other server and key as they were.
 * Through @berth/spec's locked writer: under the file's lock, read again under it, written atomically and
 * only when something changes, never when it does not parse or was changed meanwhile by a tool that takes
 * no lock. Two berths registering at once cannot lose an entry; the user's file is never lost or half-written.
 */
export async function registerMcpServer(path: string, name: string, entry: McpServerEntry, file = path, lock: FileLockOptions = {}): Promise<Registration> {
  let registration: Registration = { action: 'unchanged', kept: [] };
  await updateFileLocked(
    path,
    (before) => {
      const json = before === undefined ? {} : parse(before, file);
      const servers = { ...((json.mcpServers as Record<string, unknown> | undefined) ?? {}) };
      const kept = Object.keys(servers).filter((n) => n !== name);
      const action: Registration['action'] = !(name in servers) ? 'added' : sameEntry(servers[name], entry) ? 'unchanged' : 'updated';
      registration = { action, kept };
      if (action === 'unchanged') return undefined;
      servers[name] = entry;
      const indent = /^( +|\t)"/m.exec(before ?? '')?.[1] ?? '  ';
      return `${JSON.stringify({ ...json, mcpServers: servers }, null, indent)}\n`;
    },
    { ...lock, display: file, purpose: `registering ${name}` },
  );
  return registration;
}

/**
 * berth in `dir/.mcp.json` (what `berth mcp --register` and `berth init` do). `spec` is the spec's path relative
 * to `dir`; the entry names it only when berth would not find it from there by itself.
 */
export async function registerBerth(dir: string, options: { spec?: string; allowWrite?: boolean; cwd?: string; lock?: FileLockOptions } = {}): Promise<Registration & { file: string; entry: McpServerEntry }> {
  const path = join(dir, '.mcp.json');
  const file = displayPath(path, options.cwd);
  const spec = options.spec && options.spec !== SPEC_FILE_NAME ? options.spec : undefined;
  const entry = berthServerEntry({ ...(options.allowWrite ? { allowWrite: true } : {}), ...(spec ? { spec } : {}) });
  return { ...(await registerMcpServer(path, 'berth', entry, file, options.lock)), file, entry };
}

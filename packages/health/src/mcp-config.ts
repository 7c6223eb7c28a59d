import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { McpCheck } from '@berth/spec';

export interface McpServerLaunch {
  name?: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Where it was registered, as given in the spec (".mcp.json"), or "the spec". */
  from: string;
}

type ServerEntry = { command?: string; args?: string[]; env?: Record<string, string>; type?: string; url?: string };

function expand(file: string, baseDir: string): string {
  if (file === '~' || file.startsWith('~/')) return join(homedir(), file.slice(1));
  return isAbsolute(file) ? file : resolve(baseDir, file);
}

async function serversIn(path: string, baseDir: string): Promise<Record<string, ServerEntry> | undefined> {
  let json: { mcpServers?: Record<string, ServerEntry>; projects?: Record<string, { mcpServers?: Record<string, ServerEntry> }> };
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
  // ~/.claude.json keeps user servers at the top and per-project servers under projects[<dir>].
  return { ...json.mcpServers, ...json.projects?.[baseDir]?.mcpServers };
}

/** `${VAR}` and `${VAR:-default}`, the two forms Claude Code expands in a registered server's command, args and env. */
const CLIENT_VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * A registered server's command, args and env with their `${VAR}` and `${VAR:-default}` filled in from the environment,
 * as Claude Code starts it (its MCP page: "Environment variable expansion in .mcp.json"); `$VAR` is left as it is, as
 * there. A variable set nowhere, without a default, is named: the server would get the literal text, as no client means.
 */
function expandEntry(entry: { command: string; args: string[]; env: Record<string, string> }, env: Record<string, string | undefined>): typeof entry | { unset: string } {
  let unset: string | undefined;
  const fill = (text: string) =>
    text.replace(CLIENT_VARIABLE, (whole, name: string, fallback: string | undefined) => {
      const value = env[name];
      if (value !== undefined && value !== '') return value;
      if (fallback !== undefined) return fallback;
      if (value === '') return '';
      unset ??= name;
      return whole;
    });
  const out = { command: fill(entry.command), args: entry.args.map(fill), env: Object.fromEntries(Object.entries(entry.env).map(([k, v]) => [k, fill(String(v))])) };
  return unset ? { unset } : out;
}

/**
 * How to start the MCP server a check names: its own command, else the named server in the first
 * config file that has it, else the only server of the first config file that has any. A registered server's
 * `${VAR}`s are filled in from `env` (the process env by default), as the client that reads the file does.
 */
export async function resolveMcpServer(check: McpCheck, baseDir: string, env: Record<string, string | undefined> = process.env): Promise<McpServerLaunch | { problem: string }> {
  if (check.command) return { command: check.command, args: check.args ?? [], env: { ...check.env }, from: 'the spec', ...(check.server ? { name: check.server } : {}) };
  const files = check.configFiles ?? ['.mcp.json', '~/.claude.json'];
  const seen: string[] = [];
  for (const file of files) {
    const servers = await serversIn(expand(file, baseDir), baseDir);
    if (!servers) continue;
    const names = Object.keys(servers);
    seen.push(...names.map((n) => `${n} (${file})`));
    const name = check.server ?? (names.length === 1 ? names[0] : undefined);
    if (!name) {
      if (names.length > 1) return { problem: `${file} registers ${names.join(', ')}; name one with \`server:\`` };
      continue;
    }
    const entry = servers[name];
    if (!entry) continue;
    if (!entry.command) return { problem: `${name} in ${file} is not a stdio server (${entry.type ?? entry.url ?? 'no command'})` };
    const expanded = expandEntry({ command: entry.command, args: entry.args ?? [], env: { ...entry.env } }, env);
    if ('unset' in expanded) return { problem: `${name} in ${file} uses \${${expanded.unset}}, which is not set in the environment (a client would start it with the literal text)` };
    return { name, ...expanded, env: { ...expanded.env, ...check.env }, from: file };
  }
  if (check.server) return { problem: `no MCP server named ${check.server} in ${files.join(' or ')}${seen.length ? ` (found ${seen.join(', ')})` : ''}` };
  return { problem: `no MCP server registered in ${files.join(' or ')}` };
}

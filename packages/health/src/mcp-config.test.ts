import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McpCheck } from '@berth/spec';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveMcpServer } from './mcp-config.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-mcp-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const check = (fields: Record<string, unknown>) => McpCheck.parse({ type: 'mcp', ...fields });

describe('resolveMcpServer', () => {
  it("finds a project's server in a ~/.claude.json-style file under projects[<dir>], with its env", async () => {
    const claude = join(dir, 'claude.json');
    writeFileSync(claude, JSON.stringify({ mcpServers: { global: { command: 'g' } }, projects: { [dir]: { mcpServers: { notes: { command: 'npx', args: ['-y', 'notes-mcp'], env: { NOTES_DIR: '/n' } } } } } }));
    expect(await resolveMcpServer(check({ server: 'notes', configFiles: [claude] }), dir)).toEqual({ name: 'notes', command: 'npx', args: ['-y', 'notes-mcp'], env: { NOTES_DIR: '/n' }, from: claude });
  });
  it('the first file that registers the server wins; the check adds env', async () => {
    const project = join(dir, '.mcp.json');
    writeFileSync(project, JSON.stringify({ mcpServers: { notes: { command: 'local-notes' } } }));
    const found = await resolveMcpServer(check({ server: 'notes', env: { DEBUG: '1' }, configFiles: ['.mcp.json', join(dir, 'claude.json')] }), dir);
    expect(found).toMatchObject({ command: 'local-notes', env: { DEBUG: '1' }, from: '.mcp.json' });
  });
  it('several servers and no name: asks for one; an HTTP server is not stdio; a missing name lists what exists', async () => {
    const many = join(dir, 'many.json');
    writeFileSync(many, JSON.stringify({ mcpServers: { a: { command: 'a' }, b: { type: 'http', url: 'http://127.0.0.1:1/mcp' } } }));
    expect(await resolveMcpServer(check({ configFiles: [many] }), dir)).toEqual({ problem: `${many} registers a, b; name one with \`server:\`` });
    expect(await resolveMcpServer(check({ server: 'b', configFiles: [many] }), dir)).toEqual({ problem: `b in ${many} is not a stdio server (http)` });
    expect(await resolveMcpServer(check({ server: 'zz', configFiles: [many] }), dir)).toEqual({ problem: `no MCP server named zz in ${many} (found a (${many}), b (${many}))` });
  });
});

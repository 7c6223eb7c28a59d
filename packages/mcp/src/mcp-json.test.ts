import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BerthError } from '@berth/spec';
import { afterAll, describe, expect, it } from 'vitest';
import { berthServerEntry, registerMcpServer } from './mcp-json.js';

const root = mkdtempSync(join(tmpdir(), 'berth-mcp-json-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const fresh = () => mkdtempSync(join(root, 'p-'));
const entry = berthServerEntry();

describe('registerMcpServer', () => {
  it('creates .mcp.json when there is none', async () => {
    const file = join(fresh(), '.mcp.json');
    expect(await registerMcpServer(file, 'berth', entry)).toEqual({ action: 'added', kept: [] });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ mcpServers: { berth: { type: 'stdio', command: 'npx', args: ['--no', 'berth', 'mcp'] } } });
  });

  it('keeps every other server, every other key and the file\'s indentation', async () => {
    const file = join(fresh(), '.mcp.json');
    const before = { $schema: 'x', mcpServers: { github: { command: 'gh-mcp', env: { GH_HOST: 'github.com' } }, remote: { type: 'http', url: 'https://example.com/mcp' } }, other: [1, 2] };
    writeFileSync(file, `${JSON.stringify(before, null, '\t')}\n`);
    expect(await registerMcpServer(file, 'berth', berthServerEntry({ allowWrite: true }))).toEqual({ action: 'added', kept: ['github', 'remote'] });
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^\{\n\t"\$schema"/);
    expect(JSON.parse(text)).toEqual({ ...before, mcpServers: { ...before.mcpServers, berth: { type: 'stdio', command: 'npx', args: ['--no', 'berth', 'mcp', '--allow-write'] } } });
  });

  it('says so when berth is there already, and leaves the file alone', async () => {
    const file = join(fresh(), '.mcp.json');
    await registerMcpServer(file, 'berth', entry);
    const text = readFileSync(file, 'utf8');
    expect(await registerMcpServer(file, 'berth', entry)).toEqual({ action: 'unchanged', kept: [] });
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(await registerMcpServer(file, 'berth', berthServerEntry({ spec: 'infra/berth.yaml' }))).toEqual({ action: 'updated', kept: [] });
    expect(JSON.parse(readFileSync(file, 'utf8')).mcpServers.berth.args).toEqual(['--no', 'berth', '--spec', 'infra/berth.yaml', 'mcp']);
  });

  it('refuses a file that is not JSON, pointing at the line, and writes nothing', async () => {
    const dir = fresh();
    const file = join(dir, '.mcp.json');
    const text = '{\n  "mcpServers": {\n    "a": { "command": "x" },\n  }\n}\n';
    writeFileSync(file, text);
    let error: BerthError | undefined;
    try {
      await registerMcpServer(file, 'berth', entry, '.mcp.json');
    } catch (err) {
      error = err as BerthError;
    }
    expect(error).toBeInstanceOf(BerthError);
    expect(error!.message).toBe('.mcp.json: not a valid .mcp.json; nothing written');
    expect(error!.problems).toHaveLength(1);
    expect(error!.problems[0]).toMatchObject({ file: '.mcp.json', line: 4, severity: 'error' });
    expect(error!.problems[0]!.message).toMatch(/^not valid JSON: /);
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(readdirSync(dir)).toEqual(['.mcp.json']);
  });

  it('refuses mcpServers that is not an object of servers', async () => {
    const file = join(fresh(), '.mcp.json');
    writeFileSync(file, '{"mcpServers": ["berth"]}');
    await expect(registerMcpServer(file, 'berth', entry)).rejects.toThrow('not a valid .mcp.json');
    expect(existsSync(file)).toBe(true);
  });
});

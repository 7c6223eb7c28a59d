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
    expect(await registerMcpServer(file, 'berth', entry)).toEqual({ action: 'added', kept: [], entry });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ mcpServers: { berth: { type: 'stdio', command: 'npx', args: ['--no', 'berth', 'mcp'] } } });
  });

  it('keeps every other server, every other key and the file\'s indentation', async () => {
    const file = join(fresh(), '.mcp.json');
    const before = { $schema: 'x', mcpServers: { github: { command: 'gh-mcp', env: { GH_HOST: 'github.com' } }, remote: { type: 'http', url: 'https://example.com/mcp' } }, other: [1, 2] };
    writeFileSync(file, `${JSON.stringify(before, null, '\t')}\n`);
    expect(await registerMcpServer(file, 'berth', berthServerEntry({ allowWrite: true }))).toMatchObject({ action: 'added', kept: ['github', 'remote'] });
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^\{\n\t"\$schema"/);
    expect(JSON.parse(text)).toEqual({ ...before, mcpServers: { ...before.mcpServers, berth: { type: 'stdio', command: 'npx', args: ['--no', 'berth', 'mcp', '--allow-write'] } } });
  });

  it('says so when berth is there already, and leaves the file alone', async () => {
    const file = join(fresh(), '.mcp.json');
    await registerMcpServer(file, 'berth', entry);
    const text = readFileSync(file, 'utf8');
    expect(await registerMcpServer(file, 'berth', entry)).toEqual({ action: 'unchanged', kept: [], entry });
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(await registerMcpServer(file, 'berth', berthServerEntry({ spec: 'infra/berth.yaml' }))).toMatchObject({ action: 'updated', kept: [] });
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

  it('points at the exact line and column in one line, whatever JSON.parse says on this Node version', async () => {
    const cases: [string, number, number, string][] = [
      ['{\n  "mcpServers": {\n    "a": {"command": x}\n  }\n}\n', 3, 22, 'expected a value, found "x"'],
      ['{\n  "mcpServers": {\n    "a": { "command": "x" },\n  }\n}\n', 4, 3, 'expected a property name in double quotes, found "}"'],
      ['{"mcpServers": {}} x', 1, 20, 'expected the end of the file after the top-level value, found "x"'],
      ['{\r\n  // berth\r\n  "mcpServers": {}\r\n}\r\n', 2, 3, 'expected a property name in double quotes, found "/"'],
      ['{"mcpServers": {"a": {"command": "x\ny"}}}', 1, 36, 'a raw line break or control character in a string (write it as an escape)'],
      ['{"mcpServers": {"a": [1 2]}}', 1, 25, 'expected "," or "]", found "2"'],
      ['{"mcpServers": {"a": "\\q"}}', 1, 23, 'bad escape in a string'],
      ['{"mcpServers": {"a": "x', 1, 22, 'unclosed string'],
      ['\uFEFF{"mcpServers": {', 1, 17, 'expected a property name in double quotes, found the end of the file'],
      ['', 1, 1, 'expected a value, found the end of the file'],
    ];
    for (const [text, line, col, message] of cases) {
      const file = join(fresh(), '.mcp.json');
      writeFileSync(file, text);
      const error = await registerMcpServer(file, 'berth', entry, '.mcp.json').catch((err: unknown) => err as BerthError);
      expect(error).toBeInstanceOf(BerthError);
      expect((error as BerthError).problems, JSON.stringify(text)).toEqual([{ code: 'mcp-json', severity: 'error', file: '.mcp.json', line, col, message: `not valid JSON: ${message}` }]);
      expect(readFileSync(file, 'utf8')).toBe(text);
    }
  });

  it('reads past a byte order mark and keeps it, with the file\'s CRLF line endings', async () => {
    const file = join(fresh(), '.mcp.json');
    writeFileSync(file, '\uFEFF{\r\n  "mcpServers": {\r\n    "other": { "command": "x" }\r\n  }\r\n}\r\n');
    expect(await registerMcpServer(file, 'berth', entry)).toMatchObject({ action: 'added', kept: ['other'] });
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('\uFEFF{\r\n  "mcpServers": {\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/\n/);
    expect(JSON.parse(text.slice(1)).mcpServers.berth).toEqual(entry);
    expect(await registerMcpServer(file, 'berth', entry)).toMatchObject({ action: 'unchanged' });
  });

  it('keeps what the user wrote in a berth entry already there (env, how berth starts), changing only berth\'s own arguments', async () => {
    const register = async (mine: object, options: Parameters<typeof berthServerEntry>[0] = {}) => {
      const file = join(fresh(), '.mcp.json');
      writeFileSync(file, JSON.stringify({ mcpServers: { berth: mine } }));
      const r = await registerMcpServer(file, 'berth', berthServerEntry(options));
      return { action: r.action, entry: r.entry, file: JSON.parse(readFileSync(file, 'utf8')).mcpServers.berth as unknown };
    };
    const env = { BERTH_LOCK_TIMEOUT: '30' };
    // the PATH form docs/mcp.md offers, with an env: as it is
    const path = { type: 'stdio', command: 'berth', args: ['mcp'], env };
    expect(await register(path)).toEqual({ action: 'unchanged', entry: path, file: path });
    expect(await register({ command: 'berth', args: ['mcp'] })).toMatchObject({ action: 'unchanged' });
    // berth's arguments change; the launcher and env stay
    expect(await register(path, { allowWrite: true })).toMatchObject({ action: 'updated', file: { ...path, args: ['mcp', '--allow-write'] } });
    expect(await register({ command: 'npx', args: ['--no', 'berth', 'mcp'], env, cwd: 'infra' }, { spec: 'infra/berth.yaml' })).toMatchObject({
      action: 'updated',
      file: { command: 'npx', args: ['--no', 'berth', '--spec', 'infra/berth.yaml', 'mcp'], env, cwd: 'infra' },
    });
    expect((await register({ command: 'node', args: ['node_modules/.bin/berth', 'mcp', '--allow-write'], env })).file).toEqual({ command: 'node', args: ['node_modules/.bin/berth', 'mcp'], env });
    // an entry that does not start berth is berth's again; its env stays
    expect((await register({ command: 'other-server', args: [], env })).file).toEqual({ command: 'npx', args: ['--no', 'berth', 'mcp'], env, type: 'stdio' });
    // an HTTP entry of that name is replaced whole
    expect((await register({ type: 'http', url: 'http://127.0.0.1:7420/mcp', headers: { Authorization: 'Bearer x' } })).file).toEqual(entry);
  });

  it('refuses mcpServers that is not an object of servers', async () => {
    const file = join(fresh(), '.mcp.json');
    writeFileSync(file, '{"mcpServers": ["berth"]}');
    await expect(registerMcpServer(file, 'berth', entry)).rejects.toThrow('not a valid .mcp.json');
    expect(existsSync(file)).toBe(true);
  });
});

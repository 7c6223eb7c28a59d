import { afterEach, describe, expect, it } from 'vitest';
import { CUT_MARK, redactorFor } from '@berth/spec';
import { runCheck } from '../src/index.js';
import { closeAll, httpServer, target } from './loopback.js';

afterEach(closeAll);

// What real peers (a loopback HTTP server, programs, stdio MCP servers) say, as it reaches a reason and then the
// redactor every printing edge passes it through (the CLI's, the API's: @berth/spec's redactorFor).
const token = 'ghp_7Yx0aQ2mB9cD4eF6gH8iJ1kL3mN5oP7qR9sT1uVw';
const redact = redactorFor({ env: { GITHUB_TOKEN: token } });
/** A stdio MCP server made of one `node -e` script. */
const mcpServer = (script: string, extra: Record<string, unknown> = {}) => target({ type: 'mcp', command: process.execPath, args: ['-e', script], ...extra });
const dashes = (n: number) => '-'.repeat(n);

describe('a secret a check cuts in two is redacted whole where the reason is printed', () => {
  it('in an HTTP body quoted at 40 characters', async () => {
    const { port } = await httpServer((_req, res) => res.end(`Authorization: Bearer ${token}`));
    const r = await runCheck(target({ type: 'http', url: `http://127.0.0.1:${port}/`, expect: { bodyContains: 'ready' } }));
    expect(redact(r.reason)).toBe(`status 200 but the body does not contain "ready"; got "Authorization: Bearer ${CUT_MARK}"`);
  });

  it("in a program's last line, cut at 120 characters", async () => {
    const r = await runCheck(target({ type: 'command', argv: [process.execPath, '-e', `console.error(${JSON.stringify(`${dashes(100)} ${token}`)}); process.exit(1)`] }));
    expect(redact(r.reason)).toBe(`${process.execPath} exited 1, expected 0: ${dashes(100)} ${CUT_MARK}`);
  });

  it("in an MCP server's last stderr line, cut at 160 characters", async () => {
    const r = await runCheck(mcpServer(`console.error(${JSON.stringify(`${dashes(140)} ${token}`)}); process.exit(2)`));
    expect(redact(r.reason)).toBe(`${process.execPath}: exited with code 2 before the handshake finished: ${dashes(140)} ${CUT_MARK}`);
  });
});

describe("a peer's control characters never reach a reason: escape sequences are removed, the rest are dots", () => {
  const hostile = '\x1b]0;pwned\x07progress 10%\rdone \x1b[31mFAIL\x1b[0m\u009b2J\u202e';
  const shown = 'progress 10%.done FAIL.';

  it("in a program's stderr", async () => {
    const r = await runCheck(target({ type: 'command', argv: [process.execPath, '-e', `process.stderr.write(${JSON.stringify(`${hostile}\n`)}); process.exit(1)`] }));
    expect(r.reason).toBe(`${process.execPath} exited 1, expected 0: ${shown}`);
  });

  it('in an HTTP body (JSON quoting escapes C0 characters, not C1, bidi or line separators)', async () => {
    const { port } = await httpServer((_req, res) => res.end('red \x1b[31mFAIL\u009b2J\u202e\u2028!'));
    const r = await runCheck(target({ type: 'http', url: `http://127.0.0.1:${port}/`, expect: { bodyContains: 'ready' } }));
    expect(r.reason).toBe('status 200 but the body does not contain "ready"; got "red FAIL..!"');
  });

  it("in an MCP server's stderr, and in its error message", async () => {
    const exits = await runCheck(mcpServer(`process.stderr.write(${JSON.stringify(hostile)}); process.exit(1)`));
    expect(exits.reason).toBe(`${process.execPath}: exited with code 1 before the handshake finished: ${shown}`);
    // it answers every request with an error whose message is hostile
    const refuses = await runCheck(
      mcpServer(`require('node:readline').createInterface({ input: process.stdin }).on('line', (l) => {
  const m = JSON.parse(l);
  if (m.id !== undefined) console.log(JSON.stringify({ jsonrpc: '2.0', id: m.id, error: { code: -32000, message: ${JSON.stringify(hostile)} } }));
});`),
    );
    expect(refuses.reason).toBe(`${process.execPath}: initialize failed: ${shown}`);
  });
});

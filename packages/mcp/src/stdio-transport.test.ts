import { PassThrough } from 'node:stream';
import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { BerthStdioTransport } from './stdio-transport.js';

/** A transport over in-memory stdin and stdout, with what it delivered, wrote and logged. */
async function wire(maxMessageBytes?: number) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const logged: string[] = [];
  const delivered: JSONRPCMessage[] = [];
  let written = '';
  stdout.on('data', (d: Buffer) => (written += d.toString()));
  const transport = new BerthStdioTransport(stdin, stdout, { log: (l) => logged.push(l), ...(maxMessageBytes ? { maxMessageBytes } : {}) });
  transport.onmessage = (m) => void delivered.push(m);
  await transport.start();
  const tick = () => new Promise((r) => setImmediate(r));
  return {
    stdin,
    stdout,
    transport,
    logged,
    delivered,
    /** Writes raw text to stdin and resolves with the JSON lines answered since. */
    async send(text: string): Promise<unknown[]> {
      const before = written.length;
      stdin.write(text);
      await tick();
      await tick();
      return written.slice(before).split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);
    },
  };
}

const request = (id: number | string, method = 'ping') => `${JSON.stringify({ jsonrpc: '2.0', id, method })}\n`;

describe('BerthStdioTransport', () => {
  it('delivers JSON-RPC messages line by line, across chunks, and skips blank lines', async () => {
    const w = await wire();
    const line = request(1);
    expect(await w.send(line.slice(0, 10))).toEqual([]);
    expect(await w.send(`${line.slice(10)}\n\r\n${request('two', 'tools/list')}`)).toEqual([]);
    expect(w.delivered).toEqual([
      { jsonrpc: '2.0', id: 1, method: 'ping' },
      { jsonrpc: '2.0', id: 'two', method: 'tools/list' },
    ]);
    expect(w.logged).toEqual([]);
  });

  it('answers a message over the limit with -32600 and its id, skipping it whole, and goes on', async () => {
    const w = await wire(1000);
    const big = (id: number, first: boolean) =>
      first ? `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"ports_suggest","arguments":{"service":"${'a'.repeat(5000)}"}}}\n` : `{"method":"tools/call","params":{"arguments":{"service":"${'a'.repeat(5000)}"}},"jsonrpc":"2.0","id":${id}}\n`;
    const said = (id: unknown) => ({ jsonrpc: '2.0', id, error: { code: -32600, message: 'Invalid Request: the message is over 1000 bytes, the most berth mcp reads' } });
    // The id first (hand-written clients) or last (the SDK's client), and sent in small pieces.
    const first = big(7, true);
    const answers = [];
    for (let i = 0; i < first.length; i += 300) answers.push(...(await w.send(first.slice(i, i + 300))));
    expect(answers).toEqual([said(7)]);
    expect(await w.send(big(8, false))).toEqual([said(8)]);
    expect(await w.send(`{"params":{"x":"${'b'.repeat(2000)}"}}\n`)).toEqual([said(null)]);
    await w.send(request(9));
    expect(w.delivered).toEqual([{ jsonrpc: '2.0', id: 9, method: 'ping' }]);
    expect(w.logged).toEqual(Array(3).fill('refused a message: Invalid Request: the message is over 1000 bytes, the most berth mcp reads'));
  });

  it('answers what is not JSON-RPC 2.0, with the id where one can be read, logging one line each', async () => {
    const w = await wire();
    const error = (id: unknown, code: number, message: string | RegExp) => ({ jsonrpc: '2.0', id, error: { code, message: typeof message === 'string' ? message : expect.stringMatching(message) } });
    const cases: [string, unknown][] = [
      ['{"jsonrpc":"2.0","id":1,"method":"ping"', error(null, -32700, /^Parse error: /)],
      ['not json', error(null, -32700, /^Parse error: /)],
      ['[{"jsonrpc":"2.0","id":"b1","method":"tools/list"}]', error(null, -32600, 'Invalid Request: batches are not supported; send one message per line')],
      ['[]', error(null, -32600, 'Invalid Request: batches are not supported; send one message per line')],
      ['42', error(null, -32600, 'Invalid Request: a message is a JSON object, not a number')],
      ['null', error(null, -32600, 'Invalid Request: a message is a JSON object, not null')],
      ['{"jsonrpc":"1.0","id":"v","method":"ping"}', error('v', -32600, 'Invalid Request: jsonrpc must be "2.0"')],
      ['{"id":"v2","method":"ping"}', error('v2', -32600, 'Invalid Request: jsonrpc must be "2.0"')],
      ['{"jsonrpc":"2.0","id":null,"method":"ping"}', error(null, -32600, 'Invalid Request: id must be a string or an integer')],
      ['{"jsonrpc":"2.0","id":1.5,"method":"ping"}', error(null, -32600, 'Invalid Request: id must be a string or an integer')],
      ['{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}', error(null, -32600, 'Invalid Request: id must be a string or an integer')],
      ['{"jsonrpc":"2.0","id":"p","method":"tools/call","params":["validate"]}', error('p', -32600, 'Invalid Request: params must be an object')],
      ['{"jsonrpc":"2.0","id":"m","method":5}', error('m', -32600, 'Invalid Request: method must be a string')],
      ['{"jsonrpc":"2.0","id":"k","method":"ping","extra":1}', error('k', -32600, 'Invalid Request: unknown member "extra"')],
      ['{"jsonrpc":"2.0","id":"e"}', error('e', -32600, /^Invalid Request: it is neither a request/)],
    ];
    for (const [line, answer] of cases) expect(await w.send(`${line}\n`), line).toEqual([answer]);
    expect(w.delivered).toEqual([]);
    expect(w.logged).toHaveLength(cases.length);
    for (const l of w.logged) expect(l).toMatch(/^refused a message: (Parse error|Invalid Request): [^\n]+$/);
  });

  it('refuses a request whose id is in flight, naming it, until that request is answered or cancelled', async () => {
    const w = await wire();
    const inUse = (id: unknown) => ({ jsonrpc: '2.0', id, error: { code: -32600, message: `Invalid Request: id ${JSON.stringify(id)} is already in use by a request in flight; use a new id for each request` } });
    expect(await w.send(request(5, 'tools/call') + request('5'))).toEqual([]);
    expect(await w.send(request(5))).toEqual([inUse(5)]);
    expect(await w.send(request('5'))).toEqual([inUse('5')]);
    expect(w.delivered.map((m) => (m as { id: unknown }).id)).toEqual([5, '5']);
    expect(w.logged).toEqual(['refused a message: Invalid Request: id 5 is already in use by a request in flight; use a new id for each request', 'refused a message: Invalid Request: id "5" is already in use by a request in flight; use a new id for each request']);
    await w.transport.send({ jsonrpc: '2.0', id: 5, result: {} });
    await w.send(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: '5' } })}\n`);
    expect(await w.send(request(5) + request('5'))).toEqual([]);
    expect(w.delivered.map((m) => (m as { id?: unknown }).id)).toEqual([5, '5', undefined, 5, '5']);
  });

  it('never answers a response, even a broken one: it only says so', async () => {
    const w = await wire();
    expect(await w.send('{"jsonrpc":"1.0","id":3,"result":{}}\n')).toEqual([]);
    expect(await w.send('{"jsonrpc":"2.0","id":4,"result":{}}\n')).toEqual([]);
    expect(w.delivered).toEqual([{ jsonrpc: '2.0', id: 4, result: {} }]);
    expect(w.logged).toEqual(['ignored a response that is not JSON-RPC 2.0: jsonrpc must be "2.0"']);
  });

  it('is closed, once, when stdin ends or stdout breaks', async () => {
    for (const end of [(w: Awaited<ReturnType<typeof wire>>) => w.stdin.end(), (w: Awaited<ReturnType<typeof wire>>) => w.stdout.destroy(new Error('EPIPE'))]) {
      const w = await wire();
      let closes = 0;
      w.transport.onclose = () => void closes++;
      w.transport.onerror = () => {};
      end(w);
      await w.transport.closed;
      await w.transport.close();
      expect(closes).toBe(1);
      await expect(w.transport.send({ jsonrpc: '2.0', id: 1, result: {} })).rejects.toThrow('the stdio connection is closed');
    }
  });
});

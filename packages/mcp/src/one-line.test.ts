import { describe, expect, it } from 'vitest';
import { oneLine, plainError } from './one-line.js';

describe('plainError', () => {
  /** What the SDK sends for `initialize` whose protocolVersion is a number: zod's issue list, as "internal error". */
  const dump = JSON.stringify([{ expected: 'string', code: 'invalid_type', path: ['params', 'protocolVersion'], message: 'Invalid input: expected string, received number' }], null, 2);

  it('makes params the SDK refused before any handler ran -32602, in one line naming the field', () => {
    expect(plainError({ jsonrpc: '2.0', id: 'v2', error: { code: -32603, message: dump } })).toEqual({
      jsonrpc: '2.0',
      id: 'v2',
      error: { code: -32602, message: 'Invalid params: params.protocolVersion: Invalid input: expected string, received number' },
    });
  });

  it('keeps the code and the words before the issue list, and a union says its first branch\'s first issue', () => {
    const union = JSON.stringify([{ code: 'invalid_union', path: ['params'], message: 'Invalid input', errors: [[{ code: 'invalid_type', path: ['name'], message: 'Invalid input: expected string, received number' }]] }], null, 2);
    expect(plainError({ jsonrpc: '2.0', id: 1, error: { code: -32602, message: `Invalid tools/call request: ${union}` } }).error).toEqual({
      code: -32602,
      message: 'Invalid tools/call request: params.name: Invalid input: expected string, received number',
    });
  });

  it('leaves every other message as it is', () => {
    for (const error of [
      { code: -32603, message: 'Internal error' },
      { code: -32602, message: 'Tool [x] not found' },
      { code: -32602, message: 'berth: bad.yaml:4:14: services.a.image: expected a string, got 3\nhint: fix it' },
    ]) {
      expect(plainError({ jsonrpc: '2.0', id: 1, error })).toEqual({ jsonrpc: '2.0', id: 1, error });
    }
    const result = { jsonrpc: '2.0' as const, id: 1, result: { text: '[1]' } };
    expect(plainError(result)).toBe(result);
  });
});

describe('oneLine', () => {
  it('says a zod issue list by its first issue, after the words before it, and any other text on one line', () => {
    const dump = JSON.stringify([{ code: 'invalid_type', path: ['params', 'uri'], message: 'Invalid input: expected string, received undefined' }, { code: 'x', path: [], message: 'second' }], null, 2);
    expect(oneLine(dump)).toBe('params.uri: Invalid input: expected string, received undefined');
    expect(oneLine(`Invalid resources/read request: ${dump}`)).toBe('Invalid resources/read request: params.uri: Invalid input: expected string, received undefined');
    expect(oneLine('first line\n  second line\n')).toBe('first line second line ');
    expect(oneLine('Tool [x] not found')).toBe('Tool [x] not found');
  });
});

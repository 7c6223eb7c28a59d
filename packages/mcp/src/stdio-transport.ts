import type { Readable, Writable } from 'node:stream';
import { ProtocolErrorCode, STDIO_DEFAULT_MAX_BUFFER_SIZE, parseJSONRPCMessage, type JSONRPCMessage, type Transport } from '@modelcontextprotocol/server';
import { batchRefusal } from './batch.js';
import { oneLine } from './one-line.js';
import { sizeText } from './regular-file.js';

type Id = string | number | null;
type Json = Record<string, unknown>;

/** How much of the start and the end of an over-long line is kept, to find its id in. */
const KEEP = 1024;
const ID = String.raw`("(?:[^"\\]|\\.)*"|-?\d+)`;
/** An id read from the start of a message (its first member, or its second after jsonrpc) or from its end (the last member, as the SDK's client writes it). */
const HEAD_ID = new RegExp(String.raw`^\s*\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?"id"\s*:\s*${ID}\s*[,}]`);
const TAIL_ID = new RegExp(String.raw`[,{]\s*"id"\s*:\s*${ID}\s*\}\s*$`);
const MEMBERS = new Set(['jsonrpc', 'id', 'method', 'params', 'result', 'error']);

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is string | number => typeof v === 'string' || Number.isSafeInteger(v);

/** How berth's stdio transport reads, and where it says what it refused. */
export interface StdioTransportOptions {
  /** The longest line read as a message (default: the SDK's, 10 MiB); a longer one is refused, not fatal. */
  maxMessageBytes?: number;
  /** Where each refused message is said, in one line. */
  log?: (line: string) => void;
}

/**
 * berth's stdio: newline-delimited JSON-RPC on stdin and stdout, as the SDK's StdioServerTransport, except where
 * that one leaves a client waiting for ever or the server stuck:
 * - a line over `maxMessageBytes` is skipped up to its newline and answered -32600; the SDK's closed the
 *   connection and paused stdin, so nothing was answered again and the server never ended;
 * - a line that is not JSON is answered -32700; a batch, or a message that is not JSON-RPC 2.0, -32600 with the
 *   id when one can be read; the SDK's dropped them unanswered and logged zod's issue list.
 * - a request whose id is that of a request still in flight is answered -32600 and not dispatched: the SDK keeps
 *   each call's abort controller by id, so the second would take the first's over, and the first could then be
 *   neither cancelled nor aborted when the connection ends (its processes outliving the server).
 * `closed` resolves when the connection is over, whatever ended it: stdin's end, a broken stdout, `close()`.
 */
export class BerthStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  readonly closed: Promise<void>;
  private markClosed: () => void = () => {};
  private ended = false;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** The line being skipped for its length: its first and last bytes, where its id may be. */
  private skipped: { head: Buffer; tail: Buffer } | undefined;
  private readonly max: number;
  /** The ids of the client's requests not answered yet (as JSON: 5 and "5" are two ids). */
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly stdin: Readable = process.stdin,
    private readonly stdout: Writable = process.stdout,
    private readonly options: StdioTransportOptions = {},
  ) {
    this.max = options.maxMessageBytes ?? STDIO_DEFAULT_MAX_BUFFER_SIZE;
    this.closed = new Promise((resolve) => (this.markClosed = resolve));
  }

  async start(): Promise<void> {
    this.stdin.on('data', this.onData);
    this.stdin.on('end', this.onEnd);
    this.stdin.on('close', this.onEnd);
    this.stdin.on('error', this.onStreamError);
    this.stdout.on('error', this.onStreamError);
    if (this.stdin.readableEnded || this.stdin.destroyed) setImmediate(this.onEnd);
  }

  send(message: JSONRPCMessage): Promise<void> {
    if (this.ended) return Promise.reject(new Error('the stdio connection is closed'));
    if ('id' in message && ('result' in message || 'error' in message)) this.inFlight.delete(JSON.stringify(message.id));
    return this.write(message);
  }

  async close(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.stdin.off('data', this.onData);
    this.stdin.off('end', this.onEnd);
    this.stdin.off('close', this.onEnd);
    // Reading no more lets the process end while the client still holds the pipe open.
    this.stdin.pause();
    this.pending = [];
    this.skipped = undefined;
    this.inFlight.clear();
    this.onclose?.();
    this.markClosed();
  }

  private readonly onEnd = () => void this.close();

  private readonly onStreamError = (error: Error) => {
    if (this.ended) return;
    this.onerror?.(error);
    void this.close();
  };

  private readonly onData = (chunk: Buffer | string) => {
    let data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    for (let nl = data.indexOf(0x0a); nl >= 0 && !this.ended; nl = data.indexOf(0x0a)) {
      this.append(data.subarray(0, nl));
      this.endLine();
      data = data.subarray(nl + 1);
    }
    if (data.length && !this.ended) this.append(data);
  };

  private append(piece: Buffer): void {
    if (this.skipped) {
      this.skipped.tail = Buffer.concat([this.skipped.tail, piece]).subarray(-KEEP);
    } else if (this.pendingBytes + piece.length <= this.max) {
      this.pending.push(piece);
      this.pendingBytes += piece.length;
    } else {
      const line = Buffer.concat([...this.pending, piece]);
      this.skipped = { head: Buffer.from(line.subarray(0, KEEP)), tail: Buffer.from(line.subarray(-KEEP)) };
      this.pending = [];
      this.pendingBytes = 0;
    }
  }

  private endLine(): void {
    if (this.skipped) {
      const { head, tail } = this.skipped;
      this.skipped = undefined;
      const match = HEAD_ID.exec(head.toString('utf8')) ?? TAIL_ID.exec(tail.toString('utf8'));
      const id: unknown = match ? JSON.parse(match[1]!) : null;
      this.refuse(isId(id) ? id : null, ProtocolErrorCode.InvalidRequest, `Invalid Request: the message is over ${sizeText(this.max)}, the most berth mcp reads`);
      return;
    }
    const line = Buffer.concat(this.pending).toString('utf8').replace(/\r$/, '');
    this.pending = [];
    this.pendingBytes = 0;
    if (line.trim()) this.receive(line);
  }

  private receive(line: string): void {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      this.refuse(null, ProtocolErrorCode.ParseError, `Parse error: ${(err as Error).message}`);
      return;
    }
    if (Array.isArray(value)) {
      this.refuse(null, ProtocolErrorCode.InvalidRequest, batchRefusal(null, 'line')!);
      return;
    }
    let message: JSONRPCMessage;
    try {
      message = parseJSONRPCMessage(value);
    } catch {
      const reason = envelopeProblem(value);
      // A response is never answered, even a broken one (JSON-RPC 2.0): it is only said.
      if (isObject(value) && !('method' in value) && ('result' in value || 'error' in value)) this.options.log?.(`ignored a response that is not JSON-RPC 2.0: ${reason}`);
      else this.refuse(isObject(value) && isId(value.id) ? value.id : null, ProtocolErrorCode.InvalidRequest, `Invalid Request: ${reason}`);
      return;
    }
    if ('method' in message && 'id' in message) {
      const id = JSON.stringify(message.id);
      if (this.inFlight.has(id)) {
        this.refuse(message.id, ProtocolErrorCode.InvalidRequest, `Invalid Request: id ${id} is already in use by a request in flight; use a new id for each request`);
        return;
      }
      this.inFlight.add(id);
    }
    this.onmessage?.(message);
    // A cancelled request is never answered: its id is free again (the SDK has aborted it, and drops only its own controller).
    if ('method' in message && !('id' in message) && message.method === 'notifications/cancelled') {
      const params = message.params as { requestId?: unknown } | undefined;
      if (isId(params?.requestId)) this.inFlight.delete(JSON.stringify(params.requestId));
    }
  }

  private refuse(id: Id, code: number, message: string): void {
    this.options.log?.(`refused a message: ${oneLine(message)}`);
    this.write({ jsonrpc: '2.0', id, error: { code, message } }).catch(() => {});
  }

  private write(message: object): Promise<void> {
    return new Promise((resolve, reject) => {
      this.stdout.write(`${JSON.stringify(message)}\n`, (err) => (err ? reject(err) : resolve()));
    });
  }
}

/** What is wrong with a message that is not JSON-RPC 2.0, in words, naming the member. */
function envelopeProblem(value: unknown): string {
  if (!isObject(value)) return `a message is a JSON object, not ${value === null ? 'null' : `a ${typeof value}`}`;
  if (value.jsonrpc !== '2.0') return 'jsonrpc must be "2.0"';
  if ('id' in value && !isId(value.id)) return 'id must be a string or an integer';
  if ('method' in value && typeof value.method !== 'string') return 'method must be a string';
  if ('params' in value && !isObject(value.params)) return 'params must be an object';
  const unknown = Object.keys(value).find((k) => !MEMBERS.has(k));
  if (unknown !== undefined) return `unknown member ${JSON.stringify(unknown.slice(0, 100))}`;
  return 'it is neither a request (method and id), a notification (method) nor a response (id and result or error)';
}

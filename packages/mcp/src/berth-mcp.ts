import { McpServer, ProtocolError, ResourceNotFoundError, type CallToolResult, type McpRequestContext, type Transport } from '@modelcontextprotocol/server';
import { toolAnswer } from './answer.js';
import { CallQueue, QueueFullError } from './call-queue.js';
import { FileWatch } from './file-watch.js';
import { plainError } from './one-line.js';
import type { BerthHost, CliRun } from './host.js';
import { RESOURCES, isResourceUri, readResource, urisChangedBy } from './resources.js';
import { SecretGuard } from './secret-guard.js';
import { offeredTools, type BerthTool } from './tools.js';

export interface BerthMcpOptions {
  host: BerthHost;
  /** Offer the tools that change things (up, down, restart, ports_register). */
  allowWrite: boolean;
  /** berth's version, as the server names itself. */
  version: string;
  /** Where the server says what it does (one line each); stdout is the protocol's. */
  log?: (line: string) => void;
  /** Calls that may wait while another runs (default 8). */
  maxWaiting?: number;
  /** Values no answer may carry beyond the spec's own secrets: the API's token, where the API serves `/mcp`. */
  secrets?: string[];
}

/**
 * The error code of a resource read refused because berth is busy: JSON-RPC's range for a server's own errors.
 * Not "internal error": nothing went wrong, and the message says what runs and when to try again.
 */
export const SERVER_BUSY = -32000;

/** How long after a connection opens the spec watch starts, unless a subscription starts it sooner. */
const WATCH_DELAY_MS = 1000;

const INSTRUCTIONS = `berth knows this repo's development infrastructure from its validated spec (berth.yaml) and the cross-repo port registry.
Ask it before guessing: validate and ports_check for conflicts, ports_suggest for a free port, env_check for missing variables (never values), status, health and doctor for whether the stack works and why not, logs for a service's last lines, docs for the whole picture, ecosystem_check for the other repos this one shares ports and services with.
Every tool answers with the same JSON as the berth CLI's --json. Calls run one at a time.`;

/** An McpServer whose every error response is one line (plainError), whatever carries it: stdio or HTTP. */
class BerthServer extends McpServer {
  override async connect(transport: Transport): Promise<void> {
    const send = transport.send.bind(transport);
    transport.send = (message, options) => send(plainError(message), options);
    await super.connect(transport);
  }
}

/**
 * berth as an MCP server, whatever carries it (stdio, streamable HTTP): one host, one queue, one secret guard
 * and one watch of the spec, shared by the per-connection (or per-request) server instances `createServer` builds.
 */
export class BerthMcp {
  readonly queue: CallQueue;
  readonly guard: SecretGuard;
  readonly tools: BerthTool[];
  private readonly listeners = new Set<(uri: string) => void>();
  private watch: FileWatch | undefined;
  private armed: NodeJS.Timeout | undefined;
  private closed = false;
  /** Aborted by `close`: every call running or waiting then ends, answered as aborted, so a closing server waits for none. */
  private readonly stopping = new AbortController();

  constructor(readonly options: BerthMcpOptions) {
    this.queue = new CallQueue(options.maxWaiting);
    this.guard = new SecretGuard(options.host, options.secrets);
    this.tools = offeredTools(options.allowWrite);
  }

  /** Hear which resource URIs changed (the spec, the registry, the page); the watch runs once `watchFiles` was called. */
  onResourceUpdated(listener: (uri: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Starts following the spec and its registry, at once or after `delayMs`. Finding the registry means loading
   * the spec, which would cost a client's first answer; so a connection arms it with a delay, and a subscription
   * or a read of a resource starts it at once.
   */
  watchFiles(delayMs = 0): void {
    if (this.watch || this.closed) return;
    if (delayMs > 0) {
      this.armed ??= setTimeout(() => this.watchFiles(), delayMs).unref();
      return;
    }
    clearTimeout(this.armed);
    this.watch = new FileWatch(
      () => {
        const f = this.options.host.files();
        return f.registry ? [f.spec, f.registry] : [f.spec];
      },
      (path) => {
        this.options.log?.(`berth mcp: ${path} changed`);
        for (const uri of urisChangedBy(this.options.host.files(), path)) for (const l of this.listeners) l(uri);
      },
    );
  }

  /** A server instance with every tool and resource, for one connection (stdio) or one request (HTTP). */
  createServer(context: Pick<McpRequestContext, 'era'>, options: { inBandUpdates: boolean } = { inBandUpdates: true }): McpServer {
    // Announce only what happens: the tool list never changes (the SDK would say listChanged: true), and a
    // 2025-era client served without in-band updates (stateless HTTP) could subscribe but never hear an update.
    const subscribe = options.inBandUpdates || context.era === 'modern';
    const server = new BerthServer(
      { name: 'berth', title: 'berth', version: this.options.version },
      { capabilities: { tools: { listChanged: false }, resources: { subscribe, listChanged: false } }, instructions: INSTRUCTIONS },
    );
    for (const tool of this.tools) this.registerTool(server, tool);
    for (const resource of RESOURCES) {
      server.registerResource(resource.name, resource.uri, { title: resource.title, description: resource.description, mimeType: resource.mimeType }, async (uri, ctx) => {
        // A client that reads a resource may want to hear when it changes (a 2026-07-28 client says so on its listen stream, out of our sight).
        this.watchFiles();
        const run = (label: string, argv: string[]) => this.run(label, argv, ctx.mcpReq.signal);
        const text = await readResource(resource, this.options.host, run).catch((err: unknown) => {
          throw err instanceof QueueFullError ? new ProtocolError(SERVER_BUSY, err.message) : err;
        });
        return { contents: [{ uri: uri.href, mimeType: resource.mimeType, text: this.guard.redact(text) }] };
      });
    }
    // resources/subscribe is 2025-era bookkeeping, per connection; 2026-07-28 clients name URIs on their
    // subscriptions/listen stream and the SDK's entry filters delivery itself. Only berth's own URIs can be
    // subscribed to, so the set holds five at most, and a client hears at once that another URI is none of them.
    const subscribed = new Set<string>();
    if (subscribe) this.handleSubscriptions(server, subscribed);
    if (options.inBandUpdates) {
      this.watchFiles(WATCH_DELAY_MS);
      const stop = this.onResourceUpdated((uri) => {
        if (!server.isConnected() || !(context.era === 'modern' || subscribed.has(uri))) return;
        server.server.sendResourceUpdated({ uri }).catch(() => {});
      });
      const previous = server.server.onclose;
      server.server.onclose = () => {
        stop();
        previous?.();
      };
    }
    return server;
  }

  /** resources/subscribe and unsubscribe, for a server that announces subscriptions: berth's own URIs only. */
  private handleSubscriptions(server: McpServer, subscribed: Set<string>): void {
    server.server.setRequestHandler('resources/subscribe', (request) => {
      if (!isResourceUri(request.params.uri)) throw new ResourceNotFoundError(request.params.uri);
      subscribed.add(request.params.uri);
      this.watchFiles();
      return {};
    });
    server.server.setRequestHandler('resources/unsubscribe', (request) => {
      subscribed.delete(request.params.uri);
      return {};
    });
  }

  private registerTool(server: McpServer, tool: BerthTool): void {
    server.registerTool(
      tool.name,
      { title: tool.title, description: tool.description, inputSchema: tool.input, annotations: { title: tool.title, ...tool.hints } },
      async (args: unknown, ctx): Promise<CallToolResult> => {
        const started = performance.now();
        let answer: CallToolResult;
        try {
          answer = toolAnswer(tool, await this.run(tool.name, tool.argv(args as never), ctx.mcpReq.signal));
        } catch (err) {
          answer = { isError: true, content: [{ type: 'text', text: err instanceof QueueFullError ? err.message : `berth: ${tool.name}: ${(err as Error).message ?? String(err)}` }] };
        }
        this.options.log?.(`berth mcp: ${tool.name} ${answer.isError ? 'failed' : 'answered'} in ${Math.round(performance.now() - started)} ms`);
        return this.guard.redact(answer);
      },
    );
  }

  /** One berth command, in turn; aborted when the client cancels the call or the server closes. */
  private run(label: string, argv: string[], signal: AbortSignal): Promise<CliRun> {
    const either = AbortSignal.any([signal, this.stopping.signal]);
    return this.queue.run(label, either, () => this.options.host.run(argv, either));
  }

  /**
   * Stops the watch and aborts every call running or waiting (each is answered as aborted where its client still
   * listens); a server that is done holds nothing open.
   */
  close(): void {
    this.closed = true;
    this.stopping.abort(new Error('berth mcp is stopping'));
    clearTimeout(this.armed);
    this.watch?.close();
    this.watch = undefined;
    this.listeners.clear();
  }
}

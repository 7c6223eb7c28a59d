import type { OutgoingHttpHeader, ServerResponse } from 'node:http';
import type { ServerEvent } from './contract.js';

/**
 * How many event streams are served at once: a dashboard tab is one, and each holds a socket and up to 1 MiB of
 * unsent events, so a client that opens them without end (a local process, a page reloading in a loop) is refused
 * past this, not given every file descriptor the server has.
 */
export const EVENT_CLIENTS_MAX = 100;

/** Server-sent events to every connected dashboard. Slow clients are dropped rather than buffered forever. */
export class EventHub {
  private clients = new Set<ServerResponse>();
  private heartbeat: NodeJS.Timeout;
  private nextId = 1;

  constructor(
    private redact: (text: string) => string,
    heartbeatMs = 15_000,
    private maxClients = EVENT_CLIENTS_MAX,
  ) {
    // A comment line keeps proxies and browsers from timing the stream out.
    this.heartbeat = setInterval(() => this.write(': keep-alive\n\n'), heartbeatMs);
    this.heartbeat.unref();
  }

  get size() {
    return this.clients.size;
  }

  /**
   * Takes over a response: headers, the first event, and removal when the client goes. `headers` are those the
   * request's hooks set before the route took the response over (CORS): writeHead would otherwise drop them.
   */
  add(res: ServerResponse, first: ServerEvent, headers: Record<string, OutgoingHttpHeader | undefined> = {}): void {
    for (const [name, value] of Object.entries(headers)) if (value !== undefined) res.setHeader(name, value);
    if (this.clients.size >= this.maxClients && res.req.method !== 'HEAD') {
      // EventSource gives up on a 503; the dashboard opens its stream again after 3 s, as after any close
      res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '5' });
      return void res.end(JSON.stringify({ statusCode: 503, error: 'Service Unavailable', message: `${this.maxClients} event streams are open, the most berth serves at once: close one (a dashboard tab) or try again` }));
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // HEAD has no body, so no write would ever send the headers: send them and end; it is no client to count.
    if (res.req.method === 'HEAD') return void res.end();
    res.write(`retry: 3000\n${this.format(first)}`);
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }

  private format(event: ServerEvent): string {
    return `id: ${this.nextId++}\nevent: ${event.type}\ndata: ${this.redact(JSON.stringify(event))}\n\n`;
  }

  send(event: ServerEvent): void {
    if (this.clients.size) this.write(this.format(event));
  }

  private write(chunk: string): void {
    for (const res of this.clients) {
      // More than 1 MiB unread: the client is not keeping up.
      if (res.writableLength > 1 << 20) {
        res.destroy();
        this.clients.delete(res);
      } else res.write(chunk);
    }
  }

  /** Ends every stream (on shutdown), so the server can close. */
  close(): void {
    clearInterval(this.heartbeat);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }
}

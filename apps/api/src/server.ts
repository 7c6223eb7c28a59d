import { STATUS_CODES } from 'node:http';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { BerthError } from '@berth/spec';
import { httpErrorOf } from './error-status.js';
import { allowedHosts, hostOf, installHostCheck, misdirected } from './host-check.js';
import { installJsonParser } from './json-body.js';
import { Runtime, type RuntimeOptions } from './runtime.js';
import type { StoreClosed } from './store/history-store.js';
import { registerReadRoutes } from './routes/read-routes.js';
import { registerStaticRoutes } from './routes/static-routes.js';
import { registerSystemRoutes } from './routes/system-routes.js';
import { registerWriteRoutes } from './routes/write-routes.js';
import { registerMcpRoutes, type McpRouteOptions } from './routes/mcp-routes.js';

export interface ServerOptions extends RuntimeOptions {
  /** The bearer token write routes need. */
  token: string;
  /** The built dashboard; none serves a page saying how to build it. */
  uiDir?: string;
  /** Origins allowed to call the API from a browser; none means no CORS headers at all. */
  corsOrigins?: string[];
  /** Largest request body in bytes (default 16 KiB); larger is 413. */
  bodyLimit?: number;
  logger?: boolean;
  /** MCP over streamable HTTP at /mcp (behind the token), when berth serve provides a host to run berth. */
  mcp?: McpRouteOptions;
}

export interface BerthServer {
  app: FastifyInstance;
  runtime: Runtime;
  /** Listens (default 127.0.0.1, port 0 for any free one) and returns the base URL. */
  listen(options?: { host?: string; port?: number }): Promise<string>;
  /** Graceful: stops accepting, ends event streams, finishes in-flight checks, closes the store; says what could not be stored. */
  close(): Promise<StoreClosed>;
}

const VERSION = '0.1.0';

function installCors(app: FastifyInstance, origins: string[]) {
  const allowed = new Set(origins);
  app.addHook('onRequest', async (req, reply) => {
    const origin = req.headers.origin;
    if (!origin || !(allowed.has(origin) || allowed.has('*'))) return;
    reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
    if (req.method === 'OPTIONS') {
      return reply.header('access-control-allow-methods', 'GET, POST').header('access-control-allow-headers', 'authorization, content-type').header('access-control-max-age', '600').code(204).send();
    }
  });
}

function installErrors(app: FastifyInstance, redact: (text: string) => string, logged: boolean) {
  app.setErrorHandler((error, req, reply) => {
    const err = error as FastifyError;
    if (hasZodFastifySchemaValidationErrors(err)) {
      // "/a/b" names the field ("a.b: ..."); "/" is the whole body or query, which the context names already.
      const field = (path: string) => path.replace(/^\//, '').replace(/\//g, '.');
      const message = err.validation.map((v) => [field(v.instancePath), v.message].filter(Boolean).join(': ')).join('; ');
      return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: `${err.validationContext ?? 'request'}: ${message}` });
    }
    // A BerthError's status is its code's, from the one table; fastify's own errors carry theirs. Either way the
    // body's `error` is the status's name (fastify's errors are all named "FastifyError").
    const status = error instanceof BerthError ? httpErrorOf(error.code).statusCode : typeof err.statusCode === 'number' && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) {
      // With no logger, one line on stderr, so "see the server log" points somewhere.
      if (logged) req.log.error({ err }, 'request failed');
      else process.stderr.write(`berth serve: ${req.method} ${req.url.split('?')[0]} failed: ${redact(err.message.split('\n')[0] ?? '')}\n`);
    }
    const message = status >= 500 ? 'internal error; see the server log' : redact(err.message);
    return reply.code(status).send({ statusCode: status, error: status >= 500 ? 'Internal Server Error' : (STATUS_CODES[status] ?? 'Error'), message });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no route ${req.method} ${req.url.split('?')[0]}` }));
}

/** Builds the API over a runtime (scheduler, store, sources). Nothing runs until `runtime.start()` (called by listen). */
export async function createServer(options: ServerOptions): Promise<BerthServer> {
  // Only requests that name berth as it listens (loopback, or what --host names): a browser page that
  // reached this port under a name of its own (DNS rebinding) gets 421 before anything else runs.
  let hosts = allowedHosts();
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 16 * 1024,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // A URL that does not decode names no file or route: 404 like any other. These errors come before the
    // onRequest hooks, so the Host check is made here too.
    frameworkErrors: (error, req, reply) => {
      const wrongHost = misdirected(req.headers.host, hosts);
      if (wrongHost) return void (reply as FastifyReply).code(421).send(wrongHost);
      const code = error.code === 'FST_ERR_BAD_URL' ? 404 : (error.statusCode ?? 400);
      void (reply as FastifyReply).code(code).send({ statusCode: code, error: STATUS_CODES[code] ?? 'Error', message: code === 404 ? 'not found' : error.message });
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const runtime = new Runtime(options);
  const redact = options.redact;
  installHostCheck(app, () => hosts);

  // The second wall for secrets: no body leaves with a value that looks secret.
  // Callback-style hooks: no promise per request on the hot path. The cached /health body is redacted already.
  app.addHook('onSend', (_req, _reply, payload, done) => done(null, typeof payload === 'string' && payload !== runtime.health().body ? redact(payload) : payload));
  // No other site frames the dashboard (clickjacking its buttons), and no body is read as another type than it says.
  app.addHook('onRequest', (_req, reply, done) => {
    reply.header('x-content-type-options', 'nosniff').header('x-frame-options', 'DENY').header('content-security-policy', "frame-ancestors 'none'");
    done();
  });
  if (options.corsOrigins?.length) installCors(app, options.corsOrigins);
  installErrors(app, redact, !!options.logger);
  installJsonParser(app);

  const { default: swagger } = await import('@fastify/swagger');
  const { default: swaggerUi } = await import('@fastify/swagger-ui');
  await app.register(swagger, {
    openapi: {
      info: { title: 'berth API', version: VERSION, description: 'Health, history, ports, env status, containers and GPUs of a berth spec.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  registerSystemRoutes(app, runtime);
  registerReadRoutes(app, runtime);
  registerWriteRoutes(app, runtime, options.token);
  if (options.mcp) registerMcpRoutes(app, options.mcp, options.token, () => hosts);
  await registerStaticRoutes(app, options.uiDir);

  // Streams never end by themselves: end them first so close() does not wait on them.
  app.addHook('preClose', async () => runtime.events.close());
  app.addHook('onClose', async () => runtime.stop());

  let started = false;
  return {
    app,
    runtime,
    async listen({ host = '127.0.0.1', port = 0 } = {}) {
      hosts = allowedHosts(host);
      let address: string;
      try {
        address = await app.listen({ host, port });
      } catch (err) {
        throw listenFailure(err, host, port);
      }
      // a --host NAME listens on what the name resolves to, and the URL berth prints names that address: it answers as both
      const listened = hostOf(new URL(address).host);
      if (listened) hosts.add(listened);
      // the checks start once the server listens: a server that could not listen leaves nothing running
      if (!started) runtime.start();
      started = true;
      return address.replace('[::1]', 'localhost');
    },
    async close() {
      await app.close();
      return runtime.stop();
    },
  };
}

/**
 * Why the server could not listen, in one line: a port another program holds (ERR_BERTH_PORT_TAKEN, exit 1: the
 * machine's state, not the input), a port or address this user may not take or this machine does not have (usage,
 * exit 2). Anything else is passed on as it is.
 */
function listenFailure(err: unknown, host: string, port: number): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  const at = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const hint = 'choose another with --port (or BERTH_PORT); 0 picks a free one';
  if (code === 'EADDRINUSE') return new BerthError('ERR_BERTH_PORT_TAKEN', `cannot listen on ${at}: the port is in use (another berth serve, or another program)`, { hint, cause: err });
  if (code === 'EACCES') return new BerthError('ERR_BERTH_USAGE', `cannot listen on ${at}: permission denied (ports below 1024 need privileges)`, { hint, cause: err });
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new BerthError('ERR_BERTH_USAGE', `cannot listen on ${at}: ${host} is not an address of this machine (${code})`, { hint: 'give --host an address this machine has, such as 127.0.0.1', cause: err });
  return err;
}

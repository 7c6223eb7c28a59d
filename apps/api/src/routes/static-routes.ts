import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

/** Where the built dashboard is: beside the API's sources, or beside the CLI bundle that embeds them. */
export function defaultUiDir(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '../../../ui/dist'), resolve(here, '../../ui/dist'), resolve(here, '../../../../apps/ui/dist'), resolve(process.cwd(), 'apps/ui/dist')];
  return candidates.find((d) => existsSync(join(d, 'index.html')));
}

/**
 * True for a request path that tries to climb out of the static root, however it is encoded, or that has an empty
 * segment ("//", which names no file: @fastify/static would answer 403 to it).
 */
export function isTraversal(url: string): boolean {
  const q = url.indexOf('?');
  let path = q < 0 ? url : url.slice(0, q);
  // Most requests: no escapes, dots, backslashes or double slashes at all.
  if (!/[%.\\\0]|\/\//.test(path)) return false;
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(path);
    } catch {
      return true; // malformed escapes are not a file we serve
    }
    if (next === path) break;
    path = next;
  }
  return path.includes('\0') || path.includes('\\') || path.includes('//') || path.split('/').some((seg) => seg === '..' || seg === '.');
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>berth</title>
<body style="font-family:system-ui;max-width:40rem;margin:3rem auto">
<h1>berth</h1><p>The dashboard is not built yet: run <code>npx nx run ui:build</code>, then restart <code>berth serve</code>.</p>
<p>The API answers meanwhile: <a href="/health">/health</a>, <a href="/api/services">/api/services</a>, <a href="/docs">/docs</a>, <a href="/metrics">/metrics</a>.</p>`;

/** The dashboard's files, and the index page for client-side routes. Path traversal is a 404. */
export async function registerStaticRoutes(app: FastifyInstance, uiDir: string | undefined): Promise<void> {
  app.addHook('onRequest', (req, reply, done) => {
    if (isTraversal(req.raw.url ?? '/')) void reply.code(404).send({ statusCode: 404, error: 'Not Found', message: 'not found' });
    else done();
  });
  if (!uiDir) {
    app.get('/', { schema: { hide: true } }, (_req, reply) => reply.type('text/html; charset=utf-8').send(NOT_BUILT));
    return;
  }
  const { default: fastifyStatic } = await import('@fastify/static');
  await app.register(fastifyStatic, { root: uiDir, prefix: '/', index: ['index.html'], dotfiles: 'deny', wildcard: true, cacheControl: true, maxAge: '1h' });
}

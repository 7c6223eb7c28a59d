import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

/**
 * Where berth's built dashboard is: the `@berth/ui` package (apps/ui in the workspace, or an installed
 * node_modules/@berth/ui) beside the folder of the API's module or of the CLI bundle that embeds it, found from this
 * module's own path only. Never from the working directory, and never a `ui` folder that is not @berth/ui: run in
 * another repo, an app of its own named ui is not berth's dashboard. Undefined when there is none.
 * @param from the module's folder (the default); a parameter for tests
 */
export function defaultUiDir(from = dirname(fileURLToPath(import.meta.url))): string | undefined {
  // apps/api/{src,dist}/routes, apps/cli/dist[/chunks], node_modules/@berth/{api,cli}/dist/...: @berth/ui's folder is
  // a sibling of the package's folder, at most four levels up.
  for (let dir = from, up = 0; up < 5; up++, dir = dirname(dir)) {
    const ui = join(dir, 'ui');
    if (isBerthUi(ui) && existsSync(join(ui, 'dist', 'index.html'))) return join(ui, 'dist');
  }
  return undefined;
}

function isBerthUi(dir: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name === '@berth/ui';
  } catch {
    return false;
  }
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
<h1>berth</h1><p>The dashboard is not built: this berth has no built <code>@berth/ui</code> beside it (in the berth repository, run <code>npx nx run ui:build</code>, then restart <code>berth serve</code>).</p>
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
  await app.register(fastifyStatic, {
    root: uiDir,
    prefix: '/',
    index: ['index.html'],
    dotfiles: 'deny',
    wildcard: true,
    cacheControl: false,
    setHeaders: (reply, path) => void reply.header('cache-control', cacheControlFor(relative(uiDir, path))),
  });
}

/**
 * How long a browser may keep a file of the built dashboard. Vite names every file under `assets/` by a hash of its
 * content, so those never change: a year, immutable. Everything else (index.html above all, which names the hashed
 * bundle) is `no-cache`: revalidated each time (its ETag makes that a 304), so after an upgrade a new tab loads the
 * new dashboard, never the old one, nor an old index naming a bundle the new build deleted (a blank page).
 * @param file the file's path relative to the dashboard's folder
 */
export function cacheControlFor(file: string): string {
  return file.split(sep).join('/').startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
}

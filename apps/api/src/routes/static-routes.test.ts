import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultUiDir, isTraversal, registerStaticRoutes } from './static-routes.js';

describe('isTraversal', () => {
  it('catches dot segments however encoded, backslashes and NUL', () => {
    for (const p of ['/../etc/passwd', '/a/../../b', '/%2e%2e/x', '/%252e%252e/x', '/..%2fx', '/a%5c..%5cb', '/./x', '/a%00b', '/%E0%A4%A']) expect(isTraversal(p), p).toBe(true);
  });
  it('catches empty segments, which name no file, however encoded', () => {
    for (const p of ['//health', '//index.html', '/assets//a.js', '/x//', '/%2fhealth', '/a%252f%252fb']) expect(isTraversal(p), p).toBe(true);
  });
  it('lets ordinary paths through', () => {
    for (const p of ['/', '/index.html', '/assets/index-3f2a.js', '/api/services?x=..', '/a..b/c']) expect(isTraversal(p), p).toBe(false);
  });
});

describe('defaultUiDir: berth\'s own dashboard, found from berth\'s files, never from the working directory', () => {
  let tmp: string;
  const write = (path: string, text = '') => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  };
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'berth-ui-dir-'));
    // An adopter's Nx repo with an app of its own named ui, and berth installed from npm (no @berth/ui beside it).
    write(join(tmp, 'acme/apps/ui/package.json'), '{ "name": "ui" }');
    write(join(tmp, 'acme/apps/ui/dist/index.html'), '<title>ACME customer portal</title>');
    write(join(tmp, 'acme/node_modules/@berth/api/dist/routes/static-routes.js'));
    write(join(tmp, 'acme/node_modules/@berth/cli/dist/chunks/serve.mjs'));
    // The same layout with a built @berth/ui installed beside the API.
    write(join(tmp, 'with-ui/node_modules/@berth/api/dist/routes/static-routes.js'));
    write(join(tmp, 'with-ui/node_modules/@berth/ui/package.json'), '{ "name": "@berth/ui" }');
    write(join(tmp, 'with-ui/node_modules/@berth/ui/dist/index.html'), '<title>berth</title>');
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('an installed berth run in a repo holding apps/ui/dist does not serve that repo\'s app', () => {
    const cwd = process.cwd();
    process.chdir(join(tmp, 'acme'));
    try {
      expect(defaultUiDir(join(tmp, 'acme/node_modules/@berth/api/dist/routes'))).toBeUndefined();
      expect(defaultUiDir(join(tmp, 'acme/node_modules/@berth/cli/dist/chunks'))).toBeUndefined();
    } finally {
      process.chdir(cwd);
    }
  });

  it('finds @berth/ui beside the installed API', () => {
    expect(defaultUiDir(join(tmp, 'with-ui/node_modules/@berth/api/dist/routes'))).toBe(join(tmp, 'with-ui/node_modules/@berth/ui/dist'));
  });

  const root = fileURLToPath(new URL('../../../../', import.meta.url));
  it("in the berth workspace: apps/ui/dist, from the API's sources, its build and the CLI bundle", () => {
    // the workspace's layout, built: the real apps/ui is @berth/ui, beside apps/api and apps/cli
    expect(JSON.parse(readFileSync(join(root, 'apps/ui/package.json'), 'utf8')).name).toBe('@berth/ui');
    write(join(tmp, 'ws/apps/ui/package.json'), '{ "name": "@berth/ui" }');
    write(join(tmp, 'ws/apps/ui/dist/index.html'), '<title>berth</title>');
    const ui = join(tmp, 'ws/apps/ui/dist');
    for (const from of ['apps/api/src/routes', 'apps/api/dist/routes', 'apps/cli/dist', 'apps/cli/dist/chunks']) expect(defaultUiDir(join(tmp, 'ws', from)), from).toBe(ui);
    // not built yet: no dashboard, and the API says so
    rmSync(join(tmp, 'ws/apps/ui/dist'), { recursive: true });
    expect(defaultUiDir(join(tmp, 'ws/apps/api/src/routes'))).toBeUndefined();
  });
});

describe('registerStaticRoutes: how long a browser keeps the dashboard', () => {
  let ui: string;
  beforeAll(() => {
    ui = mkdtempSync(join(tmpdir(), 'berth-ui-cache-'));
    mkdirSync(join(ui, 'assets'));
    writeFileSync(join(ui, 'index.html'), '<!doctype html><script type="module" src="/assets/index-3f2aB9c1.js"></script>');
    writeFileSync(join(ui, 'assets/index-3f2aB9c1.js'), 'console.log(1)');
    writeFileSync(join(ui, 'favicon.svg'), '<svg/>');
  });
  afterAll(() => rmSync(ui, { recursive: true, force: true }));

  it('revalidates index.html (no-cache), so a new tab after an upgrade loads the new build; hashed assets are immutable', async () => {
    const { default: Fastify } = await import('fastify');
    const app = Fastify();
    await registerStaticRoutes(app, ui);
    try {
      for (const url of ['/', '/index.html', '/favicon.svg']) {
        const res = await app.inject({ url });
        expect(res.statusCode, url).toBe(200);
        expect(res.headers['cache-control'], url).toBe('no-cache');
      }
      const asset = await app.inject({ url: '/assets/index-3f2aB9c1.js' });
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      // revalidation is cheap: the same index again is a 304
      const first = await app.inject({ url: '/' });
      const again = await app.inject({ url: '/', headers: { 'if-none-match': String(first.headers.etag) } });
      expect(again.statusCode).toBe(304);
    } finally {
      await app.close();
    }
  });
});

/**
 * The dashboard end to end: the real berth API (apps/api) over a spec whose services are loopback
 * servers this test owns, the built page (apps/ui) in Debian's headless Chromium driven by
 * playwright-core, and a profile started on the real Docker engine with the local busybox image.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { dockerAvailable, dockerSkipReason, ensureTestImage, TEST_IMAGE, uniqueProject } from '@berth/docker/testing';
import { startServer, type RunningServer } from '@berth/api';
import { buildUi, CHROMIUM, CHROMIUM_ARGS, chromiumReason, closeServer, loopbackService, repoRoot, startApi } from './support/browser.js';

/** The committed screenshots are rewritten only when asked, so a test run leaves the tree clean. */
const screenshotsTo = process.env.BERTH_UPDATE_SCREENSHOTS === '1' ? join(repoRoot, 'docs/screenshots') : undefined;
/** How often the test spec's checks run; a service that goes down must turn red within one of these. */
const INTERVAL_MS = 1000;
const CHECK_TIMEOUT_MS = 500;
const TOKEN = `e2e-${process.pid}-${Date.now().toString(36)}`;
/** A secret env value the API is given; it must never reach the page. */
const SECRET_VALUE = `sk-live-${process.pid}-${Date.now().toString(36)}-do-not-show`;

/** A port nobody listens on right now, for the container's published port. */
async function freePort(): Promise<number> {
  const s = createHttpServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A loopback TCP listener standing in for a database the stack connects to. */
async function loopbackTcp(): Promise<{ server: NetServer; port: number }> {
  const server = createNetServer((socket) => socket.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

interface Ports {
  project: string;
  web: number;
  search: number;
  cache: number;
  db: number;
}

/** The stack the page shows: two host services, one of which the test stops; a profile with a container; a connection; env per module. */
function specYaml(p: Ports): string {
  const check = (port: number) => `[{ type: http, url: "http://127.0.0.1:${port}/health", interval: ${INTERVAL_MS}ms, timeout: ${CHECK_TIMEOUT_MS}ms }]`;
  return `berth: 1
repo: { name: e2e-shop, description: "The dashboard's end-to-end stack" }
project: ${p.project}
registry: ports.yaml
profiles:
  cache: { description: Page cache (busybox httpd) }
  next: { description: "The next search engine, on search's port" }
services:
  web:
    name: Storefront
    purpose: Serves the shop
    runtime: host
    ports: [{ host: ${p.web}, hostIp: 127.0.0.1, appProtocol: http, env: WEB_PORT }]
    checks: ${check(p.web)}
  search:
    name: Search API
    purpose: Product search
    runtime: host
    ports: [{ host: ${p.search}, hostIp: 127.0.0.1, appProtocol: http, env: SEARCH_PORT }]
    exclusiveWith: [search-next]
    checks: ${check(p.search)}
  search-next:
    name: Search (next)
    runtime: host
    profiles: [next]
    ports: [{ host: ${p.search}, hostIp: 127.0.0.1, appProtocol: http }]
    exclusiveWith: [search]
    checks: ${check(p.search)}
  cache:
    name: Page cache
    image: ${TEST_IMAGE}
    command: [httpd, -f, -p, "8080", -h, /www]
    profiles: [cache]
    stopGracePeriod: 1s  # busybox httpd as PID 1 ignores SIGTERM
    ports: ["127.0.0.1:${p.cache}:8080"]
    checks: ${check(p.cache)}
connections:
  orders-db:
    name: Orders DB
    host: 127.0.0.1
    port: ${p.db}
    checks: [{ type: tcp, port: ${p.db}, interval: ${INTERVAL_MS}ms, timeout: ${CHECK_TIMEOUT_MS}ms }]
modules:
  payments: { description: Card payments }
env:
  SEARCH_URL: { type: url, required: true, purpose: Where the storefront finds search }
  SHOP_API_KEY: { secret: true, required: { module: payments } }
  PAYMENTS_WEBHOOK_SECRET: { secret: true, required: { module: payments } }
`;
}

/** The team's port registry: web and search registered, and another repo's Grafana on web's port. */
function registryYaml(p: Ports): string {
  return `registry: 1
owner: platform
ports:
  - { port: ${p.web}, repo: e2e-shop, service: web, env: WEB_PORT }
  - { port: ${p.search}, repo: e2e-shop, service: search, env: SEARCH_PORT }
  - { port: ${p.web}, repo: observability, service: grafana }
`;
}

function dockerRm(project: string): void {
  const ids = spawnSync('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  if (ids.length) spawnSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
  spawnSync('docker', ['network', 'rm', `${project}_default`], { stdio: 'ignore' });
}

describe.skipIf(chromiumReason !== '')(`dashboard in headless Chromium${chromiumReason}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-ui-e2e-'));
  // A build of its own, so a test never swaps apps/ui/dist under a server someone else is running.
  const uiDist = join(dir, 'ui');
  const screenshots = screenshotsTo ?? join(dir, 'screenshots');
  const project = uniqueProject('berth-ui-e2e');
  let web: Awaited<ReturnType<typeof loopbackService>>;
  let search: Awaited<ReturnType<typeof loopbackService>>;
  let db: Awaited<ReturnType<typeof loopbackTcp>>;
  let ports: Ports;
  let api: RunningServer;
  let apiOptions: Parameters<typeof startServer>[0];
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    buildUi(uiDist);
    web = await loopbackService();
    search = await loopbackService();
    db = await loopbackTcp();
    ports = { project, web: web.port, search: search.port, cache: await freePort(), db: db.port };
    const specFile = join(dir, 'berth.yaml');
    writeFileSync(specFile, specYaml(ports));
    writeFileSync(join(dir, 'ports.yaml'), registryYaml(ports));
    apiOptions = {
      specPath: specFile,
      token: TOKEN,
      uiDir: uiDist,
      store: `sqlite:${join(dir, 'history.db')}`,
      port: 0,
      gpu: false,
      env: { ...process.env, SHOP_API_KEY: SECRET_VALUE, SEARCH_URL: 'search-without-a-scheme' },
    };
    api = await startApi(apiOptions);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(api.url);
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    for (const s of [web, search]) if (s?.server.listening) await closeServer(s.server);
    db?.server.close();
    if (dockerAvailable()) dockerRm(project);
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the page and shows every service with its live status', async () => {
    await page.locator('[data-service="web"][data-status="passing"]').waitFor({ timeout: 15_000 });
    await page.locator('[data-service="search"][data-status="passing"]').waitFor({ timeout: 15_000 });
    await page.locator('[data-stream="live"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('h1').innerText()).toContain('e2e-shop');
    expect(await page.locator('[data-service="web"] .badge').innerText()).toContain('up');
    expect(await page.locator('[data-service="cache"]').count()).toBe(1);
    expect(await page.locator('[data-profile="cache"] button', { hasText: 'Up' }).count()).toBe(1);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to services');
    expect(pageErrors).toEqual([]);
  });

  it('shows the port map with the conflict and the exclusive pair in words, and env status without values', async () => {
    const exclusive = page.locator(`[data-conflict="${ports.search}"]`);
    const conflict = page.locator(`[data-conflict="${ports.web}"]`);
    await conflict.waitFor({ timeout: 15_000 });
    expect(await exclusive.getAttribute('class')).toBe('warn');
    expect(await exclusive.innerText()).toMatch(/search.*search-next.*never to run together/);
    expect(await conflict.getAttribute('class')).toBe('bad');
    expect(await conflict.innerText()).toMatch(/Conflict: port \d+ — .*grafana \(observability\)/);
    const payments = page.locator('[data-module="payments"]');
    await payments.waitFor({ timeout: 15_000 });
    expect(await payments.innerText()).toContain('PAYMENTS_WEBHOOK_SECRET');
    await page.locator('[data-service="orders-db"][data-status="passing"]').waitFor({ timeout: 15_000 });
    expect(await page.content()).not.toContain(SECRET_VALUE);
  });

  it('turns a service red, by colour and by word, within one check interval of it going down', async () => {
    await page.locator('[data-service="search"][data-status="passing"]').waitFor({ timeout: 15_000 });
    const downAt = Date.now();
    await closeServer(search.server);
    // One interval until the next run, the run's own timeout, and a second for the event to reach the page.
    await page.locator('[data-service="search"][data-status="critical"]').waitFor({ timeout: INTERVAL_MS + CHECK_TIMEOUT_MS + 1000 });
    console.log(`search turned red ${Date.now() - downAt} ms after its server closed (check interval ${INTERVAL_MS} ms)`);
    const row = page.locator('[data-service="search"]');
    expect(await row.locator('.badge').innerText()).toContain('down');
    expect((await row.locator('.reason').innerText()).length).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="announcer"]').innerText()).toContain('Search API is down');
    expect(await page.locator('[data-overall]').getAttribute('data-overall')).toBe('critical');
    expect(await page.title()).toBe('✕ e2e-shop down · berth');
  });

  it('shows an answer of the wrong shape as an error on its panel, not a crash, and the other panels still load', async () => {
    const odd = await browser.newPage();
    const errors: string[] = [];
    odd.on('pageerror', (e) => errors.push(e.message));
    // An older or newer server, or a proxy: /api/services answers JSON of another shape.
    await odd.route('**/api/services', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ services: [{ id: 'web', status: 'fine' }], checkedAt: null }) }));
    await odd.goto(api.url);
    const alert = odd.locator('#services [role="alert"]');
    await alert.waitFor({ timeout: 15_000 });
    expect(await alert.innerText()).toMatch(/^Could not load: api\/services sent an answer this dashboard does not understand \(services\.0\.\w+: .+\)/);
    await odd.locator(`[data-conflict="${ports.web}"]`).waitFor({ timeout: 15_000 });
    expect(errors).toEqual([]);
    await odd.close();
  });

  it('saves light and dark screenshots of the page', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const shot = await browser.newPage({ viewport: { width: 1366, height: 900 }, colorScheme: scheme });
      await shot.goto(api.url);
      await shot.locator('[data-service="search"][data-status="critical"]').waitFor({ timeout: 15_000 });
      // Uptime comes from the history store: reload until it has the failure (the server caches summaries for 5 s).
      await expect
        .poll(
          async () => {
            await shot.reload();
            return shot.locator('[data-service="search"] td.num').first().innerText();
          },
          { timeout: 30_000, interval: 2000 },
        )
        .not.toBe('100%');
      for (const id of ['web', 'search', 'orders-db']) await shot.locator(`[data-service="${id}"] svg.spark`).waitFor({ timeout: 15_000 });
      await shot.locator('[data-stream="live"]').waitFor({ timeout: 15_000 });
      const file = join(screenshots, `dashboard-${scheme}.png`);
      await shot.screenshot({ path: file, fullPage: true });
      await shot.close();
      expect(existsSync(file)).toBe(true);
    }
  });

  describe.skipIf(!dockerAvailable())(`profile buttons on the real engine${dockerSkipReason()}`, () => {
    beforeAll(async () => {
      const { default: Docker } = await import('dockerode');
      await ensureTestImage(new Docker());
    });

    it('refuses a wrong token and says so, then starts the profile with the right one (keyboard only)', async () => {
      await page.evaluate(() => sessionStorage.removeItem('berth.token'));
      await page.locator('[data-profile="cache"] button', { hasText: 'Up' }).focus();
      await page.keyboard.press('Enter');
      await page.locator('dialog[open]').waitFor();
      // The modal dialog takes focus to its token field; Enter submits.
      expect(await page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('password');
      await page.keyboard.type('not-the-token');
      await page.keyboard.press('Enter');
      await page.locator('dialog[open] [role="alert"]').waitFor({ timeout: 10_000 });
      expect(await page.locator('dialog[open] [role="alert"]').innerText()).toContain('refused');

      await page.locator('dialog[open] input[type="password"]').fill(TOKEN);
      await page.keyboard.press('Enter');
      await page.locator('[data-container="cache"][data-state="running"]').waitFor({ timeout: 60_000 });
      await page.locator('[data-service="cache"][data-status="passing"]').waitFor({ timeout: 30_000 });
      expect(await page.evaluate(() => sessionStorage.getItem('berth.token'))).toBe(TOKEN);
      const running = spawnSync('docker', ['ps', '-q', '--filter', `label=com.docker.compose.project=${project}`, '--filter', 'status=running'], { encoding: 'utf8' });
      expect(running.stdout.trim()).not.toBe('');
    });

    it('stops the profile with the kept token, without asking again', async () => {
      await page.locator('[data-profile="cache"] button', { hasText: 'Down' }).click();
      expect(await page.locator('dialog[open]').count()).toBe(0);
      // Down on purpose, its profile off: not expected to answer, so unknown ("not expected"), not critical.
      await page.locator('[data-service="cache"][data-status="unknown"]').waitFor({ timeout: 60_000 });
      // The page says what the API answered once the profile is down.
      await expect.poll(() => page.locator('[data-profile="cache"] [role="status"]').innerText(), { timeout: 60_000 }).not.toBe('Stopping…');
      await page.locator('[data-container="cache"][data-state="running"]').waitFor({ state: 'detached', timeout: 30_000 });
      const running = spawnSync('docker', ['ps', '-q', '--filter', `label=com.docker.compose.project=${project}`, '--filter', 'status=running'], { encoding: 'utf8' });
      expect(running.stdout.trim()).toBe('');
    });
  });

  it('says so while the API is away, reconnects when it is back, and keeps the history across the restart', async () => {
    const port = Number(new URL(api.url).port);
    await page.locator('[data-stream="live"]').waitFor({ timeout: 15_000 });
    await api.close();
    await page.locator('[data-stream="reconnecting"]').waitFor({ timeout: 15_000 });
    api = await startApi({ ...apiOptions, port });
    await page.locator('[data-stream="live"]').waitFor({ timeout: 30_000 });
    // A fresh page on the restarted server: uptime comes from the history written before the restart.
    const fresh = await browser.newPage();
    await fresh.goto(api.url);
    await fresh.locator('[data-service="web"][data-status="passing"]').waitFor({ timeout: 15_000 });
    expect(await fresh.locator('[data-service="web"] td.num').first().innerText()).toBe('100%');
    expect(await fresh.locator('[data-service="search"] td.num').first().innerText()).not.toMatch(/^(100%|no data)$/);
    await fresh.close();
  });
});

/**
 * The dashboard where the audit found it wrong, in Debian's headless Chromium driven by playwright-core over the real
 * API (no Docker engine needed: the profile card's engine and action are stood in for by page.route): a service whose
 * profile is off, a name of 200 characters without a space, a bidi override in a name, the token dialog by keyboard,
 * and the API going away and coming back.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page, type Route } from 'playwright-core';
import { freePort } from '@berth/docker/testing';
import type { startServer, RunningServer } from '@berth/api';
import { buildUi, CHROMIUM, CHROMIUM_ARGS, chromiumReason, closeServer, loopbackService, startApi } from './support/browser.js';

const TOKEN = `edges-${process.pid}-${Date.now().toString(36)}-secret`;
const LONG_NAME = `Pipeline${'X'.repeat(192)}`;
const RLO = '\u202e';

function specYaml(web: number, flapper: number, off: number): string {
  const check = (port: number) => `[{ type: http, url: "http://127.0.0.1:${port}/health", interval: 500ms, timeout: 400ms }]`;
  return `berth: 1
repo: { name: edge-shop }
profiles:
  tools: { description: Batch tools }
services:
  web: { name: Storefront, runtime: host, checks: ${check(web)} }
  long: { name: ${LONG_NAME}, runtime: host, checks: ${check(web)} }
  flapper: { name: "Flapper ${RLO}", runtime: host, checks: ${check(flapper)} }
  batch:
    image: busybox
    profiles: [tools]
    ports: ["127.0.0.1:${off}:80"]
    checks: ${check(off)}
`;
}

describe.skipIf(chromiumReason !== '')(`the dashboard at its edges, in headless Chromium${chromiumReason}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-ui-edges-'));
  const uiDist = join(dir, 'ui');
  type Loopback = Awaited<ReturnType<typeof loopbackService>>;
  let web: Loopback, flapper: Loopback, api: RunningServer, browser: Browser, page: Page;
  let apiOptions: Parameters<typeof startServer>[0];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    buildUi(uiDist);
    [web, flapper] = await Promise.all([loopbackService(), loopbackService()]);
    const specPath = join(dir, 'berth.yaml');
    writeFileSync(specPath, specYaml(web.port, flapper.port, await freePort()));
    apiOptions = { specPath, token: TOKEN, uiDir: uiDist, store: `sqlite:${join(dir, 'history.db')}`, port: 0, gpu: false, engine: false, env: { PATH: process.env.PATH } };
    api = await startApi(apiOptions);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // The profile card as an engine would answer it (this test has none): the real answer with the engine there,
    // nothing when the API is away. And the action: answered after a moment, so the card is busy as the dialog closes.
    await page.route('**/api/profiles', async (route: Route) => {
      try {
        const res = await route.fetch();
        await route.fulfill({ response: res, json: { ...(await res.json()), engine: { available: true } } });
      } catch {
        await route.abort('connectionrefused');
      }
    });
    await page.route('**/api/profiles/tools/*', async (route: Route) => {
      await new Promise((r) => setTimeout(r, 700));
      const action = route.request().url().endsWith('/up') ? 'up' : 'down';
      await route.fulfill({ json: { ok: true, action, target: 'tools', message: `profile tools is ${action}`, services: ['batch'] } });
    });
    // The page's own clock, so the test can jump to when every poll comes round (up to five minutes); it runs at real
    // speed otherwise.
    await page.clock.install();
    await page.goto(api.url);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    for (const s of [web, flapper]) if (s?.server.listening) await closeServer(s.server);
    rmSync(dir, { recursive: true, force: true });
  });

  it('calls the stack up while a service whose profile is off is down (unknown, "not expected"), as berth health does', async () => {
    await page.locator('[data-service="batch"][data-status="unknown"]').waitFor({ timeout: 15_000 });
    await page.locator('[data-service="web"][data-status="passing"]').waitFor({ timeout: 15_000 });
    await page.locator('[data-service="flapper"][data-status="passing"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-service="batch"] .reason').innerText()).toMatch(/^not expected: profile tools is off/);
    await page.locator('[data-overall="passing"]').waitFor({ timeout: 15_000 });
    await expect.poll(() => page.title()).toBe('● edge-shop up · berth');
  });

  it('wraps a long name without spaces, so every column, the reason above all, stays in the panel', async () => {
    const panel = (await page.locator('#services').boundingBox())!;
    const table = (await page.locator('#services table').boundingBox())!;
    expect(table.width).toBeLessThanOrEqual(panel.width);
    const reason = (await page.locator('[data-service="long"] .reason').boundingBox())!;
    expect(reason.x + reason.width).toBeLessThanOrEqual(panel.x + panel.width);
    expect(await page.locator('[data-service="long"] .name').innerText()).toBe(LONG_NAME);
  });

  it('shows a name without its bidi override, so the sentences it is put in read as written', async () => {
    await closeServer(flapper.server);
    await page.locator('[data-service="flapper"][data-status="critical"]').waitFor({ timeout: 10_000 });
    const announced = await page.locator('[data-testid="announcer"]').innerText();
    expect(announced).toContain('Flapper . is down (was up)');
    expect(await page.content()).not.toContain(RLO);
  });

  it('returns focus to the button that opened the token dialog, and leaves no token in the page', async () => {
    const up = page.locator('[data-profile="tools"] button', { hasText: 'Up' });
    await up.focus();
    await page.keyboard.press('Enter');
    await page.locator('dialog[open]').waitFor();
    await page.keyboard.type(TOKEN);
    await page.keyboard.press('Enter');
    await page.locator('dialog[open]').waitFor({ state: 'detached' });
    // while the action runs, and after it: focus on the Up button, not dropped to the page
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Start profile tools');
    await expect.poll(() => page.locator('[data-profile="tools"] [role="status"]').innerText()).toBe('profile tools is up');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Start profile tools');
    expect(await page.evaluate(() => sessionStorage.getItem('berth.token'))).toBe(TOKEN);
    expect(await page.content()).not.toContain(TOKEN);
    expect(await page.locator('dialog input[type="password"]').inputValue()).toBe('');

    // cancelled half-typed: gone from the page too
    await page.evaluate(() => sessionStorage.removeItem('berth.token'));
    await page.locator('[data-profile="tools"] button', { hasText: 'Down' }).click();
    await page.locator('dialog[open]').waitFor();
    await page.keyboard.type(TOKEN);
    await page.keyboard.press('Escape');
    await page.locator('dialog[open]').waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(TOKEN);
    expect(pageErrors).toEqual([]);
  });

  it('says when the spec changes on disk while served, and what stops it loading, until it is back', async () => {
    const specPath = apiOptions.specPath;
    const { readFileSync } = await import('node:fs');
    const served = readFileSync(specPath, 'utf8');
    const banner = page.locator('[data-testid="spec-changed"]');
    expect(await banner.count()).toBe(0);
    writeFileSync(specPath, served.replace('repo: { name: edge-shop }', 'repo: { name: edge-shop-renamed }'));
    await banner.waitFor({ timeout: 15_000 });
    expect(await banner.innerText()).toMatch(/berth\.yaml changed on disk at .*restart berth serve to apply the change/s);
    expect(await page.locator('h1').innerText()).toContain('edge-shop'); // still what the server runs
    expect(await page.locator('h1').innerText()).not.toContain('renamed');
    writeFileSync(specPath, served.replace('repo: { name: edge-shop }', 'repo: { name: edge-shop, owner: [1, 2] }'));
    await expect.poll(() => banner.innerText(), { timeout: 15_000 }).toContain('no longer load');
    expect(await banner.locator('li code').first().innerText()).toMatch(/berth\.yaml:2:\d+: repo\.owner/);
    writeFileSync(specPath, served);
    await banner.waitFor({ state: 'detached', timeout: 15_000 });
    expect(pageErrors).toEqual([]);
  });

  it('says the state is unknown while the API is away, keeps the last data, and reloads every panel when it is back', async () => {
    const port = Number(new URL(api.url).port);
    await page.locator('[data-stream="live"]').waitFor({ timeout: 15_000 });
    await api.close();
    await page.locator('[data-stream="reconnecting"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-overall]').getAttribute('data-overall')).toBe('unknown');
    expect(await page.locator('[data-overall] .badge').innerText()).toContain('unknown (reconnecting)');
    await expect.poll(() => page.title()).toBe('? edge-shop unknown (reconnecting) · berth');
    // Every poll comes round while the API is away (the ecosystem's, the slowest, every five minutes): each panel
    // still shows what it had, under a note saying why; and no panel appears for a feature this spec does not have.
    await page.clock.fastForward(301_000);
    for (const id of ['profiles', 'containers', 'gpu', 'ports', 'env']) {
      await page.locator(`#${id} [data-stale]`).waitFor({ timeout: 15_000 });
      expect(await page.locator(`#${id} [role="alert"]`).count(), id).toBe(0);
      expect(await page.locator(`#${id} [data-stale]`).innerText()).toContain('the berth API did not answer');
    }
    expect(await page.locator('[data-profile="tools"]').count()).toBe(1);
    expect(await page.locator('#containers').innerText()).toContain('Not available');
    expect(await page.locator('#ecosystem').count()).toBe(0);

    api = await startApi({ ...apiOptions, port });
    await page.locator('[data-stream="live"]').waitFor({ timeout: 30_000 });
    // every panel asked again as the stream came back: no error or stale note is left, long before its next poll
    await expect.poll(() => page.locator('[role="alert"], [data-stale]').count(), { timeout: 10_000 }).toBe(0);
    expect(await page.locator('#ecosystem').count()).toBe(0);
    await expect.poll(() => page.title(), { timeout: 10_000 }).not.toContain('reconnecting');
    expect(pageErrors).toEqual([]);
  });
});

/**
 * The dashboard's ecosystem view end to end: the real berth API over one repo (`web`) of a real multi-repo
 * ecosystem (repos side by side, `tools` read at a git tag of a real clone), the built page in Debian's headless
 * Chromium driven by playwright-core. And a repo of no ecosystem: no ecosystem panel, as before.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { TOOLS, makeTree, type Tree } from '@berth/ecosystem/testing';
import { startServer, type RunningServer } from '@berth/api';
import { EcosystemResponse } from '@berth/api/contract';
import { buildUi, CHROMIUM, CHROMIUM_ARGS, chromiumReason } from './support/browser.js';


describe.skipIf(chromiumReason !== '')(`the ecosystem view in headless Chromium${chromiumReason}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-eco-e2e-'));
  const uiDist = join(dir, 'ui');
  let tree: Tree;
  let member: RunningServer;
  let alone: RunningServer;
  let browser: Browser;
  const pageErrors: string[] = [];
  const serve = (specPath: string, name: string) =>
    startServer({ specPath, uiDir: uiDist, store: `sqlite:${join(dir, `${name}.db`)}`, port: 0, gpu: false, engine: false, token: `eco-e2e-${process.pid}`, env: { PATH: process.env.PATH } });

  beforeAll(async () => {
    buildUi(uiDist);
    // tools, at its tag, publishes web's port: a cross-repo conflict the view must say in words.
    tree = makeTree({ tools: TOOLS.replace('ports: [8300]', 'ports: [8200]') });
    member = await serve(join(tree.root, 'web/berth.yaml'), 'web');
    tree.write('alone/berth.yaml', 'berth: 1\nrepo: { name: alone }\nregistry: ports.yaml\nservices:\n  api:\n    ports: [8900]\n');
    tree.write('alone/ports.yaml', 'registry: 1\nowner: alone\nports:\n  - { port: 8900, repo: alone, service: api }\n');
    alone = await serve(join(tree.root, 'alone/berth.yaml'), 'alone');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await member?.close();
    await alone?.close();
    tree?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('GET /api/ecosystem answers in the contract\'s shape: members, who uses whom, the conflict, the findings with their repos', async () => {
    const body = EcosystemResponse.parse(await (await fetch(new URL('api/ecosystem', member.url))).json());
    if (!body.available) throw new Error(`unavailable: ${body.reason}`);
    expect(body).toMatchObject({ name: 'demo', repo: 'web', member: true, unloaded: [] });
    expect(body.members.map((m) => `${m.repo} ${m.source.kind} ${m.errors}e`)).toEqual(['data path 0e', 'web path 2e', 'tools git 2e']);
    expect(body.members.find((m) => m.repo === 'data')?.consumedBy).toEqual([{ repo: 'web', services: ['api'] }]);
    expect(body.edges.map((e) => `${e.from.repo}.${e.from.connection} -> ${e.to.repo ?? '*'}/${e.to.service} :${e.port}`)).toEqual(['web.data-api -> data/api :8100', 'web.qdrant -> */qdrant :6333', 'tools.web-ui -> web/ui :8200']);
    expect(body.conflicts).toEqual([{ port: 8200, protocol: 'tcp', holders: [{ repo: 'web', service: 'ui' }, { repo: 'tools', service: 'docs' }], exclusive: false }]);
    expect(body.problems.find((p) => p.code === 'port-conflict')).toMatchObject({ severity: 'error', repos: ['tools', 'web'], line: 6, col: 13 });
  });

  it('the page shows the members, the conflict in words, who uses whom and the findings', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(member.url);
    const panel = page.locator('#ecosystem');
    await panel.locator('[data-member="tools"]').waitFor({ timeout: 15_000 });
    expect(await panel.locator('h2').innerText()).toBe('Ecosystem');
    expect(await panel.locator('[data-member="web"] th').innerText()).toContain('this repo');
    expect(await panel.locator('[data-member="data"] [data-consumed-by]').innerText()).toBe('web (api)');
    expect(await panel.locator('[data-member="tools"]').innerText()).toMatch(/docs 8200[\s\S]*2 errors/);
    const conflict = panel.locator('[data-eco-conflict="8200"]');
    expect(await conflict.getAttribute('class')).toBe('bad');
    expect(await conflict.innerText()).toBe('Conflict: port 8200 — web/ui and tools/docs both publish it.');
    expect(await panel.locator('[data-edge="web->data/api"]').innerText()).toBe('web data-api → data/api on 8100');
    expect(await panel.locator('[data-edge="web->shared/qdrant"]').innerText()).toBe('web qdrant → qdrant (shared) on 6333');
    expect(await panel.locator('[data-eco-problem="port-conflict"]').innerText()).toMatch(/^Error \(tools, web\): tools: port 8200\/tcp is published by both web\/ui .* and tools\/docs/);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('a repo of no ecosystem: the API says why, and the page shows no ecosystem panel', async () => {
    expect(await (await fetch(new URL('api/ecosystem', alone.url))).json()).toEqual({ available: false, reason: `no ecosystem.yaml beside ${join(tree.root, 'alone/ports.yaml')}: this repo belongs to no ecosystem berth can find` });
    const page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(alone.url);
    await page.locator('#ports [data-port="8900"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('#ecosystem').count()).toBe(0);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});

/**
 * The API loads its spec, registry and `.env` through @berth/spec's one loader, and, like the CLI,
 * does not start on one it cannot load: every problem is in the error, none is dropped.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BerthError } from '@berth/spec';
import { startServer } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'berth-api-load-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SPEC = 'berth: 1\nrepo: { name: shop }\nregistry: ports.yaml\nservices:\n  web: { ports: [8080] }\n';

async function refusal(files: Record<string, string>): Promise<BerthError> {
  const dir = mkdtempSync(join(root, 'r-'));
  for (const [rel, text] of Object.entries(files)) {
    if (rel.endsWith('/')) mkdirSync(join(dir, rel));
    else writeFileSync(join(dir, rel), text);
  }
  const err = await startServer({ specPath: join(dir, 'berth.yaml'), env: {}, token: 't', engine: false, gpu: false, port: 0, uiDir: null }).then(
    async (s) => {
      await s.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BerthError);
  return err as BerthError;
}

describe('startServer refuses what it cannot load', () => {
  it('an invalid registry: ERR_BERTH_INVALID_REGISTRY with the registry problem at its line', async () => {
    const err = await refusal({ 'berth.yaml': SPEC, 'ports.yaml': 'registry: 1\nowner: o\nports:\n  - { port: 8080, repo: shop, sevrice: web }\n' });
    expect(err.code).toBe('ERR_BERTH_INVALID_REGISTRY');
    expect(err.problems).toContainEqual(expect.objectContaining({ code: 'unknown-key', line: 4, severity: 'error', file: expect.stringMatching(/ports\.yaml$/) }));
  });

  it('a registry the spec names but that is not there', async () => {
    const err = await refusal({ 'berth.yaml': SPEC });
    expect(err.code).toBe('ERR_BERTH_INVALID_REGISTRY');
    expect(err.problems).toEqual([expect.objectContaining({ code: 'file-not-found', message: expect.stringMatching(/^no such file \(named at \S*berth\.yaml:3:11\)$/) })]);
  });

  it('a .env beside the spec that cannot be read', async () => {
    const err = await refusal({ 'berth.yaml': SPEC.replace('registry: ports.yaml\n', ''), '.env/': '' });
    expect(err.code).toBe('ERR_BERTH_ENV_FILE');
    expect(err.problems).toEqual([expect.objectContaining({ code: 'file-unreadable', message: 'is a directory, not a .env file' })]);
  });
});

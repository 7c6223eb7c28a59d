import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs script without types, shared with the CLI check
import { BUDGET_BYTES, jsSizes } from '../scripts/bundle-size.mjs';

const uiDir = resolve(import.meta.dirname, '..');
const viteBin = resolve(uiDir, '../../node_modules/vite/bin/vite.js');
const outDir = mkdtempSync(join(tmpdir(), 'berth-ui-size-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('dashboard bundle', () => {
  it('builds with vite and its JavaScript stays within 100 kB gzipped', () => {
    execFileSync(process.execPath, [viteBin, 'build', uiDir, '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], { stdio: 'pipe', env: { ...process.env, NODE_ENV: 'production' } });
    const files: { file: string; gzip: number }[] = jsSizes(outDir);
    const total = files.reduce((n, f) => n + f.gzip, 0);
    expect(files.length).toBeGreaterThan(0);
    expect(total, `gzipped JS: ${files.map((f) => `${f.file} ${f.gzip} B`).join(', ')}`).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});

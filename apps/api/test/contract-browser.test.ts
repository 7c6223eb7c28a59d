import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// The dashboard imports @berth/api/contract: it must stay browser-safe (zod and the packages' pure schema
// entries only) and small. esbuild with platform "browser" refuses any Node built-in it meets.
describe('@berth/api/contract in a browser', () => {
  it('bundles for the browser with no Node code, and its parsing costs few kB', async () => {
    const entry = fileURLToPath(new URL('../src/contract.ts', import.meta.url));
    const result = await build({
      stdin: { contents: `export { ServicesResponse, ServerEvent, worstStatus } from ${JSON.stringify(entry)};`, resolveDir: process.cwd(), loader: 'ts' },
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      minify: true,
      conditions: ['@berth/source'],
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((f) => /(^|\/)(dockerode|fastify|better-sqlite3|pg|yaml|@modelcontextprotocol)\//.test(f))).toEqual([]);
    expect(inputs.filter((f) => /node_modules\/zod\/v4\/classic\//.test(f))).toEqual([]); // zod/mini only
    const gz = gzipSync(result.outputFiles[0]!.contents, { level: 9 }).length;
    expect(gz, `contract bundle: ${gz} B gzipped`).toBeLessThan(20_000);
  });
});

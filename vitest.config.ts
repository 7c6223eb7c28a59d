import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Resolve workspace packages to their TypeScript sources, so tests need no build.
const conditions = ['@berth/source', 'node', 'import', 'module', 'default'];
/**
 * Test files of a project run side by side (e2e files excepted: one at a time): every core but one, as vitest does
 * by default, yet never fewer than two. Most unit and integration files spend their time waiting on dockerd, child
 * processes and loopback servers, so on a two-core machine (CI's) a second file in flight nearly halves a project's
 * time for little more CPU. Every such file names what it makes uniquely (uniqueProject, mkdtemp, port 0).
 */
const workers = Math.max(2, availableParallelism() - 1);

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@berth/source'] } },
  test: {
    reporters: ['default'],
    maxWorkers: workers,
    // A worker's test files share its loaded modules instead of importing the workspace again for each file: that
    // import was half of a run's CPU time (packages/spec: 118 s CPU isolated, 65 s shared). No test mocks modules or
    // stubs globals; a file that changes process.env puts it back; a file that needs modules of its own (the
    // deferred-schema test) resets them itself.
    isolate: false,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['{packages,apps,tools}/*/src/**/*.test.{ts,tsx}', '{packages,apps,tools}/*/test/**/*.test.{ts,tsx}', 'bench/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**', '**/*.corpus.test.ts', '**/*.e2e.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['{packages,apps,tools}/*/test/**/*.e2e.test.{ts,tsx}'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'corpus',
          include: ['{packages,apps,tools}/*/test/**/*.corpus.test.ts'],
          testTimeout: 120_000,
        },
      },
    ],
  },
});

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Problem } from '../src/index.js';

/** What the loader fuzz tests feed on: the bundled example spec and registry, as text. */
export const exampleText = readFileSync(fileURLToPath(new URL('../../../examples/semops-data/berth.yaml', import.meta.url)), 'utf8');
export const registryText = readFileSync(fileURLToPath(new URL('../../../examples/semops-dx-orchestrator/ports.yaml', import.meta.url)), 'utf8');

/** What every load must give back, whatever it was fed: problems with messages, and a value only without an error. */
export function wellFormed(result: { problems: Problem[]; value?: unknown }) {
  expect(Array.isArray(result.problems)).toBe(true);
  for (const p of result.problems) {
    expect(typeof p.message).toBe('string');
    expect(p.message.length).toBeGreaterThan(0);
    if (p.line !== undefined) expect(p.line).toBeGreaterThanOrEqual(1);
  }
  // A value comes back only when there is no error, and an error always comes with a message.
  if (result.value !== undefined) expect(result.problems.some((p) => p.severity === 'error')).toBe(false);
  else expect(result.problems.some((p) => p.severity === 'error')).toBe(true);
}

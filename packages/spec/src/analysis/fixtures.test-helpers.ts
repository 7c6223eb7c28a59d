import { parseRegistry, parseSpec } from '../load/load.js';
import type { RegistryInput, SpecInput } from './types.js';

/** A spec parsed from YAML text, with its source so problems carry line and column. Throws on invalid input (a test bug). */
export function specFrom(text: string, file = 'berth.yaml'): SpecInput {
  const r = parseSpec(text, file);
  if (!r.value) throw new Error(`fixture spec is invalid: ${r.problems.map((p) => p.message).join('; ')}`);
  return { spec: r.value, file, ...(r.source ? { source: r.source } : {}) };
}

export function registryFrom(text: string, file = 'ports.yaml'): RegistryInput {
  const r = parseRegistry(text, file);
  if (!r.value) throw new Error(`fixture registry is invalid: ${r.problems.map((p) => p.message).join('; ')}`);
  return { value: r.value, file, ...(r.source ? { source: r.source } : {}) };
}

/** A minimal spec with the given services block (YAML, indented two spaces under `services:`). */
export function specWith(repo: string, services: string, extra = ''): string {
  return `berth: 1\nrepo:\n  name: ${repo}\nservices:\n${services}\n${extra}`;
}

import { BerthError, hasErrors } from '../problem.js';
import { parseRegistry } from '../load/load.js';
import type { FileLockOptions } from '../util/file-lock.js';
import { updateFileLocked } from '../util/locked-write.js';
import { planRegistration, type RegistrationPlan } from './plan-registration.js';
import { addRegistryEntries } from './registry-edit.js';
import type { SpecInput } from './types.js';

export interface RegisterPortsInput extends Pick<FileLockOptions, 'timeoutMs' | 'signal' | 'onWait' | 'onLocked'> {
  spec: SpecInput;
  service: string;
  /** The registry file's absolute path, and as messages name it. */
  registryPath: string;
  registryFile: string;
}

/**
 * `berth ports register`, on the file: under the registry's lock, reads it afresh, plans against what is
 * there now (another registration may have landed since the caller loaded it), and writes the entries
 * atomically, keeping comments and order. A refusal writes nothing. So every registration that returns
 * without refusals is in the file, whatever other berth processes do at the same time.
 */
export async function registerPortsInFile(input: RegisterPortsInput): Promise<RegistrationPlan & { written: boolean }> {
  let plan: RegistrationPlan = { add: [], already: [], refusals: [] };
  const { written } = await updateFileLocked(
    input.registryPath,
    (text) => {
      if (text === undefined) throw new BerthError('ERR_BERTH_INVALID_REGISTRY', `${input.registryFile}: no such file`, { });
      const registry = parseRegistry(text, input.registryFile);
      if (!registry.value || hasErrors(registry.problems)) {
        throw new BerthError('ERR_BERTH_INVALID_REGISTRY', `${input.registryFile}: the port registry is not valid`, { problems: registry.problems });
      }
      plan = planRegistration({ spec: input.spec, registry: { value: registry.value, file: registry.file, ...(registry.source ? { source: registry.source } : {}) }, service: input.service });
      if (plan.refusals.length || !plan.add.length) return undefined;
      let after: string;
      try {
        after = addRegistryEntries(text, plan.add);
      } catch (err) {
        throw new BerthError('ERR_BERTH_INVALID_REGISTRY', `${input.registryFile}: ${(err as Error).message}`, {});
      }
      const reparsed = parseRegistry(after, input.registryFile);
      if (!reparsed.value || hasErrors(reparsed.problems)) throw new Error(`the edited registry would not be valid: ${reparsed.problems[0]?.message}`);
      const lost = editLostEntries(registry.value.ports, reparsed.value.ports, plan.add.length);
      if (lost) throw new Error(`the edited registry would not hold every allocation it held before (${lost})`);
      return after;
    },
    { display: input.registryFile, purpose: `registering ${input.spec.spec.repo.name}/${input.service}'s ports`, ...pickLock(input) },
  );
  return { ...plan, written };
}

function pickLock(input: RegisterPortsInput): FileLockOptions {
  return { ...(input.timeoutMs !== undefined ? { timeoutMs: input.timeoutMs } : {}), ...(input.signal ? { signal: input.signal } : {}), ...(input.onWait ? { onWait: input.onWait } : {}), ...(input.onLocked ? { onLocked: input.onLocked } : {}) };
}

/**
 * The post-edit check of a registration: every allocation that was there is still there, in its order, and exactly
 * `added` more are there (an edit only adds). Undefined when that holds, else what is wrong. Linear in the registry's
 * size (a Set of the entries as JSON): it runs under the registry's lock, where a scan per entry (20,000 entries: some
 * 200 million string compares, 4 s of CPU) kept every other registration waiting.
 */
export function editLostEntries(before: readonly unknown[], after: readonly unknown[], added: number): string | undefined {
  const was = before.map((p) => JSON.stringify(p));
  const had = new Set(was);
  const kept = after.map((p) => JSON.stringify(p)).filter((p) => had.has(p));
  if (kept.join('\n') === was.join('\n') && after.length === before.length + added) return undefined;
  return `${before.length} + ${added} expected, ${after.length} found`;
}

/**
 * The API stands on packages that may be missing a piece (not built yet, or a newer
 * version without it). Every source goes through here, so a missing export degrades to an
 * "unavailable" answer naming what is missing rather than a crash.
 */
export type Optional<T> = { ok: true; value: T } | { ok: false; reason: string };

export async function optionalExport<T>(load: () => Promise<unknown>, pkg: string, name: string): Promise<Optional<T>> {
  let mod: Record<string, unknown>;
  try {
    mod = (await load()) as Record<string, unknown>;
  } catch (err) {
    return { ok: false, reason: `${pkg} could not be loaded: ${(err as Error).message.split('\n')[0]}` };
  }
  const value = mod[name];
  if (value === undefined) return { ok: false, reason: `${pkg} does not provide ${name} in this build` };
  return { ok: true, value: value as T };
}

export function errorLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}

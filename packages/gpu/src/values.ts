/**
 * nvidia-smi's ways of saying "no value" (gpu-facts.md #5), after trimming. Each of them makes a field
 * absent, never zero. "Deprecated, see ..." is how 610+ drivers blank the renamed version fields.
 */
const ABSENT = new Set([
  '',
  'n/a',
  '[n/a]',
  'not supported',
  '[not supported]',
  'insufficient permissions',
  '[insufficient permissions]',
  'unknown error',
  '[unknown error]',
  'requested functionality has been deprecated',
  '[requested functionality has been deprecated]',
  'err!',
  '[err!]',
  'gpu is lost',
  '[gpu is lost]',
]);

/** Driver 610+ appends "[Deprecated; will be removed in CUDA 14.0. Use KMD Version instead]" to old fields. */
const DEPRECATION_SUFFIX = /\s*\[deprecated[^\]]*\]\s*$/i;

/** The value as text, or undefined when nvidia-smi reported no value. */
export function presentText(raw: string | undefined | null): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  const text = raw.trim().replace(DEPRECATION_SUFFIX, '').trim();
  if (ABSENT.has(text.toLowerCase())) return undefined;
  if (/^deprecated\b/i.test(text)) return undefined;
  return text;
}

const NUMBER_WITH_UNIT = /^([-+]?\d+(?:\.\d+)?)\s*([A-Za-z%/]*)$/;
const TO_MIB: Record<string, number> = { kib: 1 / 1024, mib: 1, gib: 1024, tib: 1024 * 1024 };

/** A number with an optional unit (" 40 % ", "37 C", "81559 MiB", "66.84 W"), or undefined. */
export function presentNumber(raw: string | undefined | null): number | undefined {
  const text = presentText(raw);
  if (text === undefined) return undefined;
  const m = NUMBER_WITH_UNIT.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  return Number.isFinite(n) ? n : undefined;
}

/** A memory size in MiB, converting KiB/GiB when a unit says so. */
export function presentMiB(raw: string | undefined | null): number | undefined {
  const text = presentText(raw);
  const n = presentNumber(text);
  if (n === undefined || text === undefined) return undefined;
  const unit = NUMBER_WITH_UNIT.exec(text)?.[2]?.toLowerCase() ?? '';
  const factor = TO_MIB[unit] ?? 1;
  return Math.round(n * factor * 1000) / 1000;
}

/** A non-negative integer (pid, index, instance id), or undefined. */
export function presentInt(raw: string | undefined | null): number | undefined {
  const n = presentNumber(raw);
  return n !== undefined && Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** "Enabled"/"Disabled" as MIG mode. */
export function migModeOf(raw: string | undefined | null): 'enabled' | 'disabled' | undefined {
  const text = presentText(raw)?.toLowerCase();
  return text === 'enabled' ? 'enabled' : text === 'disabled' ? 'disabled' : undefined;
}

/** Driver models that only exist on Windows. */
export function driverOsOf(driverModel: string | undefined | null): 'windows' | undefined {
  const text = presentText(driverModel)?.toUpperCase();
  return text === 'WDDM' || text === 'TCC' || text === 'MCDM' ? 'windows' : undefined;
}

/** Drops keys whose value is undefined so JSON and equality checks see absent fields as absent. */
export function compact<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

import { envOverDotEnv, shellValue } from './dotenv-values.js';
import type { Problem } from '../problem.js';
import { formatSpan } from './port-index.js';
import type { PortPlaces, RegistryEntry, SpecBinding } from './port-model.js';
import type { EnvOrigin } from './types.js';
import { envValue } from './env-map.js';

/** True when `value` is a decimal port number 1-65535. */
export function isPortValue(value: string): boolean {
  if (!/^\d{1,5}$/.test(value.trim())) return false;
  const n = Number(value);
  return n >= 1 && n <= 65535;
}

/** The problems of checkPortEnv: a port's variable set to something that is not a port, or not that port. */
export function isPortEnvValueProblem(p: Pick<Problem, 'code'>): boolean {
  return p.code === 'port-env-invalid' || p.code === 'port-env-mismatch';
}

/**
 * The process env over a `.env` file's values (Compose's precedence), and where each value the file gives was set, so
 * the port-env check can point at its line. The same value in both is attributed to the file (Node 20 itself loads an
 * `--env-file` given after the script into the process env: nodejs/node#54232).
 */
export function envWithOrigins(
  env: Readonly<Record<string, string | undefined>>,
  envFile: { file: string; values: Readonly<Record<string, string>>; lines?: Readonly<Record<string, number>>; files?: Readonly<Record<string, string>>; written?: Readonly<Record<string, readonly string[]>> } | undefined,
): { env: Record<string, string | undefined>; origins: Record<string, EnvOrigin> } {
  const merged = envOverDotEnv(env as Readonly<Record<string, string>>, envFile ?? { values: {} });
  const origins = Object.create(null) as Record<string, EnvOrigin>;
  // The same value in both is attributed to the file, which names a line (Node may have loaded it itself: shellValue).
  for (const [name, line] of Object.entries(envFile?.lines ?? {})) {
    const fromEnv = shellValue(env as Readonly<Record<string, string>>, name, envFile!.written);
    if (fromEnv === undefined || fromEnv === envValue(envFile!.values, name)) origins[name] = { file: envValue(envFile!.files, name) ?? envFile!.file, line, col: 1 };
  }
  return { env: merged, origins };
}

/**
 * The env vars carrying a binding's port (named in the spec, the registry, or both) must hold that port.
 * The message names the variable and where it was set, never its value. Each such name is added to `carriers`:
 * a value of one that is no port number is reported here, with the port it should hold, and not by the env
 * analysis too (analyzeEnv's `portCarriers`).
 */
export function checkPortEnv(
  b: SpecBinding,
  own: RegistryEntry[],
  ctx: { env?: Record<string, string | undefined>; origins?: Record<string, EnvOrigin>; places: PortPlaces; problems: Problem[]; carriers: Set<string> },
): void {
  if (!ctx.env) return;
  const names = new Set<string>();
  if (b.env) names.add(b.env);
  for (const e of own) if (e.allocation.env) names.add(e.allocation.env);
  for (const name of names) {
    ctx.carriers.add(name);
    const value = envValue(ctx.env, name);
    if (value === undefined || value === '') continue;
    const origin = envValue(ctx.origins, name);
    const at = origin ? { file: origin.file, ...(origin.line ? { line: origin.line, col: origin.col ?? 1 } : {}) } : ctx.places.binding(b, ...(b.env === name ? ['env'] : []));
    const from = origin ? `set in ${origin.file}` : 'set in the environment';
    const authority = own.length ? 'the registry' : 'the spec';
    if (!isPortValue(value)) {
      ctx.problems.push({ code: 'port-env-invalid', severity: 'error', ...at, message: `${name} (${from}) is not a port number; ${authority} gives ${b.repo}/${b.service} port ${formatSpan(b)}` });
    } else if (Number(value) < b.from || Number(value) > b.to) {
      ctx.problems.push({ code: 'port-env-mismatch', severity: 'error', ...at, message: `${name} (${from}) disagrees with ${authority}, which gives ${b.repo}/${b.service} port ${formatSpan(b)}`, hint: `set ${name}=${b.from}, or register the port you use` });
    }
  }
}

import { readFileSync } from 'node:fs';
import { notAFile } from '../util/not-a-file.js';
import { join, resolve } from 'node:path';
import { parseDotEnv } from '../analysis/dotenv.js';
import type { BerthSpec } from '../schema/spec.js';
import { looksSecret } from './names.js';
import { makeRedactor, type Redactor } from './redactor.js';
import { envValue } from '../analysis/env-map.js';

/** Where berth learns secret values from. Names never come from the values; values never leave. */
export interface SecretSources {
  spec?: BerthSpec;
  /** The process environment. */
  env?: Record<string, string | undefined>;
  /** The `.env` beside the spec, parsed. */
  envFile?: Record<string, string>;
  /** The env files services pass into their containers (`envFile:`), parsed. */
  serviceEnvFiles?: Record<string, string>[];
  /** Other values to hide: the API's token. */
  extra?: string[];
}

const REFERENCE = /\$\{?([A-Za-z_][A-Za-z0-9_]*)/g;

/** The password of a URL such as postgres://user:PASSWORD@host/db, when a value is one. */
function urlPassword(value: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]+@/i.test(value)) return undefined;
  try {
    const password = new URL(value).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every value berth knows to be secret: the values (from the process env or the `.env` beside the spec)
 * of variables the spec marks `secret: true` or whose name looks secret (looksSecret); what a service
 * passes into its container under such a name, written in the spec (`environment:`), referenced from it
 * (`${NAME}`: NAME's value) or in its env files; the password inside any URL-shaped value; and `extra`.
 * Pure.
 */
export function secretValues(sources: SecretSources): string[] {
  const { spec, env = {}, envFile = {} } = sources;
  const secretNames = new Set(Object.entries(spec?.env ?? {}).filter(([, v]) => v.secret).map(([k]) => k));
  const valueOf = (name: string) => envValue(env, name) ?? envValue(envFile, name);
  for (const service of Object.values(spec?.services ?? {})) {
    for (const [key, value] of Object.entries(service.environment ?? {})) {
      if (!looksSecret(key) && !secretNames.has(key)) continue;
      secretNames.add(key);
      if (typeof value === 'string') for (const m of value.matchAll(REFERENCE)) secretNames.add(m[1]!);
    }
  }
  const values = new Set<string>(sources.extra ?? []);
  const consider = (name: string, value: string | undefined) => {
    if (!value) return;
    if (secretNames.has(name) || looksSecret(name)) values.add(value);
    const password = urlPassword(value);
    if (password) values.add(password);
  };
  for (const [name, value] of Object.entries(env)) consider(name, value);
  for (const [name, value] of Object.entries(envFile)) consider(name, value);
  for (const file of sources.serviceEnvFiles ?? []) for (const [name, value] of Object.entries(file)) consider(name, value);
  for (const name of secretNames) consider(name, valueOf(name));
  // Literal values a service passes under a secret name (a secret committed in the spec is still hidden).
  for (const service of Object.values(spec?.services ?? {})) {
    for (const [key, value] of Object.entries(service.environment ?? {})) {
      if ((looksSecret(key) || secretNames.has(key)) && typeof value === 'string' && !value.includes('$')) values.add(value);
    }
  }
  return [...values];
}

const readDotEnv = (path: string): Record<string, string> => {
  try {
    return notAFile(path) ? {} : parseDotEnv(readFileSync(path, 'utf8'));
  } catch {
    return {};
  }
};

/**
 * The redactor for a spec as it runs here: secretValues fed by the process env, the `.env` beside the
 * spec and the services' env files (read from `specDir`). What every edge that prints or serves text
 * from a container or a check passes that text through: the CLI, the API, its event stream and history.
 */
export function redactorFor(input: { spec?: BerthSpec; specDir?: string; env?: Record<string, string | undefined>; extra?: string[] }): Redactor {
  const envFile = input.specDir ? readDotEnv(join(input.specDir, '.env')) : {};
  const serviceEnvFiles = input.specDir ? Object.values(input.spec?.services ?? {}).flatMap((s) => (s.envFile ?? []).map((f) => readDotEnv(resolve(input.specDir!, f)))) : [];
  return makeRedactor(secretValues({ ...input, envFile, serviceEnvFiles }));
}

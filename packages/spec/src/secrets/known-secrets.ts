import { readFileSync } from 'node:fs';
import { notAFile } from '../util/not-a-file.js';
import { join, resolve } from 'node:path';
import { readDotEnv } from '../analysis/dotenv-values.js';
import type { BerthSpec } from '../schema/spec.js';
import { HealthCheck } from '../schema/check.js';
import { discriminatorValuesAt } from '../load/schema-walk.js';
import { looksSecret } from './names.js';
import { makeRedactor, type Redactor } from './redactor.js';
import { specSecrets, urlSecrets } from './in-spec.js';

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

/**
 * Every value berth knows to be secret: the values (from the process env or the `.env` beside the spec)
 * of variables the spec marks `secret: true` or whose name looks secret (looksSecret), or that such a name in
 * the spec refers to (`POSTGRES_PASSWORD: ${DB_PASS}`: DB_PASS's value); what the spec itself holds under such a
 * name anywhere, and a secret var's default (specSecrets); what services' env files hold under such names; the
 * password inside any URL; and `extra`. Pure.
 */
export function secretValues(sources: SecretSources): string[] {
  const { spec, env = {}, envFile = {} } = sources;
  const inSpec = spec ? specSecrets(spec) : undefined;
  const values = new Set<string>([...(sources.extra ?? []), ...(inSpec?.found.flatMap((s) => s.values) ?? [])]);
  const consider = (name: string, value: string | undefined) => {
    if (!value) return;
    if (inSpec?.names.has(name) || looksSecret(name)) values.add(value);
    for (const secret of urlSecrets(value)) values.add(secret);
  };
  for (const [name, value] of Object.entries(env)) consider(name, value);
  for (const [name, value] of Object.entries(envFile)) consider(name, value);
  for (const file of sources.serviceEnvFiles ?? []) for (const [name, value] of Object.entries(file)) consider(name, value);
  return [...values];
}

/** A `.env`'s values as every command reads them (interpolated, as Compose does: the values the services get); none when unreadable. */
const dotEnvValues = (path: string, env: Record<string, string | undefined>): Record<string, string> => {
  try {
    return notAFile(path) ? {} : readDotEnv([{ file: path, text: readFileSync(path, 'utf8') }], env as Record<string, string>).values;
  } catch {
    return {};
  }
};

/**
 * Words berth itself prints as data: the check types ("postgres", "container"). A secret equal to one (the common
 * POSTGRES_PASSWORD=postgres) cannot be hidden without breaking every answer that names the type (the dashboard reads
 * them, the check ids and metrics labels carry them), and is in all of them anyway: it is not redacted.
 */
let outputWords: Set<string> | undefined;
const isOutputWord = (value: string) => (outputWords ??= new Set(discriminatorValuesAt(HealthCheck, undefined, []))).has(value);

/** Where `berth serve` keeps its API token by default: `.berth/token` beside the spec. */
export function apiTokenFile(specDir: string): string {
  return join(specDir, '.berth', 'token');
}

/** The API token in `berth serve`'s token file beside the spec, if there is one (only a regular file is read). */
const readApiToken = (specDir: string): string | undefined => {
  const path = apiTokenFile(specDir);
  try {
    return notAFile(path) ? undefined : readFileSync(path, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
};

/**
 * The redactor for a spec as it runs here: secretValues fed by the process env, the `.env` beside the
 * spec and the services' env files (read from `specDir`), `berth serve`'s API token beside it (apiTokenFile: a check
 * that prints it shows `[redacted]` in `berth health` as in the API), and `otherEnvFiles` (a `--env-file` the run
 * reads). What every edge that prints or serves text from a container or a check passes that text through: the CLI,
 * the API, its event stream and history, the MCP server.
 */
export function redactorFor(input: { spec?: BerthSpec; specDir?: string; env?: Record<string, string | undefined>; extra?: string[]; otherEnvFiles?: Record<string, string>[] }): Redactor {
  const envFile = input.specDir ? dotEnvValues(join(input.specDir, '.env'), input.env ?? {}) : {};
  const serviceEnvFiles = input.specDir ? Object.values(input.spec?.services ?? {}).flatMap((s) => (s.envFile ?? []).map((f) => dotEnvValues(resolve(input.specDir!, f), input.env ?? {}))) : [];
  const served = input.specDir ? readApiToken(input.specDir) : undefined;
  const extra = [...(input.extra ?? []), ...(served ? [served] : [])];
  // any other file the run reads values from (--env-file) is read as the services' are: its secrets are as secret
  const values = secretValues({ ...input, extra, envFile, serviceEnvFiles: [...serviceEnvFiles, ...(input.otherEnvFiles ?? [])] });
  return makeRedactor(values.filter((v) => !isOutputWord(v)));
}

import { readFileSync, statSync } from 'node:fs';
import { parseDotEnvEntries, parseSpec } from '@berth/spec';
import type { BerthHost } from './host.js';

/** Names whose values are secret whatever the spec says: *_TOKEN, *_KEY, *_PASSWORD, *_SECRET and their kin. */
const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSW|CREDENTIAL|AUTH|PRIVATE|DSN)/i;
/** Shorter values ("1", "true", "5432") are too common to redact without mangling answers. */
const MIN_LENGTH = 8;
export const REDACTED = '[redacted]';

/**
 * The values no answer may carry: every variable the spec marks `secret`, and every variable whose name looks
 * secret, from the process environment and from the `.env` file beside the spec.
 */
export function secretValues(sources: { env: NodeJS.ProcessEnv; dotenv?: Record<string, string>; declared?: Iterable<string> }): string[] {
  const declared = new Set(sources.declared ?? []);
  const values = new Set<string>();
  for (const vars of [sources.env, sources.dotenv ?? {}]) {
    for (const [name, value] of Object.entries(vars)) {
      if (value && value.length >= MIN_LENGTH && (declared.has(name) || SECRET_NAME.test(name))) values.add(value);
    }
  }
  // Longest first, so a value that contains another is replaced whole.
  return [...values].sort((a, b) => b.length - a.length);
}

/** Replaces every secret value inside every string (keys included) of a JSON value. */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  if (!secrets.length) return value;
  const text = (s: string) => {
    let out = s;
    for (const v of secrets) if (out.includes(v)) out = out.split(v).join(REDACTED);
    return out;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return text(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [text(k), walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/**
 * The MCP layer's last wall: whatever a tool or resource answers passes through `redact` on its way out.
 * The spec and `.env` are re-read when they change, so a secret added while the server runs is covered too.
 */
export class SecretGuard {
  private key = '';
  private values: string[] = [];

  constructor(private readonly host: Pick<BerthHost, 'env' | 'files'>) {}

  secrets(): string[] {
    const files = this.host.files();
    const key = [files.spec, files.dotenv].map(stamp).join('|');
    if (key !== this.key) {
      this.key = key;
      this.values = secretValues({ env: this.host.env, dotenv: readDotEnv(files.dotenv), declared: declaredSecrets(files.spec) });
    }
    return this.values;
  }

  redact<T>(value: T): T {
    return redactDeep(value, this.secrets());
  }
}

function stamp(path: string): string {
  try {
    const s = statSync(path);
    return `${path}:${s.mtimeMs}:${s.size}`;
  } catch {
    return `${path}:-`;
  }
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function readDotEnv(path: string): Record<string, string> {
  const text = read(path);
  return text === undefined ? {} : Object.fromEntries(parseDotEnvEntries(text).entries.map((e) => [e.name, e.value]));
}

/** The variables the spec marks `secret`; none when it does not load (the name rule still applies). */
function declaredSecrets(specPath: string): string[] {
  const text = read(specPath);
  const spec = text === undefined ? undefined : parseSpec(text, specPath).value;
  return Object.entries(spec?.env ?? {})
    .filter(([, v]) => v.secret)
    .map(([name]) => name);
}

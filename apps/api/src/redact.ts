import type { BerthSpec } from '@berth/spec';

const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSW|CREDENTIAL|AUTH|PRIVATE|DSN)/i;
/** Shorter values ("1", "true", "5432") are too common to redact without mangling answers. */
const MIN_LENGTH = 8;

/**
 * The values no answer may carry: every env var the spec marks secret, every env var whose
 * name looks secret, and the API token. (Addresses such as QDRANT_URL stay readable in check
 * reasons; routes never read env values in the first place.) Routes never read values in the first place; this is the
 * second wall, applied to every body and event on the way out.
 */
export function secretValues(env: NodeJS.ProcessEnv, spec?: BerthSpec, extra: string[] = []): string[] {
  const declared = new Set(Object.entries(spec?.env ?? {}).filter(([, v]) => v.secret).map(([k]) => k));
  const values = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (!value || value.length < MIN_LENGTH) continue;
    if (declared.has(name) || SECRET_NAME.test(name)) values.add(value);
  }
  for (const v of extra) if (v.length >= MIN_LENGTH) values.add(v);
  // Longest first, so a value containing another is replaced whole.
  return [...values].sort((a, b) => b.length - a.length);
}

export type Redactor = (text: string) => string;

export function makeRedactor(values: string[]): Redactor {
  if (values.length === 0) return (t) => t;
  return (text) => {
    let out = text;
    for (const v of values) if (out.includes(v)) out = out.split(v).join('[redacted]');
    return out;
  };
}

import { readDotEnv, type Lookup } from '@berth/spec';

/**
 * A Compose `.env` file's values: @berth/spec's one reading of `.env` (readDotEnv: `KEY=VALUE`, `export`,
 * comments, quotes, then Compose's interpolation of every value not in single quotes, from `lookup` (the
 * process environment) first, then the values defined earlier in the file). Its problems are left to the
 * caller that reports them (readDotEnv).
 */
export function parseEnvFile(text: string, lookup: Lookup = () => undefined): Record<string, string> {
  return readDotEnv([{ file: '.env', text }], lookup).values;
}

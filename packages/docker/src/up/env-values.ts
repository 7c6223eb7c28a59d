import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DotEnvEntry } from '@berth/spec';
import { interpolateEnvEntries, parseEnvFile } from '../compose/dotenv.js';

/** Splits a command string like a POSIX shell would into words (quotes, backslashes); no expansion. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let cur = '';
  let has = false;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < text.length) cur += text[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      cur += text[++i];
      has = true;
    } else if (/\s/.test(ch)) {
      if (has || cur) words.push(cur);
      cur = '';
      has = false;
    } else cur += ch;
  }
  if (has || cur) words.push(cur);
  return words;
}

/**
 * What `${VAR}` references and `null` values resolve from: the environment over the `.env` beside the
 * spec, as Compose reads them (the `.env` may itself refer to the environment). `dotEnv`: the `.env` as
 * @berth/spec's loader already read it (`[]`: there is none); without it, read from `projectDir`.
 */
export function projectVariables(projectDir: string, env: NodeJS.ProcessEnv, dotEnv?: readonly DotEnvEntry[]): Record<string, string | undefined> {
  const lookup = (k: string) => env[k];
  if (dotEnv) return { ...interpolateEnvEntries(dotEnv, lookup), ...env };
  let text = '';
  try {
    text = readFileSync(path.join(projectDir, '.env'), 'utf8');
  } catch {
    // no .env: the environment alone
  }
  return { ...parseEnvFile(text, lookup), ...env };
}

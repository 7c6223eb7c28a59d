import { readFileSync, statSync } from 'node:fs';
import { makeRedactor, parseDotEnv, parseSpec, redactValue, secretValues, type Redactor } from '@berth/spec';
import type { BerthHost } from './host.js';

export { REDACTED } from '@berth/spec';

/**
 * The MCP layer's last wall: whatever a tool or resource answers passes through `redact` on its way out.
 * What is secret, and how it is hidden, is @berth/spec's one rule (`secretValues`, `makeRedactor`): the
 * values of spec-marked and secret-looking variables from the environment and the `.env` beside the spec,
 * what services pass into their containers under secret names, passwords inside URLs. This guard only
 * re-reads the spec and `.env` when they change, so a secret added while the server runs is covered too.
 */
export class SecretGuard {
  private key = '';
  private redactor: Redactor = makeRedactor([]);

  constructor(private readonly host: Pick<BerthHost, 'env' | 'files'>) {}

  /** The redactor for the spec and `.env` as they are now. */
  current(): Redactor {
    const files = this.host.files();
    const key = [files.spec, files.dotenv].map(stamp).join('|');
    if (key !== this.key) {
      this.key = key;
      const text = read(files.spec);
      const dotenv = read(files.dotenv);
      this.redactor = makeRedactor(
        secretValues({ ...(text !== undefined ? { spec: parseSpec(text, files.spec).value } : {}), env: this.host.env, envFile: dotenv === undefined ? {} : parseDotEnv(dotenv) }),
      );
    }
    return this.redactor;
  }

  redact<T>(value: T): T {
    return redactValue(value, this.current());
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

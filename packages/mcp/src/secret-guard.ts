import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { apiTokenFile, makeRedactor, parseSpec, redactorFor, redactValue, type BerthSpec, type Redactor } from '@berth/spec';
import type { BerthHost } from './host.js';
import { readRegularFileOrNone } from './regular-file.js';

export { REDACTED } from '@berth/spec';

/**
 * The MCP layer's last wall: whatever a tool or resource answers passes through `redact` on its way out.
 * What is secret, and how it is hidden, is @berth/spec's one rule (`redactorFor`, the one the CLI and the API
 * use): the values of spec-marked and secret-looking variables from the environment, the `.env` beside the spec
 * and the env files its services pass into their containers, what the spec itself holds under such names,
 * passwords inside URLs. This guard only builds it again when one of those files changes, so a secret added
 * while the server runs is covered too.
 */
export class SecretGuard {
  private key = '';
  /** The services' env files of the spec last read: they are part of the key. */
  private envFiles: string[] = [];
  private redactor: Redactor = makeRedactor([]);

  /** `extra`: values hidden whatever the spec says (the API's token). */
  constructor(
    private readonly host: Pick<BerthHost, 'env' | 'files'>,
    private readonly extra: readonly string[] = [],
  ) {}

  /** The redactor for the spec, its `.env` and its services' env files as they are now. */
  current(): Redactor {
    const files = this.host.files();
    const stamps = (paths: string[]) => paths.map(stamp).join('|');
    if (stamps([files.spec, files.dotenv, ...this.envFiles]) !== this.key) {
      // Each file is stamped before it is read, so a change while it is read is seen at the next answer.
      // `berth serve`'s token file beside the spec: redactorFor reads it (a check that prints it never shows it)
      const key = stamps([files.spec, files.dotenv, apiTokenFile(dirname(files.spec))]);
      // Only a regular file is read: a device or a pipe named as the spec would hang every answer.
      const text = readRegularFileOrNone(files.spec);
      const spec = text === undefined ? undefined : parseSpec(text, files.spec).value;
      const specDir = dirname(files.spec);
      this.envFiles = envFilesOf(spec, specDir);
      this.key = [key, ...this.envFiles.map(stamp)].join('|');
      this.redactor = redactorFor({ ...(spec ? { spec } : {}), specDir, env: this.host.env, extra: [...this.extra] });
    }
    return this.redactor;
  }

  redact<T>(value: T): T {
    return redactValue(value, this.current());
  }
}

/** The env files the spec's services name, as redactorFor finds them (relative to the spec's folder). */
function envFilesOf(spec: BerthSpec | undefined, specDir: string): string[] {
  return Object.values(spec?.services ?? {}).flatMap((s) => (s.envFile ?? []).map((f) => resolve(specDir, f)));
}

function stamp(path: string): string {
  try {
    const s = statSync(path);
    return `${path}:${s.mtimeMs}:${s.size}`;
  } catch {
    return `${path}:-`;
  }
}

import { redactorFor, type BerthSpec } from '@berth/spec';

/**
 * The redactor of one berth run, shared by everything that prints (Output, progress, the error report):
 * from the start it hides the secrets of the process env; once the spec is loaded, also those of its
 * `.env` and what its services pass into their containers (@berth/spec's redactorFor); `berth logs` passes each
 * line through it too. A Compose file berth writes holds no secret the spec does either (@berth/docker's exportCompose
 * writes such a value as `${NAME}` or `[redacted]`, docs/compose.md); the docs page hides what the spec holds
 * by the spec alone (@berth/spec's renderer).
 */
export class Redaction {
  private current: (text: string) => string;
  private spec: { spec: BerthSpec; specDir: string } | undefined;
  private readonly envFiles: Record<string, string>[] = [];
  constructor(private readonly env: NodeJS.ProcessEnv) {
    this.current = redactorFor({ env });
  }
  /** Now also the spec's secrets. */
  forSpec(spec: BerthSpec, specDir: string): void {
    this.spec = { spec, specDir };
    this.rebuild();
  }
  /** Now also the secrets of a `.env` the run reads values from (--env-file, --dotenv), beside the spec's own. */
  withEnvFile(values: Record<string, string>): void {
    this.envFiles.push(values);
    this.rebuild();
  }
  private rebuild(): void {
    this.current = redactorFor({ ...(this.spec ?? {}), env: this.env, otherEnvFiles: this.envFiles });
  }
  readonly redact = (text: string): string => this.current(text);
}

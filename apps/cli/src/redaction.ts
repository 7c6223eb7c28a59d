import { redactorFor, type BerthSpec } from '@berth/spec';

/**
 * The redactor of one berth run, shared by everything that prints (Output, progress, the error report):
 * from the start it hides the secrets of the process env; once the spec is loaded, also those of its
 * `.env` and what its services pass into their containers (@berth/spec's redactorFor); `berth logs` passes each
 * line through it too. A Compose file berth writes does not (it must run); the docs page hides what the spec holds
 * by the spec alone (@berth/spec's renderer).
 */
export class Redaction {
  private current: (text: string) => string;
  constructor(private readonly env: NodeJS.ProcessEnv) {
    this.current = redactorFor({ env });
  }
  /** Now also the spec's secrets. */
  forSpec(spec: BerthSpec, specDir: string): void {
    this.current = redactorFor({ spec, specDir, env: this.env });
  }
  readonly redact = (text: string): string => this.current(text);
}

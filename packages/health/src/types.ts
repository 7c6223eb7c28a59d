import type { z } from 'zod';
import type { Devcontainer, HealthCheck } from '@berth/spec';
import type { EngineSource } from './engine.js';
import type { CheckResult as CheckResultSchema, CheckSubject, HealthStatus } from './result.js';

export type { CheckSubject, HealthStatus };

/** One check to run, with what it belongs to. */
export interface CheckTarget {
  /** Unique within a spec, such as `service:mlflow/http`. */
  id: string;
  subject: CheckSubject;
  check: HealthCheck;
  /** Where relative paths (.mcp.json, a command's cwd) resolve; the spec's folder. */
  baseDir?: string;
  /** Variables for `${VAR}` in an HTTP check's url and headers, ahead of the `.env` in baseDir; default: the process env. */
  env?: Record<string, string | undefined>;
  /**
   * The `.env` values the caller already read (the file its `--env-file` names, or the one beside the spec), in place
   * of the `.env` in baseDir: what the command was told to read is what a check sees.
   */
  dotenv?: Record<string, string>;
  /** Facts the check kinds may need: the devcontainer (its image and GPU needs), the Compose project. */
  context?: { image?: string; project?: string; devcontainer?: Devcontainer; /** The engine (a spec's engine name) its container runs on, when the spec declares engines. */ engine?: string };
}

/** One check run; its `type` narrowed to the spec's check kinds. The schema is `CheckResult` in result.ts. */
export type CheckResult = Omit<z.infer<typeof CheckResultSchema>, 'type'> & { type: HealthCheck['type'] };

/** What one attempt of a check kind finds, before retries, start period and severity are applied. */
export interface Verdict {
  status: HealthStatus;
  reason: string;
  details?: Record<string, unknown>;
}

/** What each check kind gets to run one attempt. */
export interface AttemptContext {
  target: CheckTarget;
  /** Aborted when the total timeout passes or the caller gives up. */
  signal: AbortSignal;
  timeoutMs: number;
  connectTimeoutMs: number;
  /** A Docker engine from @berth/docker (or a promise of one), when the caller has it. */
  engine?: EngineSource;
}

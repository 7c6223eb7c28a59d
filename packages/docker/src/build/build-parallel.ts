import { BerthError } from '@berth/spec';

/** Images built at once on one engine when nothing says otherwise: each build is CPU-heavy on the engine's side. */
export const DEFAULT_BUILD_PARALLEL = 2;

/** Compose's variable for the same cap; `--parallel` wins over it, as in Compose. */
const ENV = 'COMPOSE_PARALLEL_LIMIT';

/**
 * How many images build at once, from `--parallel N` (`from` is how the message names its source): a whole
 * number from 1 up, or -1 for no limit, as Compose's `--parallel` takes. Anything else (0, 1.5, two) is
 * bad input, one line naming it; Compose reads 0 as no limit, berth asks for -1 to say so.
 */
export function parseBuildParallel(raw: string, from = '--parallel '): number {
  const text = raw.trim();
  if (text === '-1') return Number.POSITIVE_INFINITY;
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    const shown = /^[\w.+-]+$/.test(raw) ? raw : JSON.stringify(raw);
    throw new BerthError('ERR_BERTH_USAGE', `${from}${shown}: not a number of builds at once (give 1 or more, or -1 for no limit)`);
  }
  return n;
}

/** The cap when no `--parallel` was given: `COMPOSE_PARALLEL_LIMIT` when it is set (checked as the flag is), else the default. */
export function buildParallelFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env[ENV];
  return raw === undefined || raw === '' ? DEFAULT_BUILD_PARALLEL : parseBuildParallel(raw, `${ENV}=`);
}

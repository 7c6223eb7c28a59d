import { BerthError } from '../problem.js';

/** The BerthError `p` rejects with; anything else (a resolve, another error) fails the test that awaits it. */
export async function berthFailure(p: Promise<unknown>): Promise<BerthError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof BerthError)) throw new Error(`expected a BerthError, got ${String(err)}`);
  return err;
}

/** The BerthError `fn` throws; anything else (a return, another error) fails the test. */
export function berthFailureOf(fn: () => unknown): BerthError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  if (!(err instanceof BerthError)) throw new Error(`expected a BerthError, got ${String(err)}`);
  return err;
}

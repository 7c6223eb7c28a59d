import { z } from 'zod';

/**
 * An object that accepts Compose-style `x-` extension keys and keeps them. Other unknown keys are
 * reported by the loader (with a did-you-mean), which walks the schema for them: a refinement here
 * would only run once everything else in the object is valid, and problems are reported all at once.
 */
export function strictWithExtensions<T extends z.ZodRawShape>(shape: T) {
  return z.object(shape).catchall(z.unknown());
}

import { isAbsolute, relative, sep } from 'node:path';

/**
 * FILE's path relative to DIR in this platform's separators, or undefined where it is DIR itself or outside it.
 * Only a first segment of exactly `..` leaves DIR: `..ctx` and `..Dockerfile` are names inside it. The one rule
 * for "is this path inside that folder" (a build context in the project, a file shown relative to the cwd).
 */
export function pathWithin(dir: string, file: string): string | undefined {
  const rel = relative(dir, file);
  const outside = rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
  return rel && !outside ? rel : undefined;
}

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const EXAMPLE = join('examples', 'semops-data', 'berth.yaml');

/**
 * The spec used when no berth.yaml is found from the working directory up: the semops-data example.
 * In the workspace it is the examples folder at the root; a packed CLI carries a copy in dist/examples.
 * Found by walking up from this module, so it works from source, from the bundle and from any chunk.
 */
export function bundledExampleSpec(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  let distCopy: string | undefined;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, EXAMPLE);
    if (existsSync(candidate)) {
      if (!dir.endsWith(`${join('cli', 'dist')}`)) return candidate;
      distCopy ??= candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return distCopy ?? join(dirname(fileURLToPath(import.meta.url)), EXAMPLE);
}

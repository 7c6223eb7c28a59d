import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

/** The package's own small hand-written fixtures (test/fixtures). */
export const ownFixturesDir = fileURLToPath(new URL('./fixtures/', import.meta.url));

export function ownFixture(name: string): string {
  return readFileSync(resolve(ownFixturesDir, name), 'utf8');
}

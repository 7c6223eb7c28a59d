// Writes docs/spec-reference.md from the zod schemas:  npx tsx packages/spec/scripts/gen-spec-reference.mts
// A test (packages/spec/test/spec-reference.test.ts) fails when the committed page drifts from the schemas.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderSpecReference } from '../src/render/spec-reference.js';

const target = fileURLToPath(new URL('../../../docs/spec-reference.md', import.meta.url));
writeFileSync(target, renderSpecReference());
process.stdout.write(`${target}: written\n`);

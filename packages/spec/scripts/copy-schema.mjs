// Ships the committed JSON Schemas inside the package (dist/schema), so a consumer's editor can point
// `# yaml-language-server: $schema=` at node_modules/@berth/spec/dist/schema/berth.schema.json.
import { cpSync } from 'node:fs';

cpSync(new URL('../../../docs/schema/', import.meta.url), new URL('../dist/schema/', import.meta.url), { recursive: true });

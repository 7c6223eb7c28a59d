export * from './schema/index.js';
export * from './problem.js';
export { closest, editDistance } from './util/did-you-mean.js';
export * from './load/load.js';
export { parseYamlSource, type SourceDocument } from './load/yaml-document.js';
export { checkReferences, dependencyCycles } from './load/references.js';
export * from './render/index.js';
export { specJsonSchema, registryJsonSchema, jsonSchemaText, SPEC_SCHEMA_ID, REGISTRY_SCHEMA_ID } from './json-schema.js';
export * from './analysis/index.js';

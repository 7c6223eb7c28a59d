export * from './runtime.js';
export * from './compose/index.js';

export {};
export * from './compose/index.js';

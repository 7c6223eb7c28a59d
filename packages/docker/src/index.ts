export * from './runtime.js';
export * from './compose/index.js';
// The stack file export writes Compose: it stays out of the runtime entry, as Compose export does.
export { exportStack, STACK_FILE_VERSION, type ExportStackOptions } from './swarm/export-stack.js';

/**
 * The schemas of what berth's analysis reports (problems, port bindings and conflicts, env var
 * states): zod only (`zod/mini`), no Node code, so a browser bundle may import them through
 * `@berth/spec/reports` (the dashboard does, through @berth/api's contract).
 */
export { Problem } from './problem.js';
export { PortStatus, PortBindingInfo, PortConflict, EnvVarStatus } from './analysis/report-schemas.js';
export { IDENTIFIER_PATTERN } from './schema/identifier-pattern.js';

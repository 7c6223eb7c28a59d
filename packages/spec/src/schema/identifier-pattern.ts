/**
 * What a name of the spec may be (a service, a profile, a module...): letters, digits, "_", "." and "-", starting
 * with a letter or digit. Plain, no zod: `Identifier` checks with it, and the API's browser-safe contract (through
 * `@berth/spec/reports`) checks route parameters with the same pattern.
 */
export const IDENTIFIER_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

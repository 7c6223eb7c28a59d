/**
 * Node built-ins that only some commands use, loaded on first use instead of when @berth/spec loads: `berth
 * validate` writes no file and takes no lock, and node:crypto alone is some twenty internal modules to load
 * (bench/cli-cold-start.mjs). process.getBuiltinModule is Node's own (20.16+, 22.3+).
 */
export const crypto = () => process.getBuiltinModule('node:crypto');
export const timersPromises = () => process.getBuiltinModule('node:timers/promises');

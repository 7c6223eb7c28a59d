/** Helpers for tests of berth's packages that need real parts: a full disk, a process group of a test's own. */
export { fullDisk, type FullDisk } from './full-disk.js';
export { runInOwnGroup, type GroupRun } from './own-group.js';

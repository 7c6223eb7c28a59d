/** Helpers for tests of berth's packages: real parts (a full disk, a process group of a test's own), and the error a call rejects with. */
export { fullDisk, type FullDisk } from './full-disk.js';
export { runInOwnGroup, type GroupRun } from './own-group.js';
export { berthFailure, berthFailureOf } from './berth-failure.js';
export { isRunning, stillAlive } from './process-running.js';

/**
 * berth's file writes, without the spec: atomic writes and `mkdir -p`. For code that must load light (a worker
 * thread that walks build contexts), where importing the package's root would construct every schema.
 */
export { writeFileAtomic, type WriteFileAtomicOptions } from './util/write-file-atomic.js';
export { makeDirs } from './util/make-dirs.js';

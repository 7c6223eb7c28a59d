export * from './schema/index.js';
export * from './problem.js';
export { closest, editDistance } from './util/did-you-mean.js';
export { formatDuration } from './format/duration.js';
export { CUT_MARK, clipText, peerLine, peerText, printableText } from './format/peer-text.js';
export { tlsFailureKind, tlsText, type TlsFailureKind } from './format/tls-failure.js';
export { writeFileAtomic, type WriteFileAtomicOptions } from './util/write-file-atomic.js';
export { makeDirs } from './util/make-dirs.js';
export { pathWithin } from './util/path-within.js';
export { fileOrDefaultIn, notAFile, readFileIfExists, replaceBlocker, unreadableReason, unwritableReason } from './util/not-a-file.js';
export { abandonPipes, endOnExit, PIPE_GRACE_MS, signalChild, type ChildEnd, type ExitingChild, type ExitStatus, type PipedChild, type SignalledChild } from './util/signal-child.js';
export { DEFAULT_LOCK_TIMEOUT_MS, lockFileFor, lockHolderPlace, namedLockFile, runtimeLockDir, withFileLock, withNamedLock, type FileLockOptions, type LockHolder } from './util/file-lock.js';
export { fileChangedError, fileExistsError, updateFileLocked, updateFilesLocked, writeFileLocked, type LockedUpdate, type LockedWriteOptions } from './util/locked-write.js';
export * from './load/load.js';
export { loadEnvFile, loadEnvFiles, type EnvFile, type LoadEnvFileOptions } from './load/env-file.js';
export { loadFailure, loadWorkspace, type LoadWorkspaceOptions, type Workspace } from './load/workspace.js';
export { parseYamlSource, type SourceDocument } from './load/yaml-document.js';
export { parseYamlDocument, MAX_NESTING, TOO_DEEP } from './load/yaml-library.js';
export { parseYamlAs, type ParsedDocument } from './load/parse-as.js';
export { checkReferences, dependencyCycles } from './load/references.js';
// The renderer (`@berth/spec/render`) and the JSON Schema generator (`@berth/spec/json-schema`) are
// subpath exports: code that only loads and checks specs (the CLI's cold path) never loads them.
export * from './analysis/index.js';
export * from './selection/index.js';
export * from './secrets/index.js';

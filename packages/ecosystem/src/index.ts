export type * from './model.js';
export { loadEcosystem, loadEcosystemFromSpecs, type EcosystemLoad, type LoadEcosystemOptions } from './load/load-ecosystem.js';
export { parseManifest, readManifests, MAX_INCLUDE_DEPTH } from './load/manifest.js';
export { parseMemberSpec } from './load/members.js';
export { GIT_TIMEOUT_MS } from './load/git.js';
export { ecosystemConventions, memberConventions } from './conventions.js';
export { checkEcosystem, type EcosystemReport } from './check/check-ecosystem.js';
export { ecosystemBeside, findEcosystemFor, problemsConcerning, consumersOf } from './queries.js';
// The page renderers are the subpath `@berth/ecosystem/render`.
export { viewAsMember, problemsAsMember, portProblemsAsMember, type LocalRepo, type MemberView } from './member-view.js';

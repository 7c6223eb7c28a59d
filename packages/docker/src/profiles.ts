// Compose's profile rules are pure and belong to the spec: @berth/spec's selection module holds the one
// implementation, which up, health, doctor and the API all call. Re-exported here for @berth/docker's users.
export { resolveProfiles, dependencyOrder, runsInEngine, type ProfileSelection } from '@berth/spec';

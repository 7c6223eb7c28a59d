export {
  resolveProfiles,
  serviceNamed,
  dependencyOrder,
  runsInEngine,
  runsOutsideEngine,
  activeProfiles,
  type ProfileSelection,
  type SelectionOptions,
  type Environment,
} from './profiles.js';
export { expectedServices, profileServices, type ExpectedServices } from './expected.js';

export { connectSpecEngine, connectSpecEngines, engineAddress, engineLabel, sameEngineNames, specEngineAddresses, specEnginePlaces, type EnginePlace, type SpecEngine, type SpecEngines } from './engine-set.js';
export {
  buildAcrossEngines,
  downAcrossEngines,
  enginesForSelection,
  enginesOfSpec,
  logsAcrossEngines,
  refuseUnknownNames,
  restartAcrossEngines,
  statusAcrossEngines,
  upAcrossEngines,
  type DownAcrossResult,
  type EngineSummary,
  type PlacedStatus,
  type RestartAcrossResult,
  type UpAcrossResult,
} from './across-engines.js';
export { CrossEngineWaits } from './cross-engine-waits.js';
export { upOnSwarm, downOnContainers, downOnSwarm, statusOnSwarm, logsOnSwarm } from './swarm-dispatch.js';

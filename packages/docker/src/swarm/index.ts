/**
 * Docker Swarm as an engine of its own kind: a profile deployed as the services of one stack (the
 * project's name), as `docker stack deploy` of `berth compose --swarm` would make it, through the
 * engine's API; its status per node, its logs, its removal.
 */
export { deployStack, type SwarmDeployOptions, type StackDeployResult, type StackServiceChange, type SwarmEvent, type SwarmPhase } from './deploy-stack.js';
export { stackStatus, type StackStatus, type StackServiceStatus, type StackNodeStatus, type StackTaskStatus } from './stack-status.js';
export { stackLogs, DEFAULT_FOLLOW_TAIL } from './stack-logs.js';
export { removeStack, type StackRemoval } from './remove-stack.js';
export { desiredSwarmService, stackScoped, type DesiredSwarmService, type MountedObject } from './desired-service.js';
export { swarmIgnores, gpuReservation, GPU_RESOURCE } from './swarm-ignores.js';
export { serviceVerdict, type ServiceVerdict } from './task-verdict.js';
export { SwarmApi, type SwarmService, type SwarmTask, type SwarmNode } from './swarm-api.js';

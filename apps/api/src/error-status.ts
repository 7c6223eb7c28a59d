import { STATUS_CODES } from 'node:http';
import type { BerthErrorCode } from '@berth/spec';

/**
 * What each BerthError code means as an HTTP status: the API's one table (the CLI has its own for exit
 * codes, apps/cli/src/exit-codes.ts). Packages throw codes; a new code does not compile until it has a row.
 * 409: the machine's state is in the way (a port taken, nothing to restart); 422: the spec cannot be acted
 * on; 502/504: the engine or what it started failed or did not come up in time; 503: no engine.
 */
export const HTTP_STATUS_OF: Record<BerthErrorCode, number> = {
  ERR_BERTH_USAGE: 400,
  ERR_BERTH_INVALID_SPEC: 422,
  ERR_BERTH_INVALID_REGISTRY: 422,
  ERR_BERTH_REGISTRY: 422,
  ERR_BERTH_NO_REGISTRY: 422,
  ERR_BERTH_PACKAGED_REGISTRY: 400,
  ERR_BERTH_BUNDLED: 400,
  ERR_BERTH_UNKNOWN_SERVICE: 404,
  ERR_BERTH_UNKNOWN_MODULE: 404,
  ERR_BERTH_ENV_FILE: 422,
  ERR_BERTH_NO_COMPOSE_FILE: 400,
  ERR_BERTH_COMPOSE_IMPORT: 422,
  ERR_BERTH_KEEP_MARKERS: 422,
  ERR_BERTH_PROFILES: 422,
  ERR_BERTH_SERVICES: 422,
  ERR_BERTH_DEVCONTAINER: 422,
  ERR_BERTH_NO_DEVCONTAINER: 404,
  ERR_BERTH_INVALID_ECOSYSTEM: 422,
  ERR_BERTH_NO_ECOSYSTEM: 404,
  ERR_BERTH_FILE_EXISTS: 409,
  ERR_BERTH_NO_DIR: 400,
  ERR_BERTH_UNREADABLE: 500,
  ERR_BERTH_WRITE: 500,
  ERR_BERTH_FILE_CHANGED: 409,
  ERR_BERTH_MCP_JSON: 422,
  ERR_BERTH_STORE: 500,
  ERR_BERTH_STORE_NEWER: 500,
  ERR_BERTH_LOCK_DIR: 500,
  ERR_BERTH_LOCK_FAILED: 500,
  ERR_BERTH_LOCKED: 409,
  ERR_BERTH_ENGINE_UNREACHABLE: 503,
  ERR_BERTH_SSH_KEY_REFUSED: 503,
  ERR_BERTH_SSH_HOST_KEY: 503,
  ERR_BERTH_SSH_UNREACHABLE: 503,
  ERR_BERTH_SSH_NO_DOCKER: 503,
  ERR_BERTH_SSH_NO_ENGINE: 503,
  ERR_BERTH_SSH_FAILED: 503,
  ERR_BERTH_ENGINE: 502,
  ERR_BERTH_IMAGE_MISSING: 409,
  ERR_BERTH_IMAGE_BUILD: 409,
  ERR_BERTH_PULL: 502,
  ERR_BERTH_PORTS: 409,
  ERR_BERTH_PORT_TAKEN: 409,
  ERR_BERTH_GPU_RUNTIME: 409,
  ERR_BERTH_NOT_RUNNING: 409,
  ERR_BERTH_SERVICE_FAILED: 502,
  ERR_BERTH_WAIT_TIMEOUT: 504,
  ERR_BERTH_UP_FAILED: 502,
  ERR_BERTH_ENGINE_STALLED: 503,
  ERR_BERTH_CONTAINER_GONE: 409,
  ERR_BERTH_NETWORK_GONE: 409,
  ERR_BERTH_NETWORK_AMBIGUOUS: 409,
  ERR_BERTH_TIMEOUT: 504,
};

/** The status and its name for an error code (500 for one the table lacks: a bug). */
export function httpErrorOf(code: string): { statusCode: number; error: string } {
  const statusCode = Object.hasOwn(HTTP_STATUS_OF, code) ? HTTP_STATUS_OF[code as BerthErrorCode] : 500;
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error' };
}

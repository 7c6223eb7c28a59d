import type { BerthSpec, Service } from '@berth/spec';
// The engine name of a network key is the same rule on a plain engine and on a swarm (Compose's `<project>_<key>`, or its `name:`).
import { stackNetworkName } from '../project-name.js';

/** A network of the spec a service's container joins. */
export interface ServiceNetwork {
  /** The key under the spec's `networks` (`default` when the service lists none). */
  key: string;
  /** The engine-side name: `<project>_<key>`, or the network's `name:`. */
  name: string;
  /** Never created nor removed by berth; it must exist. */
  external: boolean;
}

const isModeNetwork = (spec: BerthSpec, key: string) => spec.networks[key]?.mode === 'host' || spec.networks[key]?.mode === 'none';

/**
 * `host` when the service's Compose runtime names a `mode: host` network: the container runs on the host's stack.
 * Only the `compose` runtime counts: a devcontainer's or a host command's network says where that runtime runs.
 */
export function runtimeNetworkMode(spec: BerthSpec, service: Service): 'host' | undefined {
  return service.runtime?.some((r) => r.kind === 'compose' && r.network && spec.networks[r.network]?.mode === 'host') ? 'host' : undefined;
}

/**
 * The network mode that replaces the service's networks: its `networkMode`, its Compose runtime on a `mode: host`
 * network, or a listed network whose mode is `host` or `none` (a container on the host's stack joins no other).
 * `berth up`, a swarm deployment and `berth compose` all follow it.
 */
export function serviceNetworkMode(spec: BerthSpec, service: Service): string | undefined {
  if (service.networkMode) return service.networkMode;
  if (runtimeNetworkMode(spec, service)) return 'host';
  const modeKey = service.networks?.find((k) => isModeNetwork(spec, k));
  return modeKey ? spec.networks[modeKey]!.mode : undefined;
}

/**
 * The networks a service joins, as Compose decides: those it lists, in its order, else `default`. The
 * first is the one its container is created on; the engine connects it to the others before it starts.
 */
export function serviceNetworks(spec: BerthSpec, project: string, service: Service): ServiceNetwork[] {
  const keys = service.networks?.length ? [...new Set(service.networks)] : ['default'];
  return keys.map((key) => ({ key, name: stackNetworkName(spec, project, key), external: spec.networks[key]?.external ?? false }));
}

import { extraHostEntries, EXTRA_HOST_ADDRESS_MESSAGE, HOST_GATEWAY, type ExtraHosts, type Problem } from '@berth/spec';

/**
 * A resolved `extraHosts` map as the engine takes it, each entry `host:address` (an IPv6 address without its
 * brackets, `host-gateway` as written: the engine puts the host's address there), for a container's
 * HostConfig.ExtraHosts and a build's `extrahosts`; `swarm` gives a swarm service's ContainerSpec.Hosts instead,
 * `address host` as in /etc/hosts. An address that is none once its `${VAR}` is resolved is an error at FIELD, said of WHO (`service "api"`);
 * then the result is not ok.
 */
export function engineExtraHosts(
  map: ExtraHosts | undefined,
  at: { field: (string | number)[]; who: string },
  problems: Problem[],
  form: 'container' | 'swarm' = 'container',
): { ok: false } | { ok: true; hosts: string[] | undefined } {
  const entries = extraHostEntries(map);
  if (entries.length === 0) return { ok: true, hosts: undefined };
  const out: string[] = [];
  const before = problems.length;
  for (const { host, written, address } of entries) {
    if (address === undefined) {
      problems.push({ code: 'extra-host-address', severity: 'error', path: [...at.field, host], message: `${at.who}: ${JSON.stringify(written)} ${EXTRA_HOST_ADDRESS_MESSAGE}` });
      continue;
    }
    if (form === 'swarm' && address === HOST_GATEWAY) {
      problems.push({ code: 'extra-host-gateway-swarm', severity: 'error', path: [...at.field, host], message: `${at.who}: host-gateway is resolved by the engine for a container it runs, not for a swarm service's tasks`, hint: "write the host's address on the swarm's network instead" });
      continue;
    }
    out.push(form === 'swarm' ? `${address} ${host}` : `${host}:${address}`);
  }
  return problems.length > before ? { ok: false } : { ok: true, hosts: out };
}

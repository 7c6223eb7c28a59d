import { z } from 'zod';
import { isIpAddress } from './common.js';

/** The address the engine replaces with the host's own (Docker 20.10+), as Compose and `docker run --add-host` take it. */
export const HOST_GATEWAY = 'host-gateway';

/**
 * An extra host's address as the engine takes it: an IP address (an IPv6 one without the brackets Compose allows
 * around it, `[::1]`), or `host-gateway`; undefined when TEXT is neither.
 */
export function extraHostAddress(text: string): string | undefined {
  const bare = /^\[(.*)\]$/.exec(text)?.[1] ?? text;
  return bare === HOST_GATEWAY || isIpAddress(bare) ? bare : undefined;
}

const ADDRESS_MESSAGE = 'must be an IP address (an IPv6 one with or without [brackets]) or host-gateway';

/** An address as written: checked here unless it holds a `${VAR}` reference, which is checked once resolved. */
const ExtraHostAddress = z.string().refine((v) => v.includes('$') || extraHostAddress(v) !== undefined, { message: ADDRESS_MESSAGE });

/**
 * Extra `/etc/hosts` entries, as Compose's `extra_hosts` map: a host name and its address, or several (an IPv4 and
 * an IPv6 one). A name holds no white space, `:` or `=` (the engine reads `host:address`).
 */
export const ExtraHosts = z
  .record(z.string().regex(/^[^\s:=[\]]+$/, 'must be a host name (no white space, ":", "=" or brackets)'), z.union([ExtraHostAddress, z.array(ExtraHostAddress).min(1, 'must list one address or more')]))
  .describe('Extra /etc/hosts entries: `host: address` (an IP address, `[::1]`, or host-gateway for the host itself), or a list of addresses.');
export type ExtraHosts = z.infer<typeof ExtraHosts>;

/** One entry of an ExtraHosts map: the host, the address as written, and as the engine takes it (undefined: not an address). */
export interface ExtraHostEntry {
  host: string;
  written: string;
  address: string | undefined;
}

/** Every host and address of MAP, in order; a host with several addresses gives one entry each. */
export function extraHostEntries(map: ExtraHosts | undefined): ExtraHostEntry[] {
  return Object.entries(map ?? {}).flatMap(([host, value]) => (Array.isArray(value) ? value : [value]).map((written) => ({ host, written, address: extraHostAddress(written) })));
}

export { ADDRESS_MESSAGE as EXTRA_HOST_ADDRESS_MESSAGE };

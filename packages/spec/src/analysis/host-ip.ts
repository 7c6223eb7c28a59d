import { formatIp, ipBytes } from '../schema/ip-address.js';

const V4_ANY = '0.0.0.0';
const V6_ANY = '::';
const V4_MAPPED = '::ffff:';

/**
 * An address in one spelling, whoever wrote it (a spec, the registry, the engine's API, /proc): IPv4 dotted, IPv6
 * compressed as RFC 5952 writes it, an IPv4-mapped one as `::ffff:a.b.c.d`; brackets, a zone and case dropped.
 * Text that is no address stays as it is (trimmed, lower case).
 */
export function canonicalIp(text: string): string {
  const bare = text.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  const bytes = ipBytes(bare.replace(/%[^%]*$/, ''));
  return bytes ? formatIp(bytes) : bare;
}

/**
 * The comparable form of a host address: undefined for every interface (absent, as Docker then binds 0.0.0.0 and
 * `::`, or `::` itself, which takes IPv4 as well; see hostIpsOverlap); an IPv4-mapped address as its IPv4 address
 * (the kernel binds it as one); else canonicalIp's spelling. `localhost` is 127.0.0.1.
 */
export function normalizeHostIp(ip: string | undefined): string | undefined {
  if (ip === undefined) return undefined;
  const c = canonicalIp(ip);
  if (c === '' || c === '*' || c === V6_ANY) return undefined;
  if (c === 'localhost') return '127.0.0.1';
  return c.startsWith(V4_MAPPED) && c.includes('.') ? c.slice(V4_MAPPED.length) : c;
}

const isV4 = (ip: string) => ipBytes(ip)?.length === 4;

/**
 * berth's one rule for "can a port bound at `a` and the same port bound at `b` (same protocol) clash": validate's
 * port analysis, `ports register`, `up`'s preflight, `ports suggest` and the doctor's host probe all ask it.
 * It is Linux's own, with its default net.ipv6.bindv6only = 0 (checked by binding both sockets):
 * - absent and `::` (any spelling) clash with everything: Docker binds an absent address on 0.0.0.0 and `::`, and
 *   a dual-stack `::` takes every IPv4 address too (`::` then 127.0.0.1 is EADDRINUSE, and the other way round);
 * - `0.0.0.0` clashes with every IPv4 address, IPv4-mapped ones included, and with `::`, but not with `::1` or any
 *   other IPv6 address;
 * - an IPv4-mapped address (`::ffff:127.0.0.1`, `::ffff:7f00:1`) is its IPv4 address;
 * - two specific addresses clash when they are the same address however spelt (`::1` and `0:0:0:0:0:0:0:1`);
 *   127.0.0.1 and `::1` do not.
 * A `::` socket opened with IPV6_V6ONLY takes IPv6 only; no address says so, so `::` is taken to clash with IPv4
 * as the kernel's default has it: a clash berth reports that might not be is better than one it misses.
 */
export function hostIpsOverlap(a: string | undefined, b: string | undefined): boolean {
  const x = normalizeHostIp(a);
  const y = normalizeHostIp(b);
  if (x === undefined || y === undefined || x === y) return true;
  return (x === V4_ANY && isV4(y)) || (y === V4_ANY && isV4(x));
}

/**
 * Two ports bound by a and b (same number and protocol) clash: they are on one machine (absent is
 * this machine; see engineMachine) and their host addresses overlap. The same port on two machines does not.
 */
export function bindsClash(a: { hostIp?: string | undefined; machine?: string | undefined }, b: { hostIp?: string | undefined; machine?: string | undefined }): boolean {
  return (a.machine ?? '') === (b.machine ?? '') && hostIpsOverlap(a.hostIp, b.hostIp);
}

/** A host address that names no interface of its own: absent, `::` or `0.0.0.0` however spelt (every interface). */
export function isWildcardIp(ip: string | undefined): boolean {
  const n = normalizeHostIp(ip);
  return n === undefined || n === V4_ANY;
}

const THIS_MACHINE = new Set(['localhost', '127.0.0.1', '::1', '0.0.0.0']);

/** A host name a connection uses to reach a port published on this machine (where the registry's ports live). */
export function isLocalHost(host: string): boolean {
  return THIS_MACHINE.has(canonicalIp(host));
}

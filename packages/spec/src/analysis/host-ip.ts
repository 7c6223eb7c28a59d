/** Host addresses as Docker binds them: absent, 0.0.0.0 and :: mean every interface. */
const WILDCARDS = new Set(['', '0.0.0.0', '::', '[::]', '*']);

/** A comparable form of a host IP: undefined for "every interface", `localhost` as 127.0.0.1, brackets and case dropped. */
export function normalizeHostIp(ip: string | undefined): string | undefined {
  if (ip === undefined) return undefined;
  const t = ip.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (WILDCARDS.has(t)) return undefined;
  if (t === 'localhost') return '127.0.0.1';
  if (t === '::ffff:127.0.0.1') return '127.0.0.1';
  return t;
}

/** Two bindings can collide when either listens on every interface or both name the same address. */
export function hostIpsOverlap(a: string | undefined, b: string | undefined): boolean {
  const x = normalizeHostIp(a);
  const y = normalizeHostIp(b);
  return x === undefined || y === undefined || x === y;
}

/**
 * Two ports bound by a and b (same number and protocol) clash: they are on one machine (absent is
 * this machine; see engineMachine) and their host addresses overlap. The same port on two machines does not.
 */
export function bindsClash(a: { hostIp?: string | undefined; machine?: string | undefined }, b: { hostIp?: string | undefined; machine?: string | undefined }): boolean {
  return (a.machine ?? '') === (b.machine ?? '') && hostIpsOverlap(a.hostIp, b.hostIp);
}

const THIS_MACHINE = new Set(['localhost', '127.0.0.1', '::1', '0.0.0.0']);

/** A host name a connection uses to reach a port published on this machine (where the registry's ports live). */
export function isLocalHost(host: string): boolean {
  return THIS_MACHINE.has(host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1'));
}

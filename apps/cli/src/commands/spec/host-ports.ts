/**
 * Free host ports for `berth ports suggest`, by @berth/docker's one host-port probe (the rule for TCP
 * listeners, UDP sockets and addresses lives there, shared with `up`'s preflight and the doctor).
 */
export async function freeOnHost(candidates: Iterable<number>, options: { count: number; protocol: 'tcp' | 'udp'; maxTries?: number; signal?: AbortSignal }): Promise<{ free: number[]; busy: number[] }> {
  const { freeHostPorts } = await import('@berth/docker/runtime');
  const { free, taken } = await freeHostPorts(candidates, options);
  return { free, busy: taken };
}

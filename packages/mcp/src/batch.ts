/** The protocol versions whose JSON-RPC takes batches: 2025-06-18 removed them (and 2026-07-28 has none). */
const BATCHING = new Set(['2024-10-07', '2024-11-05', '2025-03-26']);

/**
 * berth's one rule for JSON-RPC batches, over stdio and HTTP: why a batch is refused (-32600) in a session of
 * protocol `version`, or undefined when that version takes batches. berth's stdio takes one message per line
 * whatever was negotiated (`version` null); over HTTP the version is the request's `MCP-Protocol-Version`.
 */
export function batchRefusal(version: string | null, unit: 'line' | 'request'): string | undefined {
  if (version !== null && BATCHING.has(version)) return undefined;
  return `Invalid Request: batches are not supported${version ? ` in protocol version ${version}` : ''}; send one message per ${unit}`;
}

/** The first id two requests of a batch share (the SDK keeps each call's abort controller by id), as JSON. */
export function repeatedId(batch: unknown[]): string | undefined {
  const seen = new Set<string>();
  for (const m of batch) {
    if (!m || typeof m !== 'object' || !('method' in m) || !('id' in m)) continue;
    const id = JSON.stringify((m as { id: unknown }).id);
    if (seen.has(id)) return id;
    seen.add(id);
  }
  return undefined;
}

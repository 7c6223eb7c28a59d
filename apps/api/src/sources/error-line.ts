/** The first line of an error's message: what a source says when it cannot answer. */
export function errorLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}

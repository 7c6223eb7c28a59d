import type { Problem } from '@berth/spec';

/** The three documents berth reads, by the version key each starts with. */
const KINDS = { berth: 'a berth.yaml', registry: 'a port registry', ecosystem: 'an ecosystem manifest' } as const;
export type DocumentKind = keyof typeof KINDS;

/**
 * One line for a file that is the wrong kind of document (a berth.yaml given as the registry), instead of
 * a dozen schema errors: a map without the version key the kind starts with. Undefined when it may be the right kind.
 */
export function wrongKindProblem(value: unknown, expected: DocumentKind, file: string): Problem | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  // The kind is said by its version key holding a number: a berth.yaml's `registry:` holds a path, not a version.
  const version = (k: DocumentKind) => typeof (value as Record<string, unknown>)[k] === 'number';
  if (version(expected)) return undefined;
  const other = (Object.keys(KINDS) as DocumentKind[]).find((k) => k !== expected && version(k));
  if (!other && expected in value) return undefined;
  return {
    code: 'wrong-document',
    severity: 'error',
    file,
    line: 1,
    col: 1,
    message: `is not ${KINDS[expected]}: it has no "${expected}: 1" line${other ? ` (it looks like ${KINDS[other]})` : ''}`,
  };
}

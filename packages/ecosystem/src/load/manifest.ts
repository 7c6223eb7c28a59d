import { dirname } from 'node:path';
import { EcosystemManifestSchema, ECOSYSTEM_FILE_NAME, parseYamlAs, type Problem } from '@berth/spec';
import type { ManifestDocument, Where } from '../model.js';
import { wrongKindProblem } from './document-kind.js';
import { readPath, readSourceFile, type SourceRead } from './sources.js';

/** How deep includes may nest: far more than any real ecosystem, and a bound on a chain of distinct refs. */
export const MAX_INCLUDE_DEPTH = 8;

/** Parses one manifest's text; never throws. A file of another kind is said in one line. */
export function parseManifest(text: string, file: string): { value?: ManifestDocument['value']; source?: ManifestDocument['source']; problems: Problem[] } {
  const parsed = parseYamlAs(EcosystemManifestSchema, text, file, 'a manifest starts with "ecosystem: 1", "name:" and "members:"', 'manifest');
  const wrong = wrongKindProblem(parsed.source.value, 'ecosystem', file);
  if (wrong) return { source: parsed.source, problems: [wrong] };
  return parsed;
}

/**
 * Reads the manifest at `path` and, depth first, every manifest it includes (by path, package or git ref),
 * each once. An include that comes back to a manifest still being read is a cycle: with git refs, the same
 * clone at the same commit and file (`a@main` includes `b@main`, which includes `a@main`). Reported at the
 * include that closes it, as `include cycle: A -> B -> A`; what was read before it is kept.
 */
export async function readManifests(path: string, options: { cwd: string; signal?: AbortSignal }): Promise<{ manifests: ManifestDocument[]; problems: Problem[] }> {
  const manifests: ManifestDocument[] = [];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const root = await readPath(path, { baseDir: options.cwd, defaultFile: ECOSYSTEM_FILE_NAME, cwd: options.cwd }, { kind: 'path', text: path });
  if (!root.ok) {
    problems.push({ code: 'file-not-found', severity: 'error', message: `${root.origin.text}: ${root.reason}` });
    return { manifests, problems };
  }

  const visit = async (read: Extract<SourceRead, { ok: true }>, stack: { identity: string; file: string }[]) => {
    seen.add(read.identity);
    const parsed = parseManifest(read.text, read.file);
    problems.push(...parsed.problems);
    if (!parsed.value || !parsed.source) return;
    const doc: ManifestDocument = { file: read.file, dir: dirname(read.path), identity: read.identity, value: parsed.value, source: parsed.source };
    manifests.push(doc);
    const chain = [...stack, { identity: read.identity, file: read.file }];
    for (const [i, include] of parsed.value.include.entries()) {
      const at: Where = { file: doc.file, ...doc.source.locate(['include', i]), path: ['include', i] };
      const next = await readSourceFile(include, { baseDir: doc.dir, defaultFile: ECOSYSTEM_FILE_NAME, cwd: options.cwd, ...(options.signal ? { signal: options.signal } : {}) });
      if (!next.ok) {
        problems.push({ code: 'include-not-found', severity: 'error', ...at, message: `include ${next.origin.text}: ${next.reason}` });
        continue;
      }
      const back = chain.findIndex((c) => c.identity === next.identity);
      if (back >= 0) {
        const loop = [...chain.slice(back).map((c) => c.file), next.file].join(' -> ');
        problems.push({ code: 'include-cycle', severity: 'error', ...at, message: `include cycle: ${loop}`, hint: 'remove one of these includes' });
        continue;
      }
      if (seen.has(next.identity)) continue; // included twice along different paths: read once
      if (chain.length >= MAX_INCLUDE_DEPTH) {
        problems.push({ code: 'include-too-deep', severity: 'error', ...at, message: `include ${next.file}: includes nest deeper than ${MAX_INCLUDE_DEPTH} manifests` });
        continue;
      }
      await visit(next, chain);
    }
  };
  await visit(root, []);
  return { manifests, problems };
}

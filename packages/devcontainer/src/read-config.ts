import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readTextFile, type Problem } from '@berth/spec';
import { DevcontainerJson } from './config-schema.js';
import { parseJsonc, type JsoncDocument } from './jsonc.js';

/** A devcontainer.json read and checked: its value only when it has no error. */
export interface DevcontainerConfigRead {
  doc: JsoncDocument;
  config?: DevcontainerJson;
  problems: Problem[];
}

/** Checks a devcontainer.json text: JSONC syntax, then the fields berth reads, each problem at `file:line:col`. */
export function parseDevcontainerJson(text: string, file: string): DevcontainerConfigRead {
  const { doc, problems } = parseJsonc(text, file);
  if (problems.length) return { doc, problems };
  if (typeof doc.value !== 'object' || doc.value === null || Array.isArray(doc.value)) {
    return { doc, problems: [{ code: 'devcontainer-not-object', severity: 'error', file, line: 1, col: 1, message: 'devcontainer.json must hold one JSON object' }] };
  }
  const parsed = DevcontainerJson.safeParse(doc.value);
  if (parsed.success) return { doc, config: parsed.data, problems: [] };
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const issue of parsed.error.issues) {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    const key = path.join('.');
    if (seen.has(key)) continue; // a union reports each branch; one line per place
    seen.add(key);
    out.push({ code: 'devcontainer-field', severity: 'error', file, ...doc.locate(path), path, message: `${key || '(top level)'}: ${fieldMessage(issue)}` });
  }
  return { doc, problems: out.sort((x, y) => x.line! - y.line! || x.col! - y.col!) };
}

function fieldMessage(issue: { code: string; message: string; expected?: unknown; values?: unknown[] }): string {
  if (issue.code === 'invalid_union') return 'not one of the forms devcontainer.json allows here';
  if (issue.code === 'invalid_value' && issue.values) return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  if (issue.code === 'invalid_type') return `expected ${String(issue.expected)}`;
  return issue.message;
}

/**
 * A file's text split at its UTF-8 byte-order mark: the editor and the Dev Containers CLI read past one, berth reads
 * the body and writes the mark back as it was.
 */
export function splitBom<T extends string | undefined>(text: T): { bom: string; body: T } {
  return text?.startsWith('\uFEFF') ? { bom: '\uFEFF', body: text.slice(1) as T } : { bom: '', body: text };
}

/**
 * Reads and checks a devcontainer.json (past a byte-order mark) by @berth/spec's rule for the files berth reads and
 * writes back (readTextFile): a missing file, a directory, a device, or bytes that are not UTF-8 (at their line and
 * column: `--write` would otherwise turn them into U+FFFD where berth owns nothing) is one problem.
 */
export function readDevcontainerJson(path: string, file: string): DevcontainerConfigRead {
  const read = readTextFile(path, file);
  if (read.text === undefined) return { doc: parseJsonc('{}', file).doc, problems: read.problems };
  return parseDevcontainerJson(splitBom(read.text).body, file);
}

/**
 * The devcontainer.json files of a workspace folder, where the editor looks for them:
 * `.devcontainer/devcontainer.json`, `.devcontainer.json`, then `.devcontainer/NAME/devcontainer.json`.
 */
export function findDevcontainerConfigs(folder: string): string[] {
  const found = ['.devcontainer/devcontainer.json', '.devcontainer.json'].filter((p) => isFile(join(folder, p)));
  const dir = join(folder, '.devcontainer');
  if (existsSync(dir)) {
    for (const name of safeReaddir(dir).sort()) {
      const p = `.devcontainer/${name}/devcontainer.json`;
      if (isFile(join(folder, p))) found.push(p);
    }
  }
  return found;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

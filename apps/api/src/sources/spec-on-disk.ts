import { FileWatch, readRegularFileOrNone as contentOf } from '@berth/mcp';
import { formatProblem, loadWorkspace } from '@berth/spec';
import type { SpecOnDisk as SpecOnDiskView } from '../contract.js';

/** The files the server loaded at start, with what each held then (undefined: it was not there). */
export type LoadedFiles = Map<string, string | undefined>;

/**
 * Whether the spec, its registry and its `.env` still say what the server loaded at start. The server runs what it
 * loaded (its checks, its routes); a file edited meanwhile is not applied until `berth serve` starts again, and a
 * dashboard that went on showing the old spec without a word would mislead whoever edited it. So each change is
 * noticed (@berth/mcp's FileWatch: the directory is watched, editors' rename-over saves included), and the files
 * are loaded again through @berth/spec's one loader, to say whether the next start would load them and, if not, each
 * problem as `berth validate` says it. Files back to what was loaded are no change.
 */
export class SpecOnDisk {
  private state: SpecOnDiskView = { changed: false };
  private readonly watch: FileWatch;

  constructor(
    private readonly specPath: string,
    private readonly loaded: LoadedFiles,
    private readonly onChange: (state: SpecOnDiskView) => void,
    private readonly options: { debounceMs?: number; registryPath?: string; envFile?: string } = {},
  ) {
    this.watch = new FileWatch(() => [...loaded.keys()], () => this.recheck(), options.debounceMs);
  }

  /** What the files hold now, against what was loaded. */
  current(): SpecOnDiskView {
    return this.state;
  }

  /** Compares every file again (the watch calls it after each change; a test may call it directly). */
  recheck(): void {
    const changed = [...this.loaded].filter(([path, was]) => contentOf(path) !== was).map(([path]) => path);
    const before = this.state;
    if (!changed.length) this.state = { changed: false };
    else {
      // as the server loaded them: the same registry and `.env`
      const { registryPath, envFile } = this.options;
      const ws = loadWorkspace({ specPath: this.specPath, ...(registryPath ? { registryPath } : {}), ...(envFile ? { envFile } : {}) });
      const errors = ws.problems.filter((p) => p.severity === 'error');
      this.state = { changed: true, at: new Date().toISOString(), files: changed, loads: !ws.failed && errors.length === 0, problems: errors.map(formatProblem) };
    }
    if (JSON.stringify({ ...before, at: undefined }) !== JSON.stringify({ ...this.state, at: undefined })) this.onChange(this.state);
  }

  close(): void {
    this.watch.close();
  }
}

/** The files a server loaded, as they were read: the spec and registry from their sources, the `.env` read now. */
export function loadedFiles(files: { spec: { path: string; text?: string }; registry?: { path: string; text?: string }; dotenv: string }): LoadedFiles {
  const map: LoadedFiles = new Map();
  map.set(files.spec.path, files.spec.text ?? contentOf(files.spec.path));
  if (files.registry) map.set(files.registry.path, files.registry.text ?? contentOf(files.registry.path));
  map.set(files.dotenv, contentOf(files.dotenv));
  return map;
}

import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { readRegularFileOrNone } from './regular-file.js';

/**
 * Tells when a file's content changes. It watches the file's directory, not the file: editors and berth
 * itself replace files by renaming a new one over them, which leaves a watch on the old inode deaf. Events
 * are debounced, and only a real change of content is reported (a save without changes is not).
 */
export class FileWatch {
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly last = new Map<string, string | undefined>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  /**
   * @param files the files to follow, asked again at every change (the registry a spec names may change with it)
   * @param onChange called once per changed file after the debounce
   */
  constructor(
    private readonly files: () => string[],
    private readonly onChange: (path: string) => void,
    private readonly debounceMs = 100,
  ) {
    this.follow();
  }

  private follow(): void {
    const paths = this.files();
    const dirs = new Set(paths.map((p) => dirname(p)));
    for (const [dir, w] of this.watchers) {
      if (!dirs.has(dir)) {
        w.close();
        this.watchers.delete(dir);
      }
    }
    for (const p of paths) if (!this.last.has(p)) this.last.set(p, readRegularFileOrNone(p));
    for (const dir of dirs) {
      if (this.watchers.has(dir)) continue;
      try {
        const w = watch(dir, { persistent: true }, (_event, name) => {
          if (!name || this.files().some((p) => dirname(p) === dir && basename(p) === name.toString())) this.schedule();
        });
        w.on('error', () => {
          w.close();
          this.watchers.delete(dir);
        });
        this.watchers.set(dir, w);
      } catch {
        // A directory that cannot be watched (gone, no permission): its files are simply not followed.
      }
    }
  }

  private schedule(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.check(), this.debounceMs);
  }

  private check(): void {
    if (this.closed) return;
    for (const p of this.files()) {
      // Only a regular file is read: a device or a pipe as the spec would hang or fill the server.
      const now = readRegularFileOrNone(p);
      if (this.last.has(p) && this.last.get(p) === now) continue;
      const known = this.last.has(p);
      this.last.set(p, now);
      if (known) this.onChange(p);
    }
    this.follow();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }
}

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signalChild, writeFileAtomic } from '@berth/spec';
import { afterAll, describe, expect, it } from 'vitest';
import { FileWatch } from './file-watch.js';

const root = mkdtempSync(join(tmpdir(), 'berth-mcp-watch-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Resolves with the paths reported until `quietMs` pass without a report (after at least one, or `maxMs`). */
function changes(watch: (onChange: (p: string) => void) => FileWatch, act: () => void, { quietMs = 600, maxMs = 5000 } = {}): Promise<string[]> {
  return new Promise((resolve) => {
    const seen: string[] = [];
    let timer: NodeJS.Timeout;
    const done = () => {
      w.close();
      clearTimeout(timer);
      clearTimeout(limit);
      resolve(seen);
    };
    const w = watch((p) => {
      seen.push(p);
      clearTimeout(timer);
      timer = setTimeout(done, quietMs);
    });
    const limit = setTimeout(done, maxMs);
    act();
  });
}

describe('FileWatch', () => {
  it('reports a file replaced by rename (an atomic write), once, after the burst of events', async () => {
    const dir = mkdtempSync(join(root, 'w-'));
    const spec = join(dir, 'berth.yaml');
    writeFileSync(spec, 'one\n');
    const seen = await changes((cb) => new FileWatch(() => [spec], cb, 50), () => writeFileAtomic(spec, 'two\n'));
    expect(seen).toEqual([spec]);
  });

  it('reports an edit in place and a rename over the file, and not a save that changed nothing', async () => {
    const dir = mkdtempSync(join(root, 'w-'));
    const spec = join(dir, 'berth.yaml');
    const registry = join(dir, 'ports.yaml');
    writeFileSync(spec, 'one\n');
    writeFileSync(registry, 'ports\n');
    const unchanged = await changes((cb) => new FileWatch(() => [spec, registry], cb, 50), () => writeFileSync(spec, 'one\n'), { maxMs: 800 });
    expect(unchanged).toEqual([]);
    const edited = await changes(
      (cb) => new FileWatch(() => [spec, registry], cb, 50),
      () => {
        writeFileSync(join(dir, 'next.tmp'), 'ports, changed\n');
        renameSync(join(dir, 'next.tmp'), registry);
        writeFileSync(spec, 'one, edited\n');
      },
    );
    expect(edited.sort()).toEqual([spec, registry].sort());
  });

  it('ignores the other files of the directory', async () => {
    const dir = mkdtempSync(join(root, 'w-'));
    const spec = join(dir, 'berth.yaml');
    writeFileSync(spec, 'one\n');
    const seen = await changes((cb) => new FileWatch(() => [spec], cb, 50), () => writeFileSync(join(dir, 'README.md'), 'hello\n'), { maxMs: 800 });
    expect(seen).toEqual([]);
  });

  it('never reads a file that is a pipe (a spec named so would hang the server), and still follows the others', async () => {
    const dir = mkdtempSync(join(root, 'w-'));
    const spec = join(dir, 'berth.yaml');
    const registry = join(dir, 'ports.yaml');
    expect(spawnSync('mkfifo', [spec]).status).toBe(0);
    writeFileSync(registry, 'ports\n');
    // Writers that each hold the pipe open for 3 s and write nothing: every read of it waits that long.
    const writer = spawn('sh', ['-c', `while :; do sleep 3 > '${spec}'; done`], { stdio: 'ignore', detached: true });
    try {
      const started = Date.now();
      const seen = await changes((cb) => new FileWatch(() => [spec, registry], cb, 50), () => writeFileSync(registry, 'ports, changed\n'));
      expect(seen).toEqual([registry]);
      expect(Date.now() - started).toBeLessThan(4000);
    } finally {
      signalChild(writer, 'SIGKILL', { group: true }); // the loop and the writer it waits in, its own process group
    }
  });
});

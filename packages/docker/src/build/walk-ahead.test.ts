import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planBuilds, type BuildTarget } from './build-images.js';
import { buildJob } from './build-job.js';
import { walkContext } from './context-walk.js';
import { IgnoreMatcher } from './dockerignore.js';
import { readWalkAheadHint, walkAndDigest, WalkAhead, WALK_AHEAD_MIN_ENTRIES, walkAheadHintFile, type ContextToWalk, type RememberedContext } from './walk-ahead.js';

// The worker runs the TypeScript source, as the tests do: through tsx (the helper registers it), with the source condition.
const workerFile = fileURLToPath(new URL('./walk-ahead-worker.test-helpers.mjs', import.meta.url));
const execArgv = ['--conditions=@berth/source'];

let dir: string;
let cacheDir: string;
const write = (rel: string, text = rel) => {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), text);
};
const context = (name: string, ignore: string[] = ['*.log']): ContextToWalk => ({ contextDir: path.join(dir, name), ignore });
/** As remembered after a walk that sent `entries` entries. */
const remembered = (name: string, ignore?: string[], entries = 3): RememberedContext => ({ ...context(name, ignore), entries });
// a worker for any number of entries (the threshold has its own test)
const start = (cwd = dir, minEntries = 0) => WalkAhead.start({ workerFile, execArgv, cwd, cacheDir, env: {}, minEntries });
const started: WalkAhead[] = [];
const tracked = (w: WalkAhead) => (started.push(w), w);

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'berth-walk-ahead-'));
  cacheDir = path.join(dir, '.cache');
  write('api/Dockerfile', 'FROM scratch\n');
  write('api/src/index.ts', 'export {}\n');
  write('api/debug.log', 'noise');
  write('web/Dockerfile', 'FROM scratch\n');
  write('web/index.html', '<p>hi</p>');
});
afterEach(() => {
  for (const w of started.splice(0)) w.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('WalkAhead', () => {
  it('without a remembered context starts no worker; remember() keeps this run\'s contexts for the next run from the folder', async () => {
    const first = tracked(start());
    expect(first.started).toBe(false);
    expect(await first.take(context('api'))).toBeUndefined();
    first.remember([remembered('api')]);
    first.remember([remembered('web', [])]); // a second engine's contexts join the first's
    expect(readWalkAheadHint(walkAheadHintFile(cacheDir, dir))).toEqual([remembered('api'), remembered('web', [])]);
    // another folder has its own
    expect(readWalkAheadHint(walkAheadHintFile(cacheDir, path.join(dir, 'api')))).toEqual([]);
  });

  it("a worker walks the remembered contexts; its digests are the main thread's own, and the entries are walked again only when asked for", async () => {
    start().remember([remembered('api'), remembered('web', [])]);
    const ahead = tracked(start());
    expect(ahead.started).toBe(true);
    const [api, web] = await Promise.all([ahead.take(context('api')), ahead.take(context('web', []))]);
    expect(api?.digest).toBe(walkAndDigest(context('api'), undefined).digest);
    expect(web?.digest).toBe(walkAndDigest(context('web', []), undefined).digest);
    expect(ahead.taken).toBe(2);
    expect(api!.entries.map((e) => e.path)).toEqual(walkContext(path.join(dir, 'api'), new IgnoreMatcher(['*.log'])).map((e) => e.path));
    // the same folder with other rules sends other entries: not the worker's to answer
    expect(await ahead.take(context('api', []))).toBeUndefined();
    expect(ahead.taken).toBe(2);
  });

  it('a change made before the run is in the digest the worker gives (it walks during the run, not from memory)', async () => {
    start().remember([remembered('api')]);
    const before = await tracked(start()).take(context('api'));
    write('api/src/index.ts', 'export const changed = 1;\n');
    const after = await tracked(start()).take(context('api'));
    expect(after!.digest).not.toBe(before!.digest);
    expect(after!.digest).toBe(walkAndDigest(context('api'), undefined).digest);
  });

  it('a context the worker cannot walk, a worker that cannot start, and a hint that is not one leave the walk to the command', async () => {
    start().remember([remembered('api'), remembered('gone')]);
    const ahead = tracked(start());
    expect(await ahead.take(context('gone'))).toBeUndefined();
    expect((await ahead.take(context('api')))?.digest).toBe(walkAndDigest(context('api'), undefined).digest);

    const broken = tracked(WalkAhead.start({ workerFile: path.join(dir, 'no-such-worker.cjs'), cwd: dir, cacheDir, env: {} }));
    expect(await broken.take(context('api'))).toBeUndefined();

    for (const text of ['{', '{"v":1,"contexts":[{"contextDir":"relative","ignore":[],"entries":1}]}', `{"v":1,"contexts":[{"contextDir":"${dir}","ignore":[]}]}`, '{"v":99,"contexts":[]}', 'null']) {
      writeFileSync(walkAheadHintFile(cacheDir, dir), text);
      expect(readWalkAheadHint(walkAheadHintFile(cacheDir, dir)), text).toEqual([]);
      expect(tracked(start()).started, text).toBe(false);
    }
  });

  it('starts no worker for fewer remembered entries than a worker costs to start, and says so under BERTH_DEBUG=build', () => {
    const small = tracked(WalkAhead.start({ workerFile, execArgv, cwd: dir, cacheDir, env: {} }));
    small.remember([remembered('api', undefined, WALK_AHEAD_MIN_ENTRIES - 1)]);
    const lines: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((line: string) => (lines.push(line), true)) as typeof process.stderr.write;
    try {
      const below = tracked(WalkAhead.start({ workerFile, execArgv, cwd: dir, cacheDir, env: { BERTH_DEBUG: 'build' } }));
      expect(below.started).toBe(false);
      // the count passing the threshold rewrites the hint; the next run starts one
      below.remember([remembered('api', undefined, WALK_AHEAD_MIN_ENTRIES)]);
      expect(tracked(WalkAhead.start({ workerFile, execArgv, cwd: dir, cacheDir, env: { BERTH_DEBUG: 'build' } })).started).toBe(true);
    } finally {
      process.stderr.write = write;
    }
    expect(lines[0]).toMatch(new RegExp(`^berth: walk-ahead no worker: ${WALK_AHEAD_MIN_ENTRIES - 1} entries remembered for .*, fewer than ${WALK_AHEAD_MIN_ENTRIES}: walked sooner here \\(at \\+\\d+ ms\\)\n$`));
    expect(lines[1]).toMatch(/^berth: walk-ahead worker started on 1 context \(\d+ entries\) remembered for /);
  });

  it('a cache folder that cannot be written costs only the head start', () => {
    // a file where the folder should be: no folder can be made under it, root or not
    writeFileSync(cacheDir, 'not a folder');
    const ahead = tracked(start());
    expect(ahead.started).toBe(false);
    expect(() => ahead.remember([remembered('api')])).not.toThrow();
    expect(readWalkAheadHint(walkAheadHintFile(cacheDir, dir))).toEqual([]);
  });

  it('planBuilds takes what the worker walked, and decides as it would have alone', async () => {
    const targets: BuildTarget[] = ['api', 'web'].map((name) => {
      const job = buildJob(name, { context: name }, { projectDir: dir, image: `p-${name}`, vars: {} }, []);
      return { job: job!, services: [name] };
    });
    // no engine here: every image is missing (and --no-build builds none), and its inputs' digest is what later runs compare
    const api = { getImage: () => ({ inspect: async () => Promise.reject(Object.assign(new Error('no such image'), { statusCode: 404 })) }) };
    const alone = await planBuilds(api as never, targets, { mode: 'never', cacheDir, walkAhead: tracked(start()) });
    // what was remembered: each context with the number of entries its walk sent
    expect(readWalkAheadHint(walkAheadHintFile(cacheDir, dir)).map((c) => `${path.basename(c.contextDir)}:${c.entries}`)).toEqual(['api:4', 'web:2']);
    const ahead = tracked(start());
    expect(ahead.started).toBe(true);
    const withWorker = await planBuilds(api as never, targets, { mode: 'never', cacheDir, walkAhead: ahead });
    expect(ahead.taken).toBe(2);
    expect(withWorker.builds.map((b) => b.snapshot.inputs)).toEqual(alone.builds.map((b) => b.snapshot.inputs));
    expect(withWorker.builds.map((b) => b.decision.action)).toEqual(['missing', 'missing']);
    expect(JSON.parse(readFileSync(walkAheadHintFile(cacheDir, dir), 'utf8')).contexts.map((c: ContextToWalk) => path.basename(c.contextDir))).toEqual(['api', 'web']);
  });
});

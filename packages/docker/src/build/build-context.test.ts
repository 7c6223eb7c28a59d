import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildJob, type BuildJob } from './build-job.js';
import { ContextWalks, contextTar, snapshotJob } from './build-context.js';
import { UnreadableContextError, walkContext } from './context-walk.js';
import { IgnoreMatcher } from './dockerignore.js';
import { packContext, ContextChangedError } from './tar-pack.js';

let dir: string;
const write = (rel: string, text = rel) => {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), text);
};
const job = (build: Record<string, unknown> = {}): BuildJob => {
  const problems: never[] = [];
  const j = buildJob('api', { context: '.', ...build }, { projectDir: dir, image: 'p-api', vars: {} }, problems);
  expect(problems).toEqual([]);
  return j!;
};
const paths = (rules: string[]) => walkContext(dir, new IgnoreMatcher(rules)).map((e) => (e.kind === 'dir' ? `${e.path}/` : e.path));
const inputs = (j = job(), cacheDir?: string) => snapshotJob(j, new ContextWalks(cacheDir)).inputs;

async function untar(stream: NodeJS.ReadableStream): Promise<{ list: string[]; out: string }> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  const tarFile = path.join(dir, '..', `${path.basename(dir)}.tar`);
  writeFileSync(tarFile, Buffer.concat(chunks));
  const out = mkdtempSync(path.join(tmpdir(), 'berth-untar-'));
  execFileSync('tar', ['-xf', tarFile, '-C', out]);
  const list = execFileSync('tar', ['-tf', tarFile], { encoding: 'utf8' }).trim().split('\n');
  rmSync(tarFile);
  return { list, out };
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'berth-ctx-'));
  write('Dockerfile', 'FROM scratch\nCOPY . /app\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('walking a context with .dockerignore', () => {
  it('sends what Docker sends: negations, **, a reopened directory, the build files always', () => {
    for (const f of ['src/a.ts', 'src/b.test.ts', 'src/deep/c.test.ts', 'node_modules/x/index.js', 'docs/guide.md', 'docs/README.md', 'logs/keep/this.log', 'logs/drop.log', '.git/HEAD', 'README.md']) write(f);
    const rules = ['**/*.test.ts', 'node_modules', 'docs', '!docs/README.md', 'logs', '!logs/keep/this.log', '.git', '*.md', '!README.md', 'Dockerfile', '.dockerignore', '!.dockerignore', '!Dockerfile'];
    expect(paths(rules)).toEqual(['Dockerfile', 'README.md', 'docs/README.md', 'logs/keep/this.log', 'src/', 'src/a.ts', 'src/deep/']);
  });

  it('keeps symlinks as links and never follows them', () => {
    write('real/file.txt');
    symlinkSync('real', path.join(dir, 'link'));
    symlinkSync('/etc/passwd', path.join(dir, 'outside'));
    const entries = walkContext(dir, new IgnoreMatcher([]));
    expect(entries.filter((e) => e.kind === 'symlink').map((e) => [e.path, e.link])).toEqual([
      ['link', 'real'],
      ['outside', '/etc/passwd'],
    ]);
  });
});

describe('a name that is not valid UTF-8', () => {
  const rawPath = (...parts: (string | number[])[]) => Buffer.concat([Buffer.from(`${dir}/`), ...parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p)))]);

  it('is refused with its true reason once the rules keep it, and left out where .dockerignore excludes it', () => {
    writeFileSync(rawPath('bad', [0xff], '.txt'), 'y');
    mkdirSync(rawPath('dir', [0xfe]));
    writeFileSync(rawPath('dir', [0xfe], '/inner.txt'), 'y');
    write('ok\uFFFD.txt', 'a real U+FFFD is valid UTF-8');
    const refusal = (rules: string[]) => {
      try {
        walkContext(dir, new IgnoreMatcher(rules));
        return undefined;
      } catch (err) {
        expect(err).toBeInstanceOf(UnreadableContextError);
        return (err as Error).message;
      }
    };
    expect(refusal([])).toBe('cannot send bad\uFFFD.txt: its name is not valid UTF-8 (rename it, or add it to the .dockerignore)');
    expect(refusal(['bad*'])).toBe('cannot send dir\uFFFD: its name is not valid UTF-8 (rename it, or add it to the .dockerignore)');
    // an ignored directory reopened by a negation is walked, so its name must be sent too
    expect(refusal(['bad*', 'dir*', '!dir\uFFFD/inner.txt'])).toBe('cannot send dir\uFFFD: its name is not valid UTF-8 (rename it, or add it to the .dockerignore)');
    expect(paths(['bad*', 'dir*'])).toEqual(['Dockerfile', 'ok\uFFFD.txt']);
  });
});

describe('the digest of the build inputs', () => {
  it('changes with a sent file, a mode, a new file, the Dockerfile, target and args; not with an ignored file or a touch', () => {
    write('.dockerignore', 'tmp\n*.log\n');
    write('Dockerfile', 'FROM scratch AS base\nFROM base AS prod\nCOPY . /app\n');
    write('src/app.ts', 'one');
    const first = inputs();
    expect(inputs()).toBe(first);
    write('tmp/scratch.txt', 'ignored');
    write('debug.log', 'ignored');
    utimesSync(path.join(dir, 'src/app.ts'), new Date(), new Date(Date.now() - 86_400_000));
    expect(inputs()).toBe(first);
    write('src/app.ts', 'two');
    const second = inputs();
    expect(second).not.toBe(first);
    chmodSync(path.join(dir, 'src/app.ts'), 0o755);
    const third = inputs();
    expect(third).not.toBe(second);
    write('src/new.ts', '');
    expect(inputs()).not.toBe(third);
    const now = inputs();
    expect(inputs(job({ target: 'prod' }))).not.toBe(now);
    expect(inputs(job({ args: { V: '1' } }))).not.toBe(inputs(job({ args: { V: '2' } })));
    write('Dockerfile', 'FROM scratch AS base\nFROM base AS prod\nCOPY . /srv\n');
    expect(inputs()).not.toBe(now);
  });

  it('tells apart two contexts whose entries only differ in where a newline falls', () => {
    // a link to "t\nz" beside a file "q", against a link to "t" beside a file "z\nq"
    write('q', 'same');
    symlinkSync('t\nz', path.join(dir, 'a'));
    const first = inputs();
    rmSync(path.join(dir, 'a'));
    rmSync(path.join(dir, 'q'));
    symlinkSync('t', path.join(dir, 'a'));
    write('z\nq', 'same');
    expect(inputs()).not.toBe(first);
  });

  it('covers a Dockerfile outside the context and an inline one', () => {
    write('ctx/file.txt');
    write('docker/api.Dockerfile', 'FROM scratch\n');
    const outside = inputs(job({ context: 'ctx', dockerfile: '../docker/api.Dockerfile' }));
    write('docker/api.Dockerfile', 'FROM scratch\nCOPY . /\n');
    expect(inputs(job({ context: 'ctx', dockerfile: '../docker/api.Dockerfile' }))).not.toBe(outside);
    expect(inputs(job({ context: 'ctx', dockerfileInline: 'FROM scratch\n' }))).not.toBe(inputs(job({ context: 'ctx', dockerfileInline: 'FROM scratch\nCOPY . /\n' })));
  });

  it('reads a file once: the digest and the content hashes are remembered by stat, and a change is still seen', async () => {
    const cacheDir = path.join(dir, '..', `${path.basename(dir)}-cache`);
    write('src/app.ts', 'one');
    const old = new Date(Date.now() - 60_000);
    utimesSync(path.join(dir, 'src/app.ts'), old, old);
    // its ctime is now, which utimes cannot set back: a hash is remembered only for a file a second old
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const first = inputs(job(), cacheDir);
    const at = path.join(cacheDir, 'build-contexts');
    const [hashes, sum] = readdirSync(at).sort().map((f) => path.join(at, f));
    expect([hashes, sum].map((f) => path.basename(f!).replace(/^[0-9a-f]{32}/, ''))).toEqual(['.json', '.sum.json']);
    // what is remembered is what is used, and no file is read: a planted digest of the whole context comes back...
    writeFileSync(sum!, JSON.stringify({ ...JSON.parse(readFileSync(sum!, 'utf8')), digest: 'planted' }));
    const planted = inputs(job(), cacheDir);
    expect(planted).not.toBe(first);
    // ...and without it, a planted content hash
    rmSync(sum!);
    const text = readFileSync(hashes!, 'utf8');
    expect(text).toMatch(/"src\/app\.ts[^"]*":"[0-9a-f]{64}"/);
    writeFileSync(hashes!, text.replace(/("src\/app\.ts[^"]*":)"[0-9a-f]{64}"/, '$1"planted"'));
    const second = inputs(job(), cacheDir);
    expect([first, planted]).not.toContain(second);
    const remembered = readFileSync(sum!, 'utf8');
    // a rewrite is seen, even with the old size and timestamps (the ctime moves), and the file is read again
    write('src/app.ts', 'two');
    utimesSync(path.join(dir, 'src/app.ts'), old, old);
    expect([first, planted, second]).not.toContain(inputs(job(), cacheDir));
    write('src/app.ts', 'one');
    utimesSync(path.join(dir, 'src/app.ts'), old, old);
    expect(inputs(job(), cacheDir)).toBe(first);
    // a file changed within the last second may change again unseen by its stats: no digest is remembered
    expect(readFileSync(sum!, 'utf8')).toBe(remembered);
    rmSync(cacheDir, { recursive: true, force: true });
  });
});

describe('the contexts of one plan', () => {
  it('walks a context once for every image built from it with the same rules, and tells their inputs apart', () => {
    write('.dockerignore', '*.log\n');
    write('Dockerfile', 'FROM scratch AS base\nFROM base AS prod\nCOPY . /app\n');
    write('worker.Dockerfile', 'FROM scratch\nCOPY . /w\n');
    write('src/app.ts', 'one');
    const walks = new ContextWalks(undefined);
    const api = snapshotJob(job(), walks);
    const prod = snapshotJob(job({ target: 'prod' }), walks);
    const worker = snapshotJob(job({ dockerfile: 'worker.Dockerfile' }), walks);
    expect(walks.size).toBe(1);
    expect(prod.entries).toBe(api.entries);
    expect(worker.entries).toBe(api.entries);
    expect(new Set([api.inputs, prod.inputs, worker.inputs]).size).toBe(3);
    // each the same as when walked alone
    expect([api.inputs, prod.inputs, worker.inputs]).toEqual([inputs(job()), inputs(job({ target: 'prod' })), inputs(job({ dockerfile: 'worker.Dockerfile' }))]);
  });

  it('walks again where the rules differ: a .dockerignore that excludes one job’s Dockerfile sends it for that job only', () => {
    write('.dockerignore', '*.Dockerfile\n');
    write('Dockerfile', 'FROM scratch\n');
    write('worker.Dockerfile', 'FROM scratch\n');
    const walks = new ContextWalks(undefined);
    const names = (build: Record<string, unknown>) => snapshotJob(job(build), walks).entries.map((e) => e.path);
    expect(names({})).not.toContain('worker.Dockerfile');
    expect(names({ dockerfile: 'worker.Dockerfile' })).toContain('worker.Dockerfile');
    expect(walks.size).toBe(2);
  });

  it('remembers no walk that failed: each job that sends the context reports it, and a later walk reads it afresh', () => {
    write('ctx/app.txt');
    write('ctx/Dockerfile', 'FROM scratch AS prod\n');
    const [api, prod] = [job({ context: 'ctx' }), job({ context: 'ctx', target: 'prod' })];
    rmSync(path.join(dir, 'ctx'), { recursive: true });
    const walks = new ContextWalks(undefined);
    expect(() => walks.of(api)).toThrow(UnreadableContextError);
    expect(() => walks.of(prod)).toThrow(/cannot read \. \(it disappeared\)/);
    expect(walks.size).toBe(0);
    write('ctx/app.txt');
    // the job read its Dockerfile before: the walk sends what is there now
    expect(walks.of(prod).entries.map((e) => e.path)).toEqual(['app.txt']);
  });
});

describe('the context as a tar stream', () => {
  it('is what the system tar reads back: names, long and non-ASCII ones, modes, links, empty dirs', async () => {
    const long = `${'deep/'.repeat(25)}file-with-a-long-name.txt`;
    write(long, 'long');
    write('ünïcödé/名前.txt', 'utf8 name');
    write('bin/run.sh', '#!/bin/sh\necho hi\n');
    chmodSync(path.join(dir, 'bin/run.sh'), 0o755);
    mkdirSync(path.join(dir, 'empty'));
    symlinkSync(`../${'x'.repeat(120)}`, path.join(dir, 'far-link'));
    write('big.bin', 'x'.repeat(600_000));
    const j = job();
    const snap = snapshotJob(j, new ContextWalks(undefined));
    const { stream, dockerfile } = contextTar(j, snap);
    expect(dockerfile).toBe('Dockerfile');
    const { list, out } = await untar(stream);
    expect(list).toContain(long);
    expect(list).toContain('ünïcödé/名前.txt');
    expect(list).toContain('empty/');
    expect(readFileSync(path.join(out, long), 'utf8')).toBe('long');
    expect(readFileSync(path.join(out, 'ünïcödé/名前.txt'), 'utf8')).toBe('utf8 name');
    expect(readFileSync(path.join(out, 'big.bin'), 'utf8')).toHaveLength(600_000);
    expect(execFileSync('stat', ['-c', '%a', path.join(out, 'bin/run.sh')], { encoding: 'utf8' }).trim()).toBe('755');
    expect(execFileSync('readlink', [path.join(out, 'far-link')], { encoding: 'utf8' }).trim()).toBe(`../${'x'.repeat(120)}`);
    rmSync(out, { recursive: true, force: true });
  });

  it('adds a Dockerfile from outside the context under its own name, hidden from COPY by the tar’s .dockerignore', async () => {
    write('ctx/.dockerignore', '*.log\n');
    write('ctx/app.txt');
    write('docker/api.Dockerfile', 'FROM scratch\n');
    const j = job({ context: 'ctx', dockerfile: '../docker/api.Dockerfile' });
    const { stream, dockerfile } = contextTar(j, snapshotJob(j, new ContextWalks(undefined)));
    expect(dockerfile).toMatch(/^\.dockerfile\.berth-[0-9a-f]{12}$/);
    const { out } = await untar(stream);
    expect(readFileSync(path.join(out, dockerfile), 'utf8')).toBe('FROM scratch\n');
    expect(readFileSync(path.join(out, '.dockerignore'), 'utf8')).toBe(`*.log\n\n${dockerfile}\n`);
    rmSync(out, { recursive: true, force: true });
  });

  it('uses <Dockerfile>.dockerignore in place of the context’s .dockerignore: walk, digest, and the classic builder’s tar', async () => {
    write('ctx/Dockerfile.api', 'FROM scratch\nCOPY . /ctx\n');
    write('ctx/Dockerfile.api.dockerignore', 'secret.txt\n');
    write('ctx/.dockerignore', 'other.txt\n');
    write('ctx/secret.txt', 'TOPSECRET');
    write('ctx/other.txt');
    const j = job({ context: 'ctx', dockerfile: 'Dockerfile.api' });
    expect(j.ignoreBesideDockerfile).toBe(true);
    const snapshot = snapshotJob(j, new ContextWalks(undefined));
    expect(snapshot.entries.map((e) => e.path)).toEqual(['.dockerignore', 'Dockerfile.api', 'Dockerfile.api.dockerignore', 'other.txt']);
    // the context's own .dockerignore is an ordinary file here, which COPY sees: both builders send its real content
    const classic = await untar(contextTar(j, snapshot).stream);
    expect(classic.list.sort()).toEqual(['.dockerignore', 'Dockerfile.api', 'Dockerfile.api.dockerignore', 'other.txt']);
    expect(readFileSync(path.join(classic.out, '.dockerignore'), 'utf8')).toBe('other.txt\n');
    rmSync(classic.out, { recursive: true, force: true });
    // BuildKit without a session reads no .dockerignore: the context goes as it is
    const buildkit = await untar(contextTar(j, snapshot, undefined, 'buildkit').stream);
    expect(readFileSync(path.join(buildkit.out, '.dockerignore'), 'utf8')).toBe('other.txt\n');
    rmSync(buildkit.out, { recursive: true, force: true });
    // the rules are part of the inputs, even where they change no entry; another Dockerfile keeps the context's
    const before = snapshot.inputs;
    write('ctx/Dockerfile.api.dockerignore', 'secret.txt\nnot-there\n');
    expect(inputs(job({ context: 'ctx', dockerfile: 'Dockerfile.api' }))).not.toBe(before);
    write('ctx/Dockerfile', 'FROM scratch\n');
    const plain = job({ context: 'ctx' });
    expect(plain.ignoreBesideDockerfile).toBe(false);
    expect(snapshotJob(plain, new ContextWalks(undefined)).entries.map((e) => e.path)).toContain('secret.txt');
  });

  it('writes the rules of <Dockerfile>.dockerignore over the context’s own .dockerignore only where those rules hide it from COPY', async () => {
    write('ctx/Dockerfile.api', 'FROM scratch\nCOPY . /ctx\n');
    write('ctx/Dockerfile.api.dockerignore', 'secret.txt\n.dockerignore\n');
    write('ctx/.dockerignore', 'ORIGINAL-CONTENT\n');
    write('ctx/secret.txt', 'TOPSECRET');
    const hides = job({ context: 'ctx', dockerfile: 'Dockerfile.api' });
    expect(hides.hiddenFromCopy).toEqual(['.dockerignore']);
    const classic = await untar(contextTar(hides, snapshotJob(hides, new ContextWalks(undefined))).stream);
    expect(readFileSync(path.join(classic.out, '.dockerignore'), 'utf8')).toBe('secret.txt\n.dockerignore\n\n');
    rmSync(classic.out, { recursive: true, force: true });
    // a Dockerfile from outside the context: the context's own file as it is, with the made Dockerfile's name added as the docker CLI adds it
    write('docker/api.Dockerfile', 'FROM scratch\n');
    write('docker/api.Dockerfile.dockerignore', 'secret.txt\n');
    const outside = job({ context: 'ctx', dockerfile: '../docker/api.Dockerfile' });
    const { stream, dockerfile } = contextTar(outside, snapshotJob(outside, new ContextWalks(undefined)));
    const tar = await untar(stream);
    expect(tar.list).not.toContain('secret.txt');
    expect(readFileSync(path.join(tar.out, '.dockerignore'), 'utf8')).toBe(`ORIGINAL-CONTENT\n\n${dockerfile}\n`);
    rmSync(tar.out, { recursive: true, force: true });
    // the classic builder hides a build file by the tar's .dockerignore: a line is added where the context's own would decide otherwise
    const added = async (own: string, rules: string) => {
      write('ctx/.dockerignore', own);
      write('ctx/Dockerfile.api.dockerignore', rules);
      const j = job({ context: 'ctx', dockerfile: 'Dockerfile.api' });
      const u = await untar(contextTar(j, snapshotJob(j, new ContextWalks(undefined))).stream);
      const text = readFileSync(path.join(u.out, '.dockerignore'), 'utf8');
      rmSync(u.out, { recursive: true, force: true });
      return text;
    };
    expect(await added('other\n', 'secret.txt\nDockerfile.api\n')).toBe('other\n\nDockerfile.api\n');
    expect(await added('Dockerfile.*\n', 'secret.txt\n')).toBe('Dockerfile.*\n\n!Dockerfile.api\n');
    expect(await added('*.txt\n', 'secret.txt\n')).toBe('*.txt\n');
  });

  it('writes the rules of <Dockerfile>.dockerignore into a .dockerignore that hides itself where the context has none', async () => {
    write('ctx/app.txt');
    write('ctx/drop.txt');
    write('docker/api.Dockerfile', 'FROM scratch\n');
    write('docker/api.Dockerfile.dockerignore', 'drop.txt\n');
    write('ctx/Dockerfile.dockerignore', 'app.txt\n');
    write('ctx/Dockerfile', 'FROM scratch\n');
    const outside = job({ context: 'ctx', dockerfile: '../docker/api.Dockerfile' });
    const { stream, dockerfile } = contextTar(outside, snapshotJob(outside, new ContextWalks(undefined)));
    const { list, out } = await untar(stream);
    expect(list).not.toContain('drop.txt');
    expect(list).toContain('app.txt');
    expect(readFileSync(path.join(out, '.dockerignore'), 'utf8')).toBe(`drop.txt\n\n.dockerignore\n${dockerfile}\n`);
    rmSync(out, { recursive: true, force: true });
    const inside = job({ context: 'ctx' });
    const tar = await untar(contextTar(inside, snapshotJob(inside, new ContextWalks(undefined))).stream);
    expect(tar.list).not.toContain('app.txt');
    expect(readFileSync(path.join(tar.out, '.dockerignore'), 'utf8')).toBe('app.txt\n\n.dockerignore\n');
    rmSync(tar.out, { recursive: true, force: true });
  });

  it('sends fifos and devices as moby’s archive does, in the digest too, and leaves sockets out', async () => {
    const before = inputs();
    execFileSync('mkfifo', [path.join(dir, 'fifo')]);
    const withFifo = inputs();
    expect(withFifo).not.toBe(before);
    execFileSync('mknod', [path.join(dir, 'null'), 'c', '1', '3']);
    const withDevice = inputs();
    expect(withDevice).not.toBe(withFifo);
    rmSync(path.join(dir, 'null'));
    execFileSync('mknod', [path.join(dir, 'null'), 'c', '1', '5']);
    expect(inputs()).not.toBe(withDevice);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(path.join(dir, 'sock'), resolve));
    try {
      const j = job();
      const snapshot = snapshotJob(j, new ContextWalks(undefined));
      expect(snapshot.entries.map((e) => `${e.path} ${e.kind}`)).toEqual(['Dockerfile file', 'fifo fifo', 'null char']);
      expect(snapshot.entries.find((e) => e.kind === 'char')?.device).toEqual({ major: 1, minor: 5 });
      const chunks: Buffer[] = [];
      for await (const c of contextTar(j, snapshot).stream) chunks.push(c as Buffer);
      const tarFile = `${dir}.tar`;
      writeFileSync(tarFile, Buffer.concat(chunks));
      const listing = execFileSync('tar', ['-tvf', tarFile], { encoding: 'utf8' }).trim().split('\n');
      rmSync(tarFile);
      expect(listing.map((l) => l.slice(0, 10))).toEqual(['-rw-r--r--', 'prw-r--r--', 'crw-r--r--']);
      expect(listing[2]).toMatch(/ 1,5 /);
    } finally {
      server.close();
    }
  });

  it('fails rather than send a file that changed since it was digested', async () => {
    write('src/app.ts', 'one');
    const entries = walkContext(dir, new IgnoreMatcher([]));
    write('src/app.ts', 'two, longer');
    const chunks: Buffer[] = [];
    await expect(
      (async () => {
        for await (const c of packContext(dir, entries)) chunks.push(c as Buffer);
      })(),
    ).rejects.toBeInstanceOf(ContextChangedError);
  });
});

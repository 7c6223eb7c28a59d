import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { setImmediate } from 'node:timers/promises';
import type { ContextEntry } from './context-walk.js';
import { contextKey, walkAndDigest, type ContextToWalk, type RememberedContext, type WalkAhead, type WalkedContext } from './walk-ahead.js';
import type { BuildJob } from './build-job.js';
import type { BuilderChoice } from './builder-choice.js';
import { IgnoreMatcher, readIgnoreFile } from './dockerignore.js';
import { packContext, type TarEntry } from './tar-pack.js';

/** What a build sends, as it was when berth looked: the context's entries, and the digest of every input. */
export interface BuildSnapshot {
  entries: ContextEntry[];
  /** sha256 of the context (after .dockerignore), the Dockerfile, the target, the args and the other inputs that make the image. */
  inputs: string;
}

/** Bump when what the digest covers changes, so images built before are rebuilt once. */
const DIGEST_VERSION = 2;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const sorted = (record: Record<string, string>) => Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/**
 * The contexts of one plan, each walked and digested once: services built from the same directory with the
 * same `.dockerignore` rules (`context: .` with another target, Dockerfile or args, as Compose projects often
 * have) send the same entries, so the second costs no walk. A walk that fails is not remembered. With a
 * WalkAhead, a context its worker walked is not walked here (call `ready` before `of`).
 */
export class ContextWalks {
  private readonly walked = new Map<string, WalkedContext>();

  /** `cacheDir`: where the content hashes are remembered between runs (none: every file is read). */
  constructor(
    private readonly cacheDir: string | undefined,
    private readonly ahead?: WalkAhead,
  ) {}

  /** Waits for the worker's walk of the job's context, where it is walking it; else lets the event loop turn once. */
  async ready(job: BuildJob): Promise<void> {
    const c = contextOf(job);
    const key = contextKey(c);
    const walked = this.walked.has(key) ? undefined : await this.ahead?.take(c);
    if (walked) this.walked.set(key, walked);
    else await setImmediate();
  }

  /** Throws UnreadableContextError for a file or directory of the context that cannot be read. */
  of(job: BuildJob): WalkedContext {
    // the rules decide the entries: `!Dockerfile` is among them only for the job whose Dockerfile the file excludes
    const c = contextOf(job);
    const key = contextKey(c);
    let context = this.walked.get(key);
    if (!context) {
      context = walkAndDigest(c, this.cacheDir);
      this.walked.set(key, context);
    }
    return context;
  }

  /** The contexts walked (by either thread) and how many entries each sends, for WalkAhead.remember. */
  contexts(jobs: readonly BuildJob[]): RememberedContext[] {
    return jobs.map(contextOf).flatMap((c) => {
      const walked = this.walked.get(contextKey(c));
      return walked ? [{ ...c, entries: walked.count }] : [];
    });
  }

  /** How many contexts were walked. */
  get size(): number {
    return this.walked.size;
  }
}

const contextOf = (job: BuildJob): ContextToWalk => ({ contextDir: job.contextDir, ignore: job.ignore });

/**
 * The job's context as walked with Docker's `.dockerignore` rules (once per plan, see ContextWalks), and the
 * digest of what would be sent together with the Dockerfile and the parameters that decide the image.
 * `noCache`, `pull` and `cacheFrom` are not part of it: they change how the image is made, not what it is.
 */
export function snapshotJob(job: BuildJob, walks: ContextWalks): BuildSnapshot {
  const walked = walks.of(job);
  const inputs = {
    v: DIGEST_VERSION,
    context: walked.digest,
    dockerfile: { at: job.dockerfile.inContext ?? null, sha256: sha256(job.dockerfile.text) },
    // the rules in effect, wherever they come from: they decide what the classic builder hides from COPY
    ignore: job.ignore,
    target: job.target ?? null,
    args: sorted(job.args),
    labels: sorted(job.labels),
    tags: job.tags,
    network: job.network ?? null,
    shmSize: job.shmSize ?? null,
    extraHosts: job.extraHosts,
    platform: job.platform ?? null,
  };
  return {
    inputs: sha256(JSON.stringify(inputs)),
    // read when a build sends them: a context walked ahead is walked again here only then
    get entries() {
      return walked.entries;
    },
  };
}

/**
 * Lines that make the classic builder hide the build files from `COPY` as the rules in effect do, where the
 * context's own `.dockerignore` (sent as it is, not in effect) would hide them otherwise: the file's name to
 * hide it, `!name` to keep it. None where that file's rules cannot be read (the classic builder then hides nothing).
 */
function hidingLines(own: string, job: BuildJob): string[] {
  let matcher: IgnoreMatcher;
  try {
    matcher = new IgnoreMatcher(readIgnoreFile(own).map((r) => r.pattern));
  } catch {
    return [];
  }
  const files = ['.dockerignore', ...(job.dockerfile.inContext !== undefined ? [job.dockerfile.inContext] : [])];
  return files.flatMap((f) => {
    const hide = job.hiddenFromCopy.includes(f);
    return matcher.matches(f) === hide ? [] : [hide ? f : `!${f}`];
  });
}

/**
 * The tar berth sends, and the Dockerfile's name in it. A Dockerfile that lives outside the context (or
 * is inline) is added under `.dockerfile.berth-<sha>` and named in the tar's `.dockerignore`, which is
 * what the docker CLI does, so the engine reads it but `COPY .` does not copy it. The classic builder reads
 * the tar's `.dockerignore` only to hide the build files from `COPY`. Where the rules come from a
 * `<Dockerfile>.dockerignore`, the context's own `.dockerignore` is an ordinary file: sent as it is (on the
 * classic builder with a line added for a build file it would hide otherwise than the rules in effect), unless
 * those rules hide it, or the context has none: then the tar's `.dockerignore` carries the rules in effect.
 */
export function contextTar(job: BuildJob, snapshot: BuildSnapshot, signal?: AbortSignal, builder: BuilderChoice['kind'] = 'classic'): { stream: Readable; dockerfile: string } {
  const inContext = job.dockerfile.inContext;
  const asIs = () => ({ stream: packContext(job.contextDir, snapshot.entries, signal), dockerfile: inContext! });
  const sent = snapshot.entries.find((e) => e.path === '.dockerignore' && e.kind === 'file');
  // what the tar's .dockerignore holds: the rules' file, or the context's own file as it is
  let text = job.ignoreText;
  if (job.ignoreBesideDockerfile && sent && (builder === 'buildkit' || !job.hiddenFromCopy.includes('.dockerignore'))) {
    text = readFileSync(path.join(job.contextDir, '.dockerignore'), 'utf8');
    const lines = builder === 'classic' ? hidingLines(text, job) : [];
    if (!lines.length && inContext !== undefined) return asIs();
    if (lines.length) text = [text, ...lines].join('\n');
  } else if (inContext !== undefined && (!job.ignoreBesideDockerfile || builder === 'buildkit')) return asIs();
  const name = inContext ?? `.dockerfile.berth-${sha256(job.dockerfile.text).slice(0, 12)}`;
  const now = Date.now();
  const made = (at: string, content: string): TarEntry => ({ path: at, kind: 'file', mode: 0o644, size: Buffer.byteLength(content), mtimeMs: now, content: Buffer.from(content) });
  const entries: TarEntry[] = snapshot.entries.filter((e) => e !== sent);
  // a .dockerignore the context does not have hides itself; a made Dockerfile is hidden by name
  const rules = [...(text !== undefined ? [text] : []), ...(sent ? [] : ['.dockerignore']), ...(inContext === undefined ? [name] : [])];
  entries.push(made('.dockerignore', `${rules.join('\n')}\n`));
  if (inContext === undefined) entries.push(made(name, job.dockerfile.text));
  return { stream: packContext(job.contextDir, entries, signal), dockerfile: name };
}

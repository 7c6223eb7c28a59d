import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { writeFileAtomic } from '@berth/spec/fs';
import { debugging } from '../debug.js';
import { ContentHashCache, digestContext } from './context-digest.js';

export { defaultCacheDir } from './context-digest.js';
import { walkContext, type ContextEntry } from './context-walk.js';
import { IgnoreMatcher } from './dockerignore.js';

/**
 * Walking the build contexts ahead, on a worker thread, while the command loads and reads its spec.
 *
 * A second `berth up` with nothing changed still walks every build context (a stat per file: the only way to know
 * nothing changed, as git's index does) before it can say "nothing to build". On its own thread that walk costs
 * the command no time: the contexts the last `up` (or `build`) from the same folder walked are remembered, and the
 * next one starts walking them before it has even loaded its code. What the worker finds is used only for a context
 * the spec still builds with the very same rules (folder and `.dockerignore` rules, the key of ContextWalks), and
 * it is as fresh as a walk of the main thread would be: it was taken by this process, a few milliseconds earlier.
 * Anything else (no hint, another context, a worker that fails or cannot start) leaves the main thread to walk
 * as it always did: the worker can only save time, never change an answer.
 */

/** A build context as a build walks it: its folder, and the `.dockerignore` rules in effect (build files included). */
export interface ContextToWalk {
  contextDir: string;
  ignore: string[];
}

/** A context as `.dockerignore` leaves it: what is sent, and its digest. */
export interface WalkedContext {
  entries: ContextEntry[];
  /** How many entries are sent (entries.length, known without walking again). */
  count: number;
  /** digestContext of the entries. */
  digest: string;
}

/** A context remembered for the next run: how many entries it sent says whether a worker is worth starting. */
export interface RememberedContext extends ContextToWalk {
  entries: number;
}

/**
 * Below this many entries in all, the main thread walks the contexts sooner than a worker starts (a worker takes
 * some 30 ms of CPU to start on Node 20 to 24; 2,000 lstat calls take about as long), so none is started.
 */
export const WALK_AHEAD_MIN_ENTRIES = 2000;

/** Two walks with the same key send the same entries. */
export const contextKey = (c: ContextToWalk): string => `${c.contextDir}\0${c.ignore.join('\0')}`;

/** Walks a context with its rules and digests it, remembering content hashes under `cacheDir` (none: every file is read). */
export function walkAndDigest(c: ContextToWalk, cacheDir: string | undefined): WalkedContext {
  const entries = walkContext(c.contextDir, new IgnoreMatcher(c.ignore));
  return { entries, count: entries.length, digest: digestContext(c.contextDir, entries, ContentHashCache.open(cacheDir, c.contextDir)) };
}

/** A walked context known by its digest, whose entries are walked again only if asked for (a build that must send them). */
export function digestOnly(c: ContextToWalk, digest: string, count: number): WalkedContext {
  let entries: ContextEntry[] | undefined;
  return {
    digest,
    count,
    get entries() {
      return (entries ??= walkContext(c.contextDir, new IgnoreMatcher(c.ignore)));
    },
  };
}

const HINT_VERSION = 1;

/** Where the contexts walked from `cwd` are remembered: one small file per folder berth ran in. */
export function walkAheadHintFile(cacheDir: string, cwd: string): string {
  const key = createHash('sha256').update(path.resolve(cwd)).digest('hex').slice(0, 32);
  return path.join(cacheDir, 'build-contexts', 'ahead', `${key}.json`);
}

/** The contexts a hint file names; none for a missing, unreadable or foreign one. */
export function readWalkAheadHint(file: string): RememberedContext[] {
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { v?: unknown; contexts?: unknown };
    if (saved.v !== HINT_VERSION || !Array.isArray(saved.contexts)) return [];
    return saved.contexts.filter(
      (c): c is RememberedContext =>
        typeof c?.contextDir === 'string' &&
        path.isAbsolute(c.contextDir) &&
        Array.isArray(c.ignore) &&
        c.ignore.every((r: unknown) => typeof r === 'string') &&
        Number.isSafeInteger(c.entries) &&
        c.entries >= 0,
    );
  } catch {
    return [];
  }
}

/** What the worker says about one context: its digest, or that the main thread must walk it (and report what failed). */
type WorkerMessage = { key: string; digest: string; count: number } | { key: string; failed: true };

export interface WalkAheadOptions {
  /** The script the worker runs: one that calls runWalkAheadWorker() when it is not the main thread. */
  workerFile: string;
  /** The folder berth runs in: what the hint is kept for. */
  cwd: string;
  /** berth's cache folder (defaultCacheDir): where the hint lives, and the content hashes the worker reads and writes. */
  cacheDir: string;
  /** The worker's Node options (a test runs the TypeScript source through a loader); default: none. */
  execArgv?: string[];
  /** `BERTH_DEBUG=build` here: one line on stderr per context, saying which thread walked it and when. */
  env?: NodeJS.ProcessEnv;
  /** No worker for fewer remembered entries than this; default WALK_AHEAD_MIN_ENTRIES. */
  minEntries?: number;
}

const total = (contexts: Iterable<RememberedContext>) => [...contexts].reduce((n, c) => n + c.entries, 0);

/**
 * The handle a command passes to planBuilds: the worker's answers (take), and what this run walked, remembered
 * for the next one (remember). `started` says whether a worker runs.
 */
export class WalkAhead {
  private readonly answers = new Map<string, WalkedContext | undefined>();
  private readonly waiting = new Map<string, ((c: WalkedContext | undefined) => void)[]>();
  private readonly walked = new Map<string, RememberedContext>();
  private done = false;
  /** How many contexts the main thread did not have to walk. */
  taken = 0;

  private constructor(
    private readonly file: string,
    private readonly hinted: Map<string, RememberedContext>,
    private readonly minEntries: number,
    private readonly worker: Worker | undefined,
    private readonly trace: ((line: string) => void) | undefined,
  ) {
    if (!worker) {
      this.done = true;
      return;
    }
    worker.on('message', (m: WorkerMessage) => this.answer(m.key, 'digest' in m ? m : undefined));
    // a worker that fails, or ends before answering, leaves every context still waiting to the main thread
    const finish = () => {
      this.done = true;
      for (const key of [...this.waiting.keys()]) this.answer(key, undefined);
    };
    worker.on('error', finish);
    worker.on('exit', finish);
  }

  /**
   * Starts the worker on the contexts remembered for `cwd` (none remembered: no worker). Never throws: a worker
   * that cannot start is no worker.
   */
  static start(options: WalkAheadOptions): WalkAhead {
    const file = walkAheadHintFile(options.cacheDir, options.cwd);
    const hinted = new Map(readWalkAheadHint(file).map((c) => [contextKey(c), c]));
    const minEntries = options.minEntries ?? WALK_AHEAD_MIN_ENTRIES;
    const worth = hinted.size > 0 && total(hinted.values()) >= minEntries;
    let worker: Worker | undefined;
    if (worth) {
      try {
        worker = new Worker(options.workerFile, { workerData: { contexts: [...hinted.values()], cacheDir: options.cacheDir }, execArgv: options.execArgv ?? [] });
        // it never keeps berth running: a command that ends first (a spec error) ends it
        worker.unref();
      } catch {
        worker = undefined;
      }
    }
    const trace = options.env && debugging(options.env, 'build') ? (line: string) => process.stderr.write(`berth: walk-ahead ${line} (at +${performance.now().toFixed(0)} ms)\n`) : undefined;
    const why = !hinted.size ? `no context remembered for ${options.cwd}` : !worth ? `${total(hinted.values())} entries remembered for ${options.cwd}, fewer than ${minEntries}: walked sooner here` : 'it could not start';
    trace?.(worker ? `worker started on ${hinted.size} context${hinted.size === 1 ? '' : 's'} (${total(hinted.values())} entries) remembered for ${options.cwd}` : `no worker: ${why}`);
    return new WalkAhead(file, hinted, minEntries, worker, trace);
  }

  /** Whether a worker was started. */
  get started(): boolean {
    return this.worker !== undefined;
  }

  private answer(key: string, found: { digest: string; count: number } | undefined): void {
    const c = this.hinted.get(key);
    const walked = c && found ? digestOnly(c, found.digest, found.count) : undefined;
    this.answers.set(key, walked);
    const waiting = this.waiting.get(key) ?? [];
    this.waiting.delete(key);
    for (const resolve of waiting) resolve(walked);
  }

  /**
   * The context walked by the worker, once it has it; undefined at once when the worker is not walking it (or
   * failed to), and the caller walks it itself.
   */
  take(c: ContextToWalk): Promise<WalkedContext | undefined> {
    const key = contextKey(c);
    const asked = performance.now();
    const got = (walked: WalkedContext | undefined) => {
      if (walked) this.taken++;
      const waited = performance.now() - asked;
      const how = walked ? `walked by the worker${waited >= 1 ? ` (waited ${waited.toFixed(0)} ms for it)` : ''}` : this.hinted.has(key) ? 'the worker could not walk it: walked by the command' : 'not remembered: walked by the command';
      this.trace?.(`${c.contextDir}: ${how}`);
      return walked;
    };
    if (this.answers.has(key)) return Promise.resolve(got(this.answers.get(key)));
    if (this.done || !this.hinted.has(key)) return Promise.resolve(undefined);
    // while the command waits on it, the worker keeps the process alive (else an empty event loop would end it)
    this.worker!.ref();
    return new Promise((resolve) => {
      const waiting = this.waiting.get(key) ?? [];
      this.waiting.set(key, waiting);
      waiting.push((walked) => {
        if (!this.waiting.size) this.worker!.unref();
        resolve(got(walked));
      });
    });
  }

  /**
   * Remembers the contexts this run walked (with those of earlier calls of the same run: one call per engine) for
   * the next run from the same folder. A cache: written atomically, only when it changes, and a write that fails
   * costs the next run only its head start. Concurrent runs each write a whole file; the last one wins.
   */
  remember(contexts: RememberedContext[]): void {
    for (const c of contexts) this.walked.set(contextKey(c), { contextDir: c.contextDir, ignore: c.ignore, entries: c.entries });
    const keys = [...this.walked.keys()];
    // the same contexts, on the same side of the threshold: the file would say the same
    const same = keys.length === this.hinted.size && keys.every((k) => this.hinted.has(k)) && total(this.walked.values()) >= this.minEntries === total(this.hinted.values()) >= this.minEntries;
    if (same) return;
    try {
      writeFileAtomic(this.file, JSON.stringify({ v: HINT_VERSION, contexts: [...this.walked.values()] }), { mkdir: true });
    } catch {
      // an unwritable cache folder: the next run walks on the main thread
    }
  }

  /** Ends the worker (once the command no longer needs it): a context still to walk is the main thread's. */
  stop(): void {
    void this.worker?.terminate();
  }
}

/**
 * The worker's side: walks and digests each context it was given, in order, and posts each digest as soon as it
 * has it (or that it failed: the main thread walks that one again and reports why). Content hashes go to the same
 * cache as the main thread's, through the same atomic writes.
 */
export function runWalkAheadWorker(): void {
  const { contexts, cacheDir } = workerData as { contexts: ContextToWalk[]; cacheDir: string };
  for (const c of contexts) {
    const key = contextKey(c);
    try {
      const { digest, count } = walkAndDigest(c, cacheDir);
      parentPort!.postMessage({ key, digest, count } satisfies WorkerMessage);
    } catch {
      parentPort!.postMessage({ key, failed: true } satisfies WorkerMessage);
    }
  }
}

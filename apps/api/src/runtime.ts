import type { CheckResult, EcosystemResponse, HealthResponse, HealthStatus, SpecOnDisk } from './contract.js';
import { EventHub } from './events.js';
import { redactValue, type BerthSpec, type EnvFile, type PortRegistry } from '@berth/spec';
import type { HistoryStore, StoreClosed, SubjectSummary } from './store/history-store.js';
import { errorLine } from './sources/error-line.js';
import type { EngineSource } from './sources/engine.js';
import type { GpuSource } from './sources/gpu.js';
import type { Monitor } from './sources/health.js';
import { healthView, httpStatusFor, subjectsOf } from './views.js';

export interface RuntimeOptions {
  spec: BerthSpec;
  /** The spec file as shown to users. */
  specFile: string;
  /** The spec's path, for files beside it. */
  specPath?: string;
  registry?: { value: PortRegistry; file: string };
  /** The ecosystem the spec belongs to, as loaded at start (absent: none was looked for). */
  ecosystem?: EcosystemResponse;
  /** The `.env` beside the spec, as @berth/spec's loader read it at start (none when there is none). */
  envFile?: EnvFile;
  env: NodeJS.ProcessEnv;
  store: HistoryStore;
  /** The scheduler; absent when @berth/health cannot provide one (then `monitorReason` says why). */
  monitor?: Monitor;
  monitorReason?: string;
  engine?: EngineSource;
  gpu?: GpuSource;
  /** @berth/spec's redactor for this spec: every result is passed through it as it comes in. */
  redact: (text: string) => string;
  /** How often queued results are written (default 1 s) and the store rolled up (default hourly). */
  flushMs?: number;
  maintainMs?: number;
  /** Whether the spec's files still hold what was loaded (sources/spec-on-disk.ts); its changes go out as `spec` events. */
  specOnDisk?: { current(): SpecOnDisk; close(): void };
  /** Told once when writing the history starts failing, and again when the reason changes (`berth serve` prints it). */
  onStoreError?: (reason: string) => void;
}

/**
 * The running state behind the routes: the latest result of every check (pushed by the
 * scheduler, never pulled by a request), the history store, the event hub, and the cached
 * answers built from them.
 */
export class Runtime {
  readonly events: EventHub;
  private latest = new Map<string, CheckResult>();
  private healthCache: { view: HealthResponse; code: number; body: string } | undefined;
  private summaryCache: { at: number; value: Promise<Map<string, SubjectSummary>> } | undefined;
  private timers: NodeJS.Timeout[] = [];
  private stopping: Promise<StoreClosed> | undefined;

  constructor(readonly options: RuntimeOptions) {
    this.events = new EventHub(options.redact);
  }

  get spec() {
    return this.options.spec;
  }
  get store() {
    return this.options.store;
  }
  get checkCount() {
    return this.options.monitor?.size ?? 0;
  }

  start(): void {
    const { monitor, store, engine, gpu } = this.options;
    monitor?.onResult((r) => this.accept(r));
    // The checks start once the engine has answered once (or failed to, within its connect timeout): a result is
    // judged with its service's container known (createMonitor's hasContainer), so a profile service someone
    // started counts from its first result, not "not expected" until the first poll lands.
    const engineAnswered = engine?.start() ?? Promise.resolve();
    void engineAnswered.then(() => {
      if (!this.stopping) monitor?.start();
    });
    gpu?.start();
    // a store that cannot be written keeps the results queued (within reason) and retries; it is said once per reason
    const flush = setInterval(() => void store.flush().then(() => (this.storeError = undefined), (err) => this.storeFailed(err)), this.options.flushMs ?? 1000);
    const maintain = setInterval(() => void store.maintain().catch((err) => this.storeFailed(err)), this.options.maintainMs ?? 3_600_000);
    for (const t of [flush, maintain]) t.unref();
    this.timers.push(flush, maintain);
    void store.maintain().catch((err) => this.storeFailed(err));
  }

  private storeError: string | undefined;
  private storeFailed(err: unknown): void {
    const reason = errorLine(err);
    if (reason === this.storeError) return;
    this.storeError = reason;
    this.options.onStoreError?.(reason);
  }

  /**
   * A new result: redact it (a check's reason or details may echo a secret a container printed), then
   * remember it, queue it for the store, tell the dashboards. Everything after this point holds the
   * redacted result; the bodies and events on the way out pass the redactor once more.
   */
  accept(raw: CheckResult): void {
    const result = redactValue(raw, this.options.redact);
    const previous = this.latest.get(result.id)?.status ?? null;
    const before = this.healthCache?.view.status ?? this.overall();
    this.latest.set(result.id, result);
    this.healthCache = undefined;
    this.options.store.add(result);
    this.events.send({ type: 'result', result, previous });
    const after = this.overall();
    if (after !== before) this.events.send({ type: 'status', status: after, previous: before });
  }

  results(): CheckResult[] {
    return [...this.latest.values()];
  }

  overall(): HealthStatus {
    return this.health().view.status;
  }

  /** The /health answer, rebuilt only when a result came in since. */
  health(): { view: HealthResponse; code: number; body: string } {
    if (!this.healthCache) {
      const view = healthView(this.results(), this.checkCount);
      this.healthCache = { view, code: httpStatusFor(view.status, Math.max(this.checkCount, this.latest.size)), body: this.options.redact(JSON.stringify(view)) };
    }
    return this.healthCache;
  }

  /** Uptime and latency per subject from the store, cached for 15 s (a day's uptime barely moves in that time). */
  summaries(): Promise<Map<string, SubjectSummary>> {
    const now = Date.now();
    if (!this.summaryCache || now - this.summaryCache.at > 15_000) {
      const ids = new Set([...subjectsOf(this.spec).map((s) => s.subject.id), ...this.results().map((r) => r.subject.id)]);
      const value = (async () => {
        // what is queued goes in first, if the store takes it now; a write that fails (a locked file, PostgreSQL
        // away) keeps it queued for the next flush and does not fail the read: it answers from what is stored
        await this.store.flush().catch(() => undefined);
        const out = new Map<string, SubjectSummary>();
        for (const id of ids) {
          out.set(id, await this.store.summary(id, now));
          // SQLite answers synchronously: without a turn of the event loop between subjects, a day of history for
          // 200 checks held every other request (/health, which Compose and Gatus poll with a timeout) for seconds
          await new Promise((resolve) => setImmediate(resolve));
        }
        return out;
      })();
      value.catch(() => (this.summaryCache = undefined));
      this.summaryCache = { at: now, value };
    }
    return this.summaryCache.value;
  }

  /** Graceful stop: no new checks, the running ones finish and are stored, streams end, the store closes (always); what could not be stored is said. */
  stop(): Promise<StoreClosed> {
    this.stopping ??= (async () => {
      for (const t of this.timers) clearInterval(t);
      this.options.specOnDisk?.close();
      await this.options.monitor?.stop();
      await Promise.allSettled([this.options.engine?.stop(), this.options.gpu?.stop()]);
      this.events.close();
      return this.options.store.close();
    })();
    return this.stopping;
  }
}

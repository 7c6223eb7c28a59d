import { dirname, join } from 'node:path';
import { apiTokenFile, loadFailure, loadWorkspace, redactorFor, type BerthSpec, type EnvFile, type PortRegistry, type SourceDocument } from '@berth/spec';
import type { LocalRepo } from '@berth/ecosystem';
import { resolveToken, type TokenSource } from './auth.js';
import { defaultUiDir } from './routes/static-routes.js';
import { createServer, type BerthServer } from './server.js';
import type { McpRouteOptions } from './routes/mcp-routes.js';
import { EngineSource } from './sources/engine.js';
import { GpuSource } from './sources/gpu.js';
import type { CheckTarget } from '@berth/health';
import { createMonitor } from './sources/health.js';
import { loadedFiles, SpecOnDisk } from './sources/spec-on-disk.js';
import { describeStore, openStore, parseStoreOption } from './store/open-store.js';
import type { RetentionOptions } from './store/history-store.js';

export interface StartOptions {
  /** The spec file; loaded (with its registry) unless `spec` is given. */
  specPath: string;
  spec?: BerthSpec;
  /** The spec file as shown to users (default: specPath). */
  specFile?: string;
  /** Where the spec's values are written (given with `spec`), so the ecosystem's findings in it have line and column. */
  specSource?: SourceDocument;
  /** The registry; with its path, the ecosystem.yaml beside it is found. */
  registry?: { value: PortRegistry; file: string; path?: string; source?: SourceDocument };
  /** Serve the ecosystem the spec belongs to at /api/ecosystem (default true): loaded once, at start. */
  ecosystem?: boolean;
  /** The `.env` beside the spec as @berth/spec's loader read it (given with `spec`; loaded with it otherwise). */
  envFile?: EnvFile;
  env?: NodeJS.ProcessEnv;
  /** `--store`: sqlite:PATH, a path, or postgres://...; default `.berth/history.db` beside the spec. */
  store?: string;
  retention?: RetentionOptions;
  host?: string;
  port?: number;
  /** The write token; default BERTH_TOKEN, else the token file. */
  token?: string;
  /** Default `.berth/token` beside the spec. */
  tokenFile?: string;
  /** The built dashboard; default apps/ui/dist when it exists; null for none. */
  uiDir?: string | null;
  /** Watch the Docker engine (default true) and detect GPUs (default true). */
  engine?: boolean;
  gpu?: boolean;
  corsOrigins?: string[];
  bodyLimit?: number;
  /** Checks to run instead of those derived from the spec. */
  targets?: CheckTarget[];
  logger?: boolean;
  /** MCP at /mcp: the host that runs berth (the CLI's), and whether write tools are offered. */
  mcp?: McpRouteOptions;
  /** Told when writing the history starts failing (once per reason): berth serve prints it. */
  onStoreError?: (reason: string) => void;
  /** Told when the spec's files change on disk (or go back to what was loaded): berth serve prints it. */
  onSpecChange?: (onDisk: ReturnType<SpecOnDisk['current']>) => void;
}

export interface RunningServer extends BerthServer {
  url: string;
  token: TokenSource;
  /** The store as shown to users (a PostgreSQL password is masked). */
  storeLabel: string;
  /** Which scheduler runs the checks, or why none does. */
  scheduler: string;
}

/**
 * The spec, its registry and its `.env` through @berth/spec's one loader. As in the CLI, the API does not
 * start on a spec, registry or `.env` that cannot be loaded: it throws the loader's one error, every problem
 * listed with file:line:col (berth serve prints them one per line and exits 2).
 */
function loadSpec(specPath: string): { spec: BerthSpec; specFile: string; specSource?: SourceDocument; registry?: StartOptions['registry']; envFile?: EnvFile } {
  const ws = loadWorkspace({ specPath });
  const failure = loadFailure(ws);
  if (failure) throw failure;
  const r = ws.registry;
  return {
    spec: ws.spec.value!,
    specFile: ws.spec.file,
    ...(ws.spec.source ? { specSource: ws.spec.source } : {}),
    ...(r?.value ? { registry: { value: r.value, file: r.file, ...(r.path ? { path: r.path } : {}), ...(r.source ? { source: r.source } : {}) } } : {}),
    ...(ws.env ? { envFile: ws.env } : {}),
  };
}

/** The served spec and its registry, as the ecosystem's view takes them; none without a registry file. */
function localRepo(specPath: string, loaded: { spec: BerthSpec; specFile: string; specSource?: SourceDocument | undefined; registry?: StartOptions['registry'] | undefined }): LocalRepo | undefined {
  const r = loaded.registry;
  if (!r?.path) return undefined;
  return {
    spec: { spec: loaded.spec, file: loaded.specFile, path: specPath, ...(loaded.specSource ? { source: loaded.specSource } : {}) },
    registry: { value: r.value, file: r.file, path: r.path, ...(r.source ? { source: r.source } : {}) },
  };
}

/** Loads what is needed, opens the store, starts the scheduler and the sources, and listens. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const env = options.env ?? process.env;
  const loaded = options.spec
    ? { spec: options.spec, specFile: options.specFile ?? options.specPath, specSource: options.specSource, registry: options.registry, envFile: options.envFile }
    : loadSpec(options.specPath);
  const { spec } = loaded;
  const baseDir = dirname(options.specPath);
  const location = parseStoreOption(options.store, options.specPath);
  const token = options.token ? { token: options.token, from: 'env' as const } : resolveToken({ env, file: options.tokenFile ?? apiTokenFile(baseDir) });
  // Every value berth knows to be secret (process env, the .env beside the spec, what services pass into
  // their containers under secret names, the token): no answer, event or stored result carries one.
  const redact = redactorFor({ spec, specDir: baseDir, env, extra: [token.token] });
  const { ecosystemAnswer } = await import('./sources/ecosystem.js');
  const ecosystem = options.ecosystem === false ? { available: false as const, reason: 'the ecosystem view is off for this server' } : await ecosystemAnswer(localRepo(options.specPath, loaded), process.cwd());
  const store = await openStore(location, options.retention);
  let specOnDisk: SpecOnDisk | undefined;
  try {
    const engine = options.engine === false ? undefined : new EngineSource(spec, { env, projectDir: baseDir });
    // The engine's last word on a service's container: undefined when it cannot say, null when there is none.
    const containerOf = (service: string) => {
      const c = engine?.containers();
      if (!c?.available) return undefined;
      return c.containers.find((x) => x.service === service && x.state !== 'missing') ?? null;
    };
    // A service's container start time, so checks within their start period say "starting", not critical.
    const startedAt = (target: CheckTarget) => {
      const started = target.subject.kind === 'service' ? containerOf(target.subject.id)?.startedAt : undefined;
      return started ? Date.parse(started) : undefined;
    };
    // A service with a container (any state) was started by someone: its failures count even if its profile is off.
    const hasContainer = (service: string) => {
      const c = containerOf(service);
      return c === undefined ? undefined : c !== null;
    };
    const choice = await createMonitor(spec, { baseDir, targets: options.targets, startedAt, env, hasContainer });
    // a spec loaded from its file is followed there: an edit is said on /api/spec and as a `spec` event (not applied)
    let sendSpecEvent: (onDisk: ReturnType<SpecOnDisk['current']>) => void = () => {};
    specOnDisk = options.spec && !options.specSource ? undefined : followSpecFiles(options.specPath, loaded, (onDisk) => sendSpecEvent(onDisk));
    const server = await createServer({
      spec,
      specFile: loaded.specFile,
      specPath: options.specPath,
      registry: loaded.registry,
      ecosystem,
      envFile: loaded.envFile,
      env,
      store,
      monitor: choice.monitor,
      monitorReason: choice.reason,
      engine,
      gpu: options.gpu === false ? undefined : new GpuSource(spec, { env, specDir: baseDir }),
      redact,
      token: token.token,
      uiDir: options.uiDir === null ? undefined : (options.uiDir ?? defaultUiDir()),
      corsOrigins: options.corsOrigins,
      bodyLimit: options.bodyLimit,
      logger: options.logger,
      mcp: options.mcp,
      ...(options.onStoreError ? { onStoreError: options.onStoreError } : {}),
      ...(specOnDisk ? { specOnDisk } : {}),
    });
    sendSpecEvent = (onDisk) => {
      server.runtime.events.send({ type: 'spec', onDisk });
      options.onSpecChange?.(onDisk);
    };
    const url = await server.listen({ host: options.host, port: options.port });
    return { ...server, url, token, storeLabel: describeStore(location), scheduler: choice.scheduler ?? `none: ${choice.reason}` };
  } catch (err) {
    specOnDisk?.close();
    await store.close().catch(() => {});
    throw err;
  }
}

/** Follows the files a server loaded (the spec, its registry, its `.env`) for changes; undefined when none is on disk. */
function followSpecFiles(
  specPath: string,
  loaded: { specSource?: SourceDocument | undefined; registry?: StartOptions['registry'] | undefined; envFile?: EnvFile | undefined },
  onChange: (onDisk: ReturnType<SpecOnDisk['current']>) => void,
): SpecOnDisk | undefined {
  try {
    const registry = loaded.registry?.path ? { path: loaded.registry.path, ...(loaded.registry.source ? { text: loaded.registry.source.text } : {}) } : undefined;
    const files = loadedFiles({
      spec: { path: specPath, ...(loaded.specSource ? { text: loaded.specSource.text } : {}) },
      ...(registry ? { registry } : {}),
      dotenv: loaded.envFile?.path ?? join(dirname(specPath), '.env'),
    });
    return new SpecOnDisk(specPath, files, onChange, { ...(registry ? { registryPath: registry.path } : {}), ...(loaded.envFile ? { envFile: loaded.envFile.path } : {}) });
  } catch {
    return undefined; // a folder that cannot be watched: the server runs as loaded, without the notice
  }
}

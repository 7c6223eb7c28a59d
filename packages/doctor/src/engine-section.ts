import { connectEngine, engineErrorText, type Engine, type EngineInfo } from '@berth/docker/runtime';
import type { EnginesByName } from '@berth/health';
import { BerthError, DEFAULT_ENGINE, enginesInUse, runsInEngine } from '@berth/spec';
import { sectionOf, type DoctorFinding, type DoctorInput, type DoctorSection } from './types.js';

export type EngineConnection = { engine: Engine } | { unavailable: string; error: Error };

/** Connects once through @berth/docker; every section that needs the engine shares this. */
export async function connectForDoctor(input: DoctorInput): Promise<EngineConnection> {
  try {
    return { engine: await connectEngine({ env: input.env as NodeJS.ProcessEnv, timeoutMs: input.engineTimeoutMs ?? 2000 }) };
  } catch (err) {
    return { unavailable: 'Docker engine not reachable', error: err instanceof Error ? err : new Error(String(err)) };
  }
}

/** Whether the spec needs the engine at all: a service that runs in Compose. */
function needsEngine(input: DoctorInput): boolean {
  return Object.values(input.spec.services).some(runsInEngine);
}

/** The spec's declared engines that some service runs on, each reachable (where, which Docker) or not (why, in one line). */
async function declaredEngines(input: DoctorInput, declared: EnginesByName | undefined): Promise<{ summary: string[]; findings: DoctorFinding[] }> {
  const names = enginesInUse(input.spec).filter((n) => n !== DEFAULT_ENGINE);
  const out = { summary: [] as string[], findings: [] as DoctorFinding[] };
  if (!declared) return out;
  for (const [name, got] of await Promise.all(names.map(async (n) => [n, await declared.forEngine(n)] as const))) {
    if ('unavailable' in got) {
      out.findings.push({ status: 'critical', subject: name, message: got.unavailable, next: `check that engine "${name}" runs and that this machine reaches it` });
      continue;
    }
    const engine = 'engine' in got ? got.engine : got;
    const info = await engineInfoWithin(engine, input.signal);
    const version = 'info' in info ? ` (Docker ${info.info.serverVersion})` : '';
    out.summary.push(`engine "${name}" at ${engine.endpoint}${version}`);
  }
  return out;
}

/** How long doctor waits for an engine's `GET /info` once it answered its ping. */
export const ENGINE_INFO_TIMEOUT_MS = 2000;

/** What ends a doctor's engine call: ENGINE_INFO_TIMEOUT_MS, or Ctrl-C (`signal`); `timeout` says which. */
export function engineCallBound(signal?: AbortSignal): { bound: AbortSignal; timeout: AbortSignal } {
  const timeout = AbortSignal.timeout(ENGINE_INFO_TIMEOUT_MS);
  return { bound: signal ? AbortSignal.any([signal, timeout]) : timeout, timeout };
}

/** The engine's info, or why there is none within ENGINE_INFO_TIMEOUT_MS (or Ctrl-C). */
export function engineInfoWithin(engine: Engine, signal?: AbortSignal): Promise<{ info: EngineInfo } | { error: string }> {
  const { bound, timeout } = engineCallBound(signal);
  return engine.info(bound).then(
    (info) => ({ info }),
    (err: unknown) => ({ error: timeout.aborted ? `it answered its ping but not GET /info within ${ENGINE_INFO_TIMEOUT_MS / 1000} s` : ((err as Error).message ?? String(err)) }),
  );
}

export async function engineSection(
  input: DoctorInput,
  connection: Promise<EngineConnection>,
  declared?: EnginesByName,
  info?: Promise<{ info: EngineInfo } | { error: string } | undefined>,
): Promise<DoctorSection> {
  const started = performance.now();
  const title = 'Docker engine';
  const [got, others] = await Promise.all([connection, declaredEngines(input, declared)]);
  if ('engine' in got) {
    const known = (await info) ?? (await engineInfoWithin(got.engine, input.signal));
    const version = 'info' in known ? ` (Docker ${known.info.serverVersion})` : '';
    const stalled = 'error' in known ? [{ status: 'warning' as const, message: `the engine at ${got.engine.endpoint}: ${known.error}`, next: 'restart the Docker engine; berth up and status would wait on it too' }] : [];
    return sectionOf('engine', title, started, [`reachable at ${got.engine.endpoint}${version}`, ...others.summary].join('; '), [...stalled, ...others.findings]);
  }
  const hint = got.error instanceof BerthError ? got.error.hint : undefined;
  const status = needsEngine(input) ? 'critical' : 'warning';
  return sectionOf('engine', title, started, 'not reachable', [
    {
      status,
      message: engineErrorText(got.error),
      next: hint ?? 'start the Docker engine (sudo systemctl start docker, or Docker Desktop), or set DOCKER_HOST to where it listens',
    },
    ...others.findings,
  ]);
}

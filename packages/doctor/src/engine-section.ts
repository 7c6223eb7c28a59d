import { connectEngine, type Engine } from '@berth/docker/runtime';
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
    const version = await engine.info().then((i) => ` (Docker ${i.serverVersion})`, () => '');
    out.summary.push(`engine "${name}" at ${engine.endpoint}${version}`);
  }
  return out;
}

export async function engineSection(input: DoctorInput, connection: Promise<EngineConnection>, declared?: EnginesByName): Promise<DoctorSection> {
  const started = performance.now();
  const title = 'Docker engine';
  const [got, others] = await Promise.all([connection, declaredEngines(input, declared)]);
  if ('engine' in got) {
    const version = await got.engine.info().then((i) => ` (Docker ${i.serverVersion})`, () => '');
    return sectionOf('engine', title, started, [`reachable at ${got.engine.endpoint}${version}`, ...others.summary].join('; '), others.findings);
  }
  // The engine error's first problem is its heading ("looked in:"); the rest are the places, one each.
  const problems = got.error instanceof BerthError ? got.error.problems : [];
  const hint = got.error instanceof BerthError ? got.error.hint : undefined;
  const tried = problems.filter((p) => !p.message.endsWith('looked in:')).map((p) => p.message.trim());
  const status = needsEngine(input) ? 'critical' : 'warning';
  return sectionOf('engine', title, started, 'not reachable', [
    {
      status,
      message: `no Docker engine answered${tried.length ? ` (looked in ${tried.join('; ')})` : `: ${got.error.message}`}`,
      next: hint ?? 'start the Docker engine (sudo systemctl start docker, or Docker Desktop), or set DOCKER_HOST to where it listens',
    },
    ...others.findings,
  ]);
}

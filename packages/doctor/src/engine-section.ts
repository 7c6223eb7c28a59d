import { connectEngine, type Engine } from '@berth/docker/runtime';
import { BerthError, runsInEngine } from '@berth/spec';
import { sectionOf, type DoctorInput, type DoctorSection } from './types.js';

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

export async function engineSection(input: DoctorInput, connection: Promise<EngineConnection>): Promise<DoctorSection> {
  const started = performance.now();
  const title = 'Docker engine';
  const got = await connection;
  if ('engine' in got) {
    const version = await got.engine.info().then((i) => ` (Docker ${i.serverVersion})`, () => '');
    return sectionOf('engine', title, started, `reachable at ${got.engine.endpoint}${version}`, []);
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
  ]);
}

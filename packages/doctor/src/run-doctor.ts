import { specEngineSource, worstStatus, type EngineSource } from '@berth/health';
import { connectForDoctor, engineInfoWithin, engineSection } from './engine-section.js';
import { envSection } from './env-section.js';
import { gpuSection } from './gpu-section.js';
import { healthSection } from './health-section.js';
import { portsSection } from './ports-section.js';
import { specSection } from './spec-section.js';
import type { DoctorInput, DoctorReport, DoctorSection } from './types.js';

/**
 * `berth doctor`'s work: the spec, ports, env, engine, GPU and every check, all at once. The engine is
 * connected once and shared; nothing waits on another section except through that one connection,
 * so the whole run takes about as long as its slowest single timeout.
 */
export async function runDoctor(input: DoctorInput): Promise<DoctorReport> {
  const started = performance.now();
  const connection = connectForDoctor(input);
  // The health checks take the engine or why there is none (as @berth/health's container checks read it).
  const engine = connection.then((c) => ('engine' in c ? c.engine : { unavailable: c.unavailable }));
  const connected = connection.then((c) => ('engine' in c ? c.engine : undefined));
  // asked once, for the engine and GPU sections, and bounded: an engine can answer its ping and then nothing more
  const info = connection.then((c) => ('engine' in c ? engineInfoWithin(c.engine, input.signal) : undefined));
  const dockerInfo = info.then((i) => (i && 'info' in i ? i.info.raw : undefined));
  const guard = async (id: DoctorSection['id'], title: string, work: () => Promise<DoctorSection> | DoctorSection): Promise<DoctorSection> => {
    const t = performance.now();
    try {
      return await work();
    } catch (err) {
      return { id, title, status: 'unknown', summary: `unknown: ${(err as Error).message}`, findings: [], durationMs: Math.round(performance.now() - t) };
    }
  };
  // A spec with engines of its own: each declared engine connected on first use, shared by the engine section and the checks.
  const declared = Object.keys(input.spec.engines).length ? specEngineSource(input.spec, { env: input.env as NodeJS.ProcessEnv, timeoutMs: input.engineTimeoutMs ?? 5000 }) : undefined;
  const byName: EngineSource | undefined = declared && { forEngine: (name) => (name === 'default' ? engine : declared.forEngine(name)) };
  const health = healthSection(input, byName ?? engine);
  const sections = await Promise.all([
    guard('spec', 'Spec and registry', () => specSection(input)),
    guard('ports', 'Ports', () => portsSection(input, connected)),
    guard('env', 'Environment', () => envSection(input)),
    guard('engine', 'Docker engine', () => engineSection(input, connection, declared, info)),
    guard('gpu', 'GPU', () => gpuSection(input, dockerInfo, connected)),
    guard('health', 'Services and connections', async () => (await health).section),
  ]);
  const checks = await health.then((h) => h.checks).catch(() => []);
  declared?.close();
  void connected.then((e) => e?.close());
  return { status: worstStatus(sections), spec: input.specFile, sections, checks, durationMs: Math.round(performance.now() - started) };
}

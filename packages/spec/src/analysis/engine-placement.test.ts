import { describe, expect, it } from 'vitest';
import { BerthSpecSchema, type BerthSpecInput } from '../schema/spec.js';
import { engineMachine, enginePlacementProblems, enginesInUse, placeServices, serviceEngine, serviceMachine } from './engine-placement.js';

const spec = (extra: Partial<BerthSpecInput>) => BerthSpecSchema.parse({ berth: 1, repo: { name: 'demo' }, ...extra });

const twoMachines = spec({
  engines: { gpu: { host: 'ssh://dev@gpu-box' }, nas: { context: 'nas' }, local: { host: 'unix:///run/user/1000/docker.sock' }, lo: { host: 'tcp://127.0.0.1:2376' } },
  profiles: { training: { engine: 'gpu' }, lineage: {} },
  services: {
    db: { image: 'postgres' },
    trainer: { image: 'trainer', profiles: ['training'] },
    notebook: { image: 'jupyter', profiles: ['training', 'lineage'] },
    backup: { image: 'restic', engine: 'nas' },
    marquez: { image: 'marquez', profiles: ['lineage'], dependsOn: ['db'] },
  },
});

describe('where each service runs', () => {
  it('its own engine, else its profiles\', else the default engine', () => {
    expect(serviceEngine(twoMachines, 'db')).toBe('default');
    expect(serviceEngine(twoMachines, 'trainer')).toBe('gpu');
    expect(serviceEngine(twoMachines, 'notebook')).toBe('gpu');
    expect(serviceEngine(twoMachines, 'backup')).toBe('nas');
    expect(serviceEngine(twoMachines, 'marquez')).toBe('default');
  });

  it('groups a selection by engine, keeping its order', () => {
    expect([...placeServices(twoMachines, ['db', 'trainer', 'marquez', 'notebook'])]).toEqual([
      ['default', ['db', 'marquez']],
      ['gpu', ['trainer', 'notebook']],
    ]);
    expect(enginesInUse(twoMachines)).toEqual(['default', 'gpu', 'nas']);
  });

  it('knows which machine an engine publishes ports on', () => {
    expect(engineMachine(twoMachines, 'default')).toBeUndefined();
    expect(engineMachine(twoMachines, 'local')).toBeUndefined();
    expect(engineMachine(twoMachines, 'lo')).toBeUndefined();
    expect(engineMachine(twoMachines, 'gpu')).toBe('gpu-box');
    expect(engineMachine(twoMachines, 'nas')).toBe('context nas');
    expect(serviceMachine(twoMachines, 'trainer')).toBe('gpu-box');
  });

  it('has nothing to say about a consistent spec', () => {
    expect(enginePlacementProblems(twoMachines)).toEqual([]);
  });

  it('names both places when a service is put on two engines, and undeclared engines with a suggestion', () => {
    const bad = spec({
      engines: { gpu: { host: 'ssh://gpu' } },
      profiles: { a: { engine: 'gpu' }, b: { engine: 'default' }, c: { engine: 'gpus' } },
      services: { x: { profiles: ['a', 'b'] }, y: { engine: 'default', profiles: ['a'] }, z: { engine: 'gpu', profiles: ['a'] } },
    });
    expect(enginePlacementProblems(bad).map((p) => [p.code, p.path?.join('.'), p.message])).toEqual([
      ['unknown-engine', 'profiles.c.engine', 'engine "gpus" is not declared (did you mean "gpu"?); declare it under `engines` with a context or a host'],
      ['engine-two-places', 'services.x.profiles', 'service "x" is placed on two engines: profiles.a says "gpu", profiles.b says "default"'],
      ['engine-two-places', 'services.y.engine', 'service "y" is placed on two engines: services.y says "default", profiles.a says "gpu"'],
    ]);
  });

  it('lists each known engine once, "default" declared by mistake too', () => {
    const declaredDefault = spec({ engines: { default: { host: 'ssh://x' }, both: { host: 'ssh://y' } }, services: { s: { engine: 'zzzzzz' } } });
    const unknown = enginePlacementProblems(declaredDefault).find((p) => p.code === 'unknown-engine');
    expect(unknown?.message).toBe('engine "zzzzzz" is not declared (known: default, both); declare it under `engines` with a context or a host');
  });
});

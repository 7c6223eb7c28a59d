import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadRegistryFile, loadSpecFile, parseRegistry, parseSpec, formatProblem } from '../index.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

describe('loading', () => {
  it('loads the semops-data example without problems', () => {
    const r = loadSpecFile('examples/semops-data/berth.yaml', root);
    expect(r.problems).toEqual([]);
    expect(Object.keys(r.value!.services)).toEqual(['python', 'dbt', 'jupyter', 'mlflow', 'marquez', 'marquez-web']);
  });
  it('loads the orchestrator registry', () => {
    const r = loadRegistryFile('examples/semops-dx-orchestrator/ports.yaml', root);
    expect(r.problems).toEqual([]);
    expect(r.value!.ports.filter((p) => p.port.from === 5000)).toHaveLength(2);
  });
  it('points an unknown key at its line and column with a did-you-mean', () => {
    const r = parseSpec('berth: 1\nrepo:\n  name: x\n  stauts: active\n', 'b.yaml');
    expect(r.problems.map(formatProblem)).toEqual(['b.yaml:4:3: repo: unknown key "stauts" (did you mean "status"?)']);
  });
  it('names the document a whole file is wrong for: a spec, or a registry', () => {
    expect(parseSpec('vm\n', 'b.yaml').problems.map(formatProblem)).toEqual(['b.yaml:1:1: spec: expected a map, got "vm"']);
    expect(parseRegistry('vm\n', '/etc/hostname').problems.map(formatProblem)).toEqual(['/etc/hostname:1:1: registry: expected a map, got "vm"']);
    expect(parseRegistry('- 1\n- 2\n', 'ports.yaml').problems.map(formatProblem)).toEqual(['ports.yaml:1:1: registry: expected a map, got a list']);
  });
});

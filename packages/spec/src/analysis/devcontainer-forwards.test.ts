import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadRegistryFile, loadSpecFile } from '../load/load.js';
import { formatProblem } from '../problem.js';
import { checkDevcontainerForwards, devcontainerForwards } from './devcontainer-forwards.js';
import { devcontainerPlace } from './devcontainer-place.js';
import { validateSpec } from './validate.js';
import { registryFrom, specFrom, specWith } from './fixtures.test-helpers.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const DEVCONTAINER = 'devcontainer:\n  image: python:3.12\n';

describe('the ports the devcontainer forwards', () => {
  it("are the ports of the services that run in it, labelled with the service's name", () => {
    const s = loadSpecFile('examples/semops-data/berth.yaml', root).value!;
    expect(devcontainerForwards(s)).toEqual({
      forwards: [
        { service: 'jupyter', forward: 8888, port: 8888, key: '8888', attributes: { label: 'Jupyter Lab', protocol: 'http' }, path: ['services', 'jupyter', 'ports', 0] },
        { service: 'mlflow', forward: 5000, port: 5000, key: '5000', attributes: { label: 'MLflow UI', protocol: 'http' }, path: ['services', 'mlflow', 'ports', 0] },
      ],
      problems: [],
    });
  });

  it("carry the runtime's onAutoForward and requireLocalPort, and another Compose service's port as SERVICE:PORT", () => {
    const { spec } = specFrom(
      specWith(
        'r',
        [
          '  web:',
          '    runtime: { kind: devcontainer, onAutoForward: openBrowser, requireLocalPort: true }',
          '    ports: [{ host: 3000, name: ui, appProtocol: https }]',
          '  db:',
          '    runtime: { kind: devcontainer, composeService: db }',
          '    ports: [5432]',
        ].join('\n'),
        DEVCONTAINER,
      ),
    );
    expect(devcontainerForwards(spec).forwards.map(({ forward, key, attributes }) => ({ forward, key, attributes }))).toEqual([
      { forward: 3000, key: '3000', attributes: { label: 'web (ui)', protocol: 'https', onAutoForward: 'openBrowser', requireLocalPort: true } },
      { forward: 'db:5432', key: '5432', attributes: { label: 'db' } },
    ]);
  });

  it('leave out, with a warning each, what devcontainer.json cannot say: UDP, ranges, another host port', () => {
    const input = specFrom(specWith('r', '  a:\n    runtime: devcontainer\n    ports: ["5353/udp", "7000-7002", "15000:5000", 8080]\n', DEVCONTAINER));
    expect(devcontainerForwards(input.spec).forwards.map((f) => f.forward)).toEqual([8080]);
    expect(checkDevcontainerForwards(input).map(formatProblem)).toEqual([
      'berth.yaml:7:13: warning: the devcontainer does not forward port 5353/udp of a: the editor forwards TCP only',
      'berth.yaml:7:25: warning: the devcontainer does not forward ports 7000-7002/tcp of a: forwardPorts takes single ports, not ranges',
      'berth.yaml:7:38: warning: the devcontainer does not forward port 15000/tcp of a: the editor forwards container port 5000 to the same local port, so host port 15000 cannot be said in devcontainer.json',
    ]);
  });

  it('are none without a devcontainer', () => {
    expect(devcontainerForwards(specFrom(specWith('r', '  a:\n    runtime: devcontainer\n    ports: [8080]\n')).spec).forwards).toEqual([]);
  });
});

describe('berth validate on the devcontainer forwards', () => {
  it('warns that a forward holds the port of an exclusive Compose service while the devcontainer is open (the bundled example)', () => {
    const s = loadSpecFile('examples/semops-data/berth.yaml', root);
    const r = loadRegistryFile('examples/semops-dx-orchestrator/ports.yaml', root);
    const problems = validateSpec({ spec: { spec: s.value!, file: s.file, source: s.source! }, registry: { value: r.value!, file: r.file, source: r.source! } });
    expect(problems.map(formatProblem)).toEqual([
      'examples/semops-data/berth.yaml:70:9: warning: port 5000/tcp is forwarded by the devcontainer for mlflow and published by Compose service marquez (examples/semops-data/berth.yaml:88:9): while the devcontainer is open the editor holds localhost:5000, so marquez cannot start, though the two are declared exclusive (give one of them another port, or close the devcontainer before starting marquez)',
      'examples/semops-data/berth.yaml:88:9: warning: port 5000/tcp is published by both mlflow (examples/semops-data/berth.yaml:70:9) and marquez (api); they are declared exclusive, so they cannot run together',
    ]);
  });

  it('leaves the clash of two services not declared exclusive to the port-conflict error, and one service in two runtimes alone', () => {
    const text = specWith('r', '  nb:\n    runtime: [devcontainer, compose]\n    ports: [8888]\n  web:\n    runtime: devcontainer\n    ports: [5000]\n  api:\n    ports: [5000]\n', DEVCONTAINER);
    expect(validateSpec({ spec: specFrom(text) }).map((p) => p.code)).toEqual(['port-conflict']);
  });

  it('ignores a Compose service bound to another address than the loopback the editor forwards to', () => {
    const text = specWith('r', '  web:\n    runtime: devcontainer\n    ports: [5000]\n    exclusiveWith: [api]\n  api:\n    ports: ["10.0.0.5:5000:5000"]\n', DEVCONTAINER);
    expect(checkDevcontainerForwards(specFrom(text))).toEqual([]);
  });

  it('reports a forwarded port the registry does not hold, as every unregistered port', () => {
    const text = specWith('r', '  tensorboard:\n    runtime: devcontainer\n    ports: [6006]\n', `registry: ports.yaml\n${DEVCONTAINER}`);
    const registry = registryFrom('registry: 1\nowner: o\nports:\n  - { port: 8888, repo: r, service: jupyter }\n');
    const problems = validateSpec({ spec: specFrom(text), registry });
    expect(problems.map(formatProblem)).toContain('berth.yaml:7:13: port 6006/tcp of r/tensorboard is not in the port registry (register it: berth ports register tensorboard)');
  });
});

describe('where the devcontainer is', () => {
  it('reads the workspace folder off the path of devcontainer.json, as the editor opens it', () => {
    expect(devcontainerPlace()).toEqual({ config: '.devcontainer/devcontainer.json', workspace: '', standard: true, onlyConfig: true });
    expect(devcontainerPlace('./.devcontainer.json')).toEqual({ config: '.devcontainer.json', workspace: '', standard: true, onlyConfig: true });
    expect(devcontainerPlace('.devcontainer/gpu/devcontainer.json')).toEqual({ config: '.devcontainer/gpu/devcontainer.json', workspace: '', standard: true, onlyConfig: false });
    expect(devcontainerPlace('../../.devcontainer/devcontainer.json')).toEqual({ config: '../../.devcontainer/devcontainer.json', workspace: '../..', standard: true, onlyConfig: true });
    expect(devcontainerPlace('tools\\dev.json')).toEqual({ config: 'tools/dev.json', workspace: '', standard: false, onlyConfig: false });
  });
});

import { describe, expect, it } from 'vitest';
import { formatProblem, parseSpec } from '@berth/spec';
import { importDevcontainer } from './import-config.js';
import { parseDevcontainerJson } from './read-config.js';

const read = (text: string) => {
  const r = parseDevcontainerJson(text, 'devcontainer.json');
  return { config: r.config!, doc: r.doc };
};
const imported = (text: string, spec?: string) => {
  const { config, doc } = read(text);
  return importDevcontainer(config, doc, { configRel: '.devcontainer/devcontainer.json', ...(spec ? { spec: parseSpec(spec).value! } : {}) });
};

describe('importDevcontainer', () => {
  it('matches a forward to the spec service with the port, else to one whose name is the label, else makes one', () => {
    const spec = 'berth: 1\nrepo: { name: r }\nservices:\n  nb:\n    name: Notebooks\n    ports: [8888]\n  api:\n    runtime: devcontainer\n    ports: [5000]\n  other:\n    ports: [6006]\n  port-9000: {}\ndevcontainer: { image: x }\n';
    const r = imported('{ "image": "x", "forwardPorts": [5000, 8888, 6006, 9000], "portsAttributes": { "8888": { "label": "Notebooks" }, "6006": { "label": "TensorBoard" } } }', spec);
    expect(r.forwards.map((f) => [f.service, f.exists, f.name])).toEqual([
      ['api', true, undefined],
      ['nb', true, undefined],
      ['tensorboard', false, 'TensorBoard'], // "other" has the port but is not the devcontainer's and has another name
      ['port-9000-2', false, undefined],
    ]);
  });

  it('warns, at the place in devcontainer.json, about what it cannot carry as written', () => {
    const r = imported(
      [
        '{',
        '  "image": "x",',
        '  "appPort": [3000],',
        '  "hostRequirements": { "gpu": "optional" },',
        '  "runArgs": ["--gpus", "all"],',
        '  "forwardPorts": [3000, 3001, "localhost:3000"],',
        '  "portsAttributes": { "3000-3001": { "label": "Web" }, "3001": { "label": "Web", "onAutoForward": "silent" } }',
        '}',
      ].join('\n'),
      'berth: 1\nrepo: { name: r }\nservices:\n  web:\n    name: Web\n    runtime: devcontainer\n    ports: [3000, 3001]\ndevcontainer: { image: x }\n',
    );
    expect(r.problems.map(formatProblem)).toEqual([
      'devcontainer.json:3:14: warning: appPort publishes ports with `docker run -p`; berth carries only forwardPorts (the Dev Containers spec recommends them)',
      'devcontainer.json:4:32: warning: hostRequirements.gpu says "optional", but runArgs gives the container GPUs, which fails without one: the GPU is required',
      'devcontainer.json:6:32: warning: "localhost:3000" is forwarded twice; imported once',
      'devcontainer.json:7:65: warning: port 3001 of web has other attributes than port 3000; berth keeps one name and one onAutoForward per service, those of port 3000',
    ]);
    expect(r.devcontainer.gpu).toEqual({});
  });
});

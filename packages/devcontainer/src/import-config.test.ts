import { describe, expect, it } from 'vitest';
import { formatProblem, parseSpec } from '@berth/spec';
import { importDevcontainer } from './import-config.js';
import { composeServiceImage, composeServiceNames } from './compose-service.js';
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

  it('says of every runArgs entry but the GPU flags that it is not carried, at its place, a flag with its value once', () => {
    const r = imported('{\n  "image": "x",\n  "runArgs": ["--gpus", "all", "--network=host", "--shm-size", "8g", "--init"]\n}\n');
    expect(r.problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^devcontainer.json:3:32: warning: runArgs "--network=host" is not carried: berth reads only the GPU flags of runArgs; devcontainer.json keeps it \(a devcontainer on the host network shares its ports with the host/),
      'devcontainer.json:3:50: warning: runArgs "--shm-size 8g" is not carried: berth reads only the GPU flags of runArgs; devcontainer.json keeps it',
      'devcontainer.json:3:70: warning: runArgs "--init" is not carried: berth reads only the GPU flags of runArgs; devcontainer.json keeps it',
    ]);
    expect(r.devcontainer.gpu).toEqual({});
  });
});

describe('importDevcontainer: what the Dev Containers CLI could not start, and what must not reach the spec', () => {
  const withFiles = (text: string, files: Record<string, string>) => {
    const { config, doc } = read(text);
    return importDevcontainer(config, doc, { configRel: '.devcontainer/devcontainer.json', readBeside: (p) => files[p], composeServiceImage, composeServiceNames });
  };
  const lines = (r: { problems: Parameters<typeof formatProblem>[0][] }) => r.problems.map(formatProblem);

  it('a Dockerfile that is not there is an error at its place, not a warning', () => {
    const r = withFiles('{\n  "build": { "dockerfile": "Dockerfile.missing" }\n}\n', {});
    expect(lines(r)).toEqual(["devcontainer.json:2:28: cannot read Dockerfile.missing (a path relative to devcontainer.json's folder)"]);
  });

  it('a Compose file that is not there, or that lacks the service or one of runServices, is an error at its place', () => {
    expect(lines(withFiles('{"dockerComposeFile": ["docker-compose.yml"], "service": "app"}', {}))).toEqual([
      "devcontainer.json:1:24: cannot read docker-compose.yml (a path relative to devcontainer.json's folder)",
    ]);
    const compose = { 'docker-compose.yml': 'services:\n  app:\n    image: node:20\n' };
    expect(lines(withFiles('{"dockerComposeFile": "docker-compose.yml", "service": "application", "runServices": ["app", "db"]}', compose))).toEqual([
      'devcontainer.json:1:56: service "application" is not defined in docker-compose.yml',
      'devcontainer.json:1:94: service "db" is not defined in docker-compose.yml',
    ]);
    const fine = withFiles('{"dockerComposeFile": "docker-compose.yml", "service": "app"}', compose);
    expect([fine.problems, fine.devcontainer.image]).toEqual([[], 'node:20']);
  });

  it('a build arg that looks secret is left out of the spec, named and never quoted; a ${localEnv:...} reference travels', () => {
    const r = withFiles('{"build": {"dockerfile": "Dockerfile", "args": {"NPM_TOKEN": "npm_SECRETxyz", "GITHUB_PAT": "${localEnv:GITHUB_PAT}", "PY": "3.12"}}}', { Dockerfile: 'ARG PY\nFROM python:${PY}\n' });
    expect(r.devcontainer.build?.args).toEqual({ GITHUB_PAT: '${localEnv:GITHUB_PAT}', PY: '3.12' });
    expect(r.devcontainer.image).toBe('python:3.12');
    expect(r.problems.map((p) => [p.severity, p.code])).toEqual([['warning', 'devcontainer-secret-arg']]);
    expect(JSON.stringify(r)).not.toContain('npm_SECRETxyz');
  });
});

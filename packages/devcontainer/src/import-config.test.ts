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

  it("a URL's password, a personal access token, a credential in postCreateCommand or a feature's option: left out, named, never quoted (audit #9)", () => {
    const text = [
      '{ "build": { "dockerfile": "Dockerfile",',
      '    "args": { "NPM_TOKEN": "S3cr3tDCARG1",',
      '              "PIP_INDEX_URL": "https://u:S3cr3tDCURL2@pypi.example.com/simple",',
      '              "REF_URL": "https://u:${localEnv:PIP_PASSWORD}@pypi.example.com/simple",',
      '              "GH_PAT": "S3cr3tDCPAT4" } },',
      '  "runArgs": ["--env", "API_TOKEN=S3cr3tDCRUN5", "-e", "DB_URL=postgres://u:S3cr3tDCRUN6@db/x"],',
      '  "features": { "ghcr.io/acme/cli:1": { "token": "S3cr3tDCFEAT7", "version": "1.2" } },',
      '  "postCreateCommand": "pip install --index-url https://u:S3cr3tDCPOST6@pypi.example.com/simple -e ." }',
    ].join('\n');
    const r = withFiles(text, { Dockerfile: 'FROM python:3.12\n' });
    expect(r.devcontainer).toEqual({ image: 'python:3.12', build: { dockerfile: 'Dockerfile', args: { REF_URL: 'https://u:${localEnv:PIP_PASSWORD}@pypi.example.com/simple' } }, features: { 'ghcr.io/acme/cli:1': { version: '1.2' } } });
    expect(r.withheld).toEqual(['postCreateCommand']);
    expect(lines(r)).toEqual([
      'devcontainer.json:2:28: warning: build arg NPM_TOKEN looks secret: its value is not copied into the spec (a committed file); pass it from the environment (${localEnv:NPM_TOKEN}) instead',
      "devcontainer.json:3:32: warning: build arg PIP_INDEX_URL holds a URL's password: its value is not copied into the spec (a committed file); pass it from the environment (${localEnv:PIP_INDEX_URL}) instead",
      'devcontainer.json:5:25: warning: build arg GH_PAT looks secret: its value is not copied into the spec (a committed file); pass it from the environment (${localEnv:GH_PAT}) instead',
      'devcontainer.json:6:15: warning: runArgs "--env API_TOKEN=[redacted]" is not carried: berth reads only the GPU flags of runArgs; devcontainer.json keeps it',
      'devcontainer.json:6:50: warning: runArgs "-e" is not carried: berth reads only the GPU flags of runArgs; devcontainer.json keeps it',
      'devcontainer.json:6:56: warning: runArgs "DB_URL=postgres://u:[redacted]@db/x" is not carried: berth reads only the GPU flags of runArgs; devcontainer.json keeps it',
      'devcontainer.json:7:50: warning: option token of feature ghcr.io/acme/cli:1 looks secret: its value is not copied into the spec (a committed file); pass it from the environment (${localEnv:NAME}) instead',
      "devcontainer.json:8:24: warning: postCreateCommand holds a secret (a URL's password, or a credential such as --token or an Authorization header): it is not copied into the spec (a committed file); write it there as ${localEnv:NAME}, for the Dev Containers CLI to take from the environment, and import again",
    ]);
    expect(JSON.stringify(r)).not.toContain('S3cr3t');
  });

  it('postCreateCommand: an argv or one of several named commands with a credential is left out alone; one without is carried', () => {
    const argv = withFiles('{"image": "x", "postCreateCommand": ["gh", "auth", "login", "--token", "S3cr3tDCARGV8"]}', {});
    expect([argv.devcontainer.postCreateCommand, argv.withheld]).toEqual([undefined, ['postCreateCommand']]);
    const named = withFiles('{"image": "x", "postCreateCommand": {"deps": "pip install -e .", "login": "curl -H \'Authorization: Bearer S3cr3tDCNAMED9\' https://x/"}}', {});
    expect([named.devcontainer.postCreateCommand, named.withheld]).toEqual([{ deps: 'pip install -e .' }, undefined]);
    expect(named.problems.map((p) => [p.code, p.path?.join('.')])).toEqual([['devcontainer-secret-command', 'postCreateCommand.login']]);
    const plain = withFiles('{"image": "x", "postCreateCommand": "pip install --index-url https://u:${localEnv:PIP_PASSWORD}@pypi.example.com/simple --token-file /run/t"}', {});
    expect([plain.devcontainer.postCreateCommand, plain.withheld, plain.problems]).toEqual(['pip install --index-url https://u:${localEnv:PIP_PASSWORD}@pypi.example.com/simple --token-file /run/t', undefined, []]);
    expect(JSON.stringify([argv, named])).not.toContain('S3cr3t');
  });

  it('carries how many GPUs runArgs gives, or which, in each way docker takes them', () => {
    const gpu = (runArgs: string[], extra = '') => {
      const r = withFiles(`{"image": "x", "runArgs": ${JSON.stringify(runArgs)}${extra}}`, {});
      return [r.devcontainer.gpu, r.problems.map((p) => p.message)];
    };
    expect(gpu(['--gpus', '2'])).toEqual([{ count: 2 }, []]);
    expect(gpu(['--gpus=count=3'])).toEqual([{ count: 3 }, []]);
    expect(gpu(['--gpus', 'all'])).toEqual([{}, []]);
    expect(gpu(['--gpus=device=1'])).toEqual([{ devices: ['1'] }, []]);
    expect(gpu(['--gpus', '"device=0,1"'])).toEqual([{ devices: ['0', '1'] }, []]);
    expect(gpu(['--gpus', '"device=GPU-5a3c0d7e-1b2f-4c3d-8e9f-0a1b2c3d4e5f",driver=nvidia'])).toEqual([{ devices: ['GPU-5a3c0d7e-1b2f-4c3d-8e9f-0a1b2c3d4e5f'] }, []]);
    expect(gpu(['--device=nvidia.com/gpu=0'])).toEqual([{ devices: ['0'] }, []]);
    // what docker reads otherwise than meant is said, and the meaning carried
    expect(gpu(['--gpus', 'device=0,1'])).toEqual([{ devices: ['0', '1'] }, ['docker reads --gpus device=0,1 as device 0 and then a count, and refuses it; write the list in double quotes: --gpus "device=0,1"']]);
    const unquoted = withFiles('{"image": "x",\n "runArgs": ["--ipc=host", "--gpus", "device=0,1"]}', {});
    expect(unquoted.problems.filter((p) => p.code === 'devcontainer-gpu-flag').map((p) => [p.path, p.line, p.col])).toEqual([[['runArgs', 2], 2, 38]]);
    // the nvidia-docker2 way: the runtime, with NVIDIA_VISIBLE_DEVICES from runArgs or containerEnv (unset: the image's, all in NVIDIA's images)
    expect(gpu(['--runtime=nvidia', '--env', 'NVIDIA_VISIBLE_DEVICES=all'])).toEqual([{}, []]);
    expect(gpu(['--runtime', 'nvidia', '-e', 'NVIDIA_VISIBLE_DEVICES=0,1'])).toEqual([{ devices: ['0', '1'] }, []]);
    expect(gpu(['--runtime=nvidia'], ', "containerEnv": {"NVIDIA_VISIBLE_DEVICES": "2"}')).toEqual([{ devices: ['2'] }, []]);
    expect(gpu(['--runtime=nvidia', '-eNVIDIA_VISIBLE_DEVICES=3'])).toEqual([{ devices: ['3'] }, []]);
    expect(gpu(['--runtime=nvidia', '--env=NVIDIA_VISIBLE_DEVICES=1,2'])).toEqual([{ devices: ['1', '2'] }, []]);
    expect(gpu(['--runtime=nvidia'])).toEqual([{}, []]);
    // the runtime showing no GPU gives none: its flags are then like any other, not carried
    expect(gpu(['--runtime=nvidia', '-e', 'NVIDIA_VISIBLE_DEVICES=none'])).toEqual([
      undefined,
      ['"--runtime=nvidia"', '"-e"', '"NVIDIA_VISIBLE_DEVICES=none"'].map((a) => `runArgs ${a} is not carried: berth reads only the GPU flags of runArgs; devcontainer.json keeps it`),
    ]);
    // NVIDIA_VISIBLE_DEVICES without the nvidia runtime gives nothing: it is an ordinary variable, not carried
    expect(gpu(['-e', 'NVIDIA_VISIBLE_DEVICES=all'])).toEqual([undefined, ['"-e"', '"NVIDIA_VISIBLE_DEVICES=all"'].map((a) => `runArgs ${a} is not carried: berth reads only the GPU flags of runArgs; devcontainer.json keeps it`)]);
    // "optional" beside a count: the flag wins, and the contradiction is said
    expect(gpu(['--gpus', '2'], ', "hostRequirements": {"gpu": "optional"}')).toEqual([{ count: 2 }, ['hostRequirements.gpu says "optional", but runArgs gives the container GPUs, which fails without one: the GPU is required']]);
  });

  it("a Compose setup's GPU is its service's reservation, from the last Compose file that says one; runArgs do nothing there", () => {
    const files = {
      'a.yaml': 'services:\n  dev:\n    image: x\n    gpus: all\n',
      'b.yaml': 'services:\n  dev:\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - capabilities: [gpu]\n              device_ids: ["0", 3]\n',
      'c.yaml': 'services:\n  dev:\n    image: x\n    gpus:\n      - driver: nvidia\n        count: 2\n',
      'none.yaml': 'services:\n  dev:\n    image: x\n  gpu:\n    image: y\n    gpus: all\n',
    };
    const gpu = (compose: string[]) => withFiles(JSON.stringify({ dockerComposeFile: compose, service: 'dev' }), files).devcontainer.gpu;
    expect(gpu(['a.yaml'])).toEqual({});
    expect(gpu(['a.yaml', 'b.yaml'])).toEqual({ devices: ['0', '3'] });
    expect(gpu(['c.yaml'])).toEqual({ count: 2 });
    expect(gpu(['none.yaml'])).toBeUndefined();
  });
});

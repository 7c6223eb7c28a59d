import { describe, expect, it } from 'vitest';
import { HealthCheck } from '../schema/check.js';
import { devcontainerPlace } from '../analysis/devcontainer-place.js';
import { parseSpec } from '../load/load.js';
import { checkCommand, healthSection } from './health-section.js';

const cmd = (input: unknown, subject = { title: 'Web', container: 'web' }) => checkCommand(HealthCheck.parse(input), subject);

describe('health checks as runnable commands', () => {
  it('renders each kind as a command a person can paste, with what it expects', () => {
    expect(cmd({ type: 'http', url: 'http://localhost:8888/api/status', expect: { status: [200], unauthorizedIsUp: true } })).toEqual({
      command: 'curl http://localhost:8888/api/status',
      expects: 'expects 200; 401/403 mean up, wants credentials',
    });
    expect(cmd({ type: 'http', url: 'https://localhost:8443/', method: 'HEAD', insecure: true }).command).toBe('curl -k -X HEAD https://localhost:8443/');
    expect(cmd({ type: 'tcp', port: 6333 }).command).toBe('nc -z 127.0.0.1 6333');
    expect(cmd({ type: 'postgres', port: 5434, database: 'semops' }).command).toBe('pg_isready -h 127.0.0.1 -p 5434 -d semops');
    expect(cmd({ type: 'command', argv: ['sh', '-c', 'echo $HOME'], expect: { stdoutContains: 'root' } })).toEqual({
      command: "sh -c 'echo $HOME'",
      expects: 'expects exit 0, output contains "root"',
    });
    expect(cmd({ type: 'container' }).command).toBe("docker inspect --format '{{.State.Health.Status}}' web");
    expect(cmd({ type: 'gpu', cuda: '12.1' }).expects).toBe('expects at least 1 GPU, driver new enough for CUDA 12.1');
    expect(cmd({ type: 'mcp', server: 'semops' }).expects).toBe('starts the "semops" server from .mcp.json or ~/.claude.json over stdio and lists its tools');
  });

  it('runs an exec check inside the named container, calling torch.cuda.is_available()', () => {
    const r = cmd({ type: 'exec', container: 'semops-data-devcontainer', argv: ['python', '-c', 'import torch; print(torch.cuda.is_available())'], expect: { stdoutEquals: 'True' } });
    expect(r.command).toBe('docker exec semops-data-devcontainer python -c "import torch; print(torch.cuda.is_available())"');
    expect(r.expects).toBe('expects exit 0, output "True"');
  });

  it('runs an exec check in the devcontainer as the Dev Containers CLI does (its lookup, remoteUser, remoteEnv, workspace folder), never by a made-up name', () => {
    const torch = { argv: ['python', '-c', 'import torch; print(torch.cuda.is_available())'], expect: { stdoutEquals: 'True' } };
    const place = devcontainerPlace();
    expect(cmd({ type: 'exec', in: 'devcontainer', ...torch }, { title: 'DevContainer', devcontainer: place } as never).command).toBe(
      'devcontainer exec --workspace-folder . python -c "import torch; print(torch.cuda.is_available())"',
    );
    // the devcontainer's own checks run in it without saying so
    expect(cmd({ type: 'exec', ...torch }, { title: 'DevContainer', devcontainer: place, inDevcontainer: true } as never).command).toMatch(/^devcontainer exec --workspace-folder \. python/);
    // one of several configurations of a folder: --config names it (the CLI then filters on the config-file label too)
    expect(cmd({ type: 'exec', in: 'devcontainer', argv: ['nvidia-smi'] }, { title: 'x', devcontainer: devcontainerPlace('.devcontainer/gpu/devcontainer.json') } as never).command).toBe(
      'devcontainer exec --workspace-folder . --config .devcontainer/gpu/devcontainer.json nvidia-smi',
    );
    // a spec below the workspace folder
    expect(cmd({ type: 'exec', in: 'devcontainer', argv: ['true'] }, { title: 'x', devcontainer: devcontainerPlace('../../.devcontainer/devcontainer.json') } as never).command).toBe(
      'devcontainer exec --workspace-folder ../.. true',
    );
  });

  it('the pasted command reaches the Dev Containers CLI as meant: the words survive sh', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, writeFileSync, chmodSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const bin = mkdtempSync(join(tmpdir(), 'berth-fake-devcontainer-'));
    // a fake devcontainer CLI that prints its arguments, one per line: what the shell passed after expansion
    writeFileSync(join(bin, 'devcontainer'), '#!/bin/sh\nfor a in "$@"; do echo "[$a]"; done\n');
    chmodSync(join(bin, 'devcontainer'), 0o755);
    const work = mkdtempSync(join(tmpdir(), 'berth work '));
    const command = cmd({ type: 'exec', in: 'devcontainer', argv: ['sh', '-c', 'echo "$HOME"'] }, { title: 'x', devcontainer: devcontainerPlace('.devcontainer/my gpu/devcontainer.json') } as never).command;
    const out = execFileSync('sh', ['-c', command], { cwd: work, env: { PATH: `${bin}:/usr/bin:/bin` }, encoding: 'utf8' });
    expect(out).toBe(['exec', '--workspace-folder', '.', '--config', '.devcontainer/my gpu/devcontainer.json', 'sh', '-c', 'echo "$HOME"'].map((a) => `[${a}]\n`).join(''));
  });
});

describe('exec checks in the devcontainer on the page', () => {
  const spec = (devcontainer: string, services = '') => parseSpec(`berth: 1\nrepo: { name: r }\n${services}devcontainer:\n${devcontainer}`).value!;

  it("renders a service's exec check that says in: devcontainer with the label lookup too", () => {
    const s = spec('  image: python:3.12\n', 'services:\n  nb:\n    runtime: devcontainer\n    checks: [{ type: exec, in: devcontainer, argv: [jupyter, --version] }]\n');
    expect(healthSection(s)).toContain('devcontainer exec --workspace-folder . jupyter --version');
  });

  it("renders a devcontainer-only service's exec check that names no container in the devcontainer, as berth health runs it", () => {
    const s = spec('  image: python:3.12\n  config: .devcontainer/gpu/devcontainer.json\n', 'services:\n  trainer:\n    runtime: { kind: devcontainer, command: python train.py }\n    checks: [{ type: exec, name: alive, argv: [hostname] }]\n');
    expect(healthSection(s).join('\n')).toContain('# trainer: alive — expects exit 0\ndevcontainer exec --workspace-folder . --config .devcontainer/gpu/devcontainer.json hostname');
    expect(healthSection(s).join('\n')).not.toContain('docker exec');
  });
});


describe('the checks berth health derives, on the page', () => {
  const parse = (yaml: string) => parseSpec(`berth: 1\nrepo: { name: r }\n${yaml}`).value!;
  // semops' shape: shared services with ports and appProtocol, no `checks:` anywhere
  const derivedOnly = parse(
    [
      'services:',
      '  qdrant: { name: Qdrant, image: qdrant/qdrant, ports: [{ host: 6333, appProtocol: http }] }',
      '  supabase-db: { image: supabase/postgres, ports: [{ host: 5434, container: 5432, appProtocol: postgres }] }',
      'connections:',
      '  ollama: { name: Ollama, host: localhost, port: 11434, protocol: http }',
      '  mcp: { name: MCP Server, transport: stdio }',
      '',
    ].join('\n'),
  );

  it('a repo with only derived checks gets the section, each marked default, as berth health runs them', () => {
    const section = healthSection(derivedOnly).join('\n');
    expect(section).toContain('## Health Checks');
    expect(section).toContain('# Qdrant (default) — expects 2xx-3xx\ncurl http://127.0.0.1:6333/readyz');
    expect(section).toContain('# supabase-db (default) — expects "accepting connections"\npg_isready -h 127.0.0.1 -p 5434');
    expect(section).toContain('# Ollama (shared, default) — expects 2xx-3xx\ncurl http://127.0.0.1:11434/api/version');
    expect(section).toContain('marked *default*');
    // berth health takes the connection's id, and starts the one server registered when the spec names none
    expect(section).toContain('# MCP Server (shared, default) — starts the MCP server registered in .mcp.json or ~/.claude.json over stdio and lists its tools\nberth health mcp');
  });

  it("marks a connection to another repo's service with that repo, and only one with no owner as shared", () => {
    const section = healthSection(
      parse(
        [
          'connections:',
          '  mlflow: { name: MLflow, port: 5000, protocol: http, owner: semops-data, service: mlflow }',
          '  search: { port: 9200, owner: search-team, checks: [{ type: tcp, host: localhost, port: 9200, name: open }] }',
          '  qdrant: { name: Qdrant, port: 6333, protocol: http }',
          '  tools: { name: Tools, transport: stdio, owner: tools }',
          '',
        ].join('\n'),
      ),
    ).join('\n');
    expect(section).toContain('# MLflow (semops-data, default) — expects 2xx-3xx; body contains "OK"\ncurl http://127.0.0.1:5000/health');
    expect(section).toContain('# search (search-team): open — ');
    expect(section).toContain('# Qdrant (shared, default) — expects 2xx-3xx');
    expect(section).toContain('# Tools (tools, default) — starts the MCP server registered in');
    expect(section.match(/\(shared/g)).toHaveLength(1);
  });

  it('written checks stay unmarked beside derived ones, in the spec\'s order, the same every time', () => {
    const mixed = parse(
      [
        'services:',
        '  mlflow: { name: MLflow UI, ports: [{ host: 5000, appProtocol: http }], checks: [{ type: http, url: "http://localhost:5000/health" }] }',
        '  marquez: { name: Marquez API, image: marquezproject/marquez, ports: [{ host: 5000, appProtocol: http }] }',
        '',
      ].join('\n'),
    );
    const section = healthSection(mixed).join('\n');
    expect(section).toContain('# MLflow UI — expects 2xx-3xx\ncurl http://localhost:5000/health');
    expect(section).toContain('# Marquez API (default) — expects 2xx-3xx\ncurl http://127.0.0.1:5000/api/v1/namespaces');
    expect(section.indexOf('MLflow UI')).toBeLessThan(section.indexOf('Marquez API'));
    expect(healthSection(mixed)).toEqual(healthSection(mixed));
  });

  it('a spec with nothing to check has no section', () => {
    expect(healthSection(parse('services:\n  job: { runtime: [{ kind: host }] }\n'))).toEqual([]);
  });
});

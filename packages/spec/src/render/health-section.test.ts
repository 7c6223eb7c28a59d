import { describe, expect, it } from 'vitest';
import { HealthCheck } from '../schema/check.js';
import { checkCommand } from './health-section.js';

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
});

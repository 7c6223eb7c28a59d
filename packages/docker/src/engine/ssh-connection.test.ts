import { describe, expect, it } from 'vitest';
import { sshArgv, sshFailure, sshTarget } from './ssh-connection.js';

describe('ssh:// engines, read as the docker CLI reads them', () => {
  it('runs `ssh -l USER -p PORT -- HOST docker system dial-stdio`, with the socket when the URL names one', () => {
    expect(sshArgv(sshTarget('ssh://dev@gpu-box:2222', {}))).toEqual(['ssh', '-o', 'ConnectTimeout=10', '-o', 'BatchMode=yes', '-T', '-l', 'dev', '-p', '2222', '--', 'gpu-box', 'docker', 'system', 'dial-stdio']);
    expect(sshArgv(sshTarget('ssh://gpu-box/run/user/1000/docker.sock', {})).slice(-5)).toEqual(['gpu-box', 'docker', '--host=unix:///run/user/1000/docker.sock', 'system', 'dial-stdio']);
    expect(sshArgv(sshTarget('ssh://gpu-box/', { BERTH_SSH_COMMAND: 'ssh -F /etc/berth/ssh_config' })).slice(0, 3)).toEqual(['ssh', '-F', '/etc/berth/ssh_config']);
  });
  it('refuses what the docker CLI refuses: a password, a query', () => {
    expect(() => sshTarget('ssh://dev:secret@gpu-box', {})).toThrow(/password .* not supported/);
    expect(() => sshTarget('ssh://gpu-box?x=1', {})).toThrow(/no query/);
  });
  it('turns what ssh said into one line with what to do', () => {
    const t = { host: 'gpu-box', user: 'dev' };
    const cases: [number, string, string][] = [
      [255, 'dev@gpu-box: Permission denied (publickey).\n', 'ERR_BERTH_SSH_KEY_REFUSED'],
      [255, 'ssh: Could not resolve hostname gpu-box: Name or service not known\n', 'ERR_BERTH_SSH_UNREACHABLE'],
      [255, 'ssh: connect to host gpu-box port 22: Connection refused\n', 'ERR_BERTH_SSH_UNREACHABLE'],
      [255, 'Host key verification failed.\n', 'ERR_BERTH_SSH_HOST_KEY'],
      [127, 'bash: line 1: docker: command not found\n', 'ERR_BERTH_SSH_NO_DOCKER'],
      [1, 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n', 'ERR_BERTH_SSH_NO_ENGINE'],
      [2, 'something else\n', 'ERR_BERTH_SSH_FAILED'],
    ];
    for (const [code, stderr, expected] of cases) {
      const err = sshFailure(t, code, stderr);
      expect(err.code, stderr).toBe(expected);
      expect(err.code).toMatch(/^ERR_BERTH_SSH_/);
      expect(err.message).not.toContain('\n');
      expect(err.message).toContain('dev@gpu-box');
    }
    expect(sshFailure(t, 255, 'dev@gpu-box: Permission denied (publickey).\n').message).toBe('ssh to dev@gpu-box refused the key (dev@gpu-box: Permission denied (publickey).)');
  });
});

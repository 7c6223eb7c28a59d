import { describe, expect, it } from 'vitest';
import { berthFailureOf } from '@berth/spec/testing';
import { sshArgv, sshFailure, sshTarget } from './ssh-connection.js';

describe('ssh:// engines, read as the docker CLI reads them', () => {
  it('runs `ssh -l USER -p PORT -- HOST docker system dial-stdio`, with the socket when the URL names one', () => {
    expect(sshArgv(sshTarget('ssh://dev@gpu-box:2222', {}))).toEqual(['ssh', '-o', 'ConnectTimeout=10', '-o', 'BatchMode=yes', '-T', '-l', 'dev', '-p', '2222', '--', 'gpu-box', 'docker', 'system', 'dial-stdio']);
    expect(sshArgv(sshTarget('ssh://gpu-box/run/user/1000/docker.sock', {})).slice(-5)).toEqual(['gpu-box', 'docker', '--host=unix:///run/user/1000/docker.sock', 'system', 'dial-stdio']);
    expect(sshArgv(sshTarget('ssh://gpu-box/', { BERTH_SSH_COMMAND: 'ssh -F /etc/berth/ssh_config' })).slice(0, 3)).toEqual(['ssh', '-F', '/etc/berth/ssh_config']);
  });
  it('refuses what the docker CLI refuses, a password, a query, as bad input (ERR_BERTH_USAGE, exit 2)', () => {
    expect(() => sshTarget('ssh://dev:secret@gpu-box', {})).toThrow(/password .* not supported/);
    expect(() => sshTarget('ssh://gpu-box?x=1', {})).toThrow(/no query/);
    for (const url of ['ssh://dev:secret@gpu-box', 'ssh://gpu-box?x=1', 'ssh://gpu-box#f']) expect(berthFailureOf(() => sshTarget(url, {})).code, url).toBe('ERR_BERTH_USAGE');
  });
  it('an unknown host key: the hint is a command ssh runs (`ssh -p PORT user@host`, not `user@host:port`)', () => {
    const said = 'No ED25519 host key is known for [127.0.0.1]:42699 and you have requested strict checking.\nHost key verification failed.\n';
    expect(sshFailure({ host: '127.0.0.1', user: 'root', port: '42699' }, 255, said).hint).toBe('run `ssh -p 42699 root@127.0.0.1` once by hand to check and accept the host key');
    expect(sshFailure({ host: 'gpu-box' }, 255, said).hint).toBe('run `ssh gpu-box` once by hand to check and accept the host key');
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

/**
 * `berth logs` on a project that has no containers: said on stderr (exit 0), not left as silence; with --json, one
 * JSON document (a project with lines prints one object per line instead).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltCli, runBuiltCli } from './support/built-cli.js';
import { dockerAvailable, dockerSocketPath, TEST_IMAGE, uniqueProject } from '@berth/docker/testing';

const skip = dockerAvailable() ? '' : 'no Docker engine';

describe.skipIf(!!skip)(`berth logs with no containers${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const project = uniqueProject('berth-logs-empty');
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-logs-empty-'));
  const env = { DOCKER_HOST: `unix://${dockerSocketPath()}`, NO_COLOR: '1' };

  beforeAll(() => {
    ensureBuiltCli();
    writeFileSync(path.join(dir, 'berth.yaml'), `berth: 1\nrepo: { name: ${project} }\nservices:\n  web: { image: ${TEST_IMAGE} }\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says there are none and how to start them, exit 0', async () => {
    const r = await runBuiltCli(['logs'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n').filter((l) => l && l !== 'reading logs')).toEqual([`berth: no containers of project ${project} (berth up starts them)`]);
  });

  it('prints one JSON document with --json, on one line as each log line is', async () => {
    const r = await runBuiltCli(['logs', '--json'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')).toHaveLength(2);
    expect(JSON.parse(r.stdout)).toEqual({ ok: true, project, lines: 0, containers: 0 });
  });
});

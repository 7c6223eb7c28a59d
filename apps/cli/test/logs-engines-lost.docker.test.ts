import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltCli, runBuiltCli, startBuiltCli } from './support/built-cli.js';
import { downAndStop } from './support/engine-teardown.js';
import { dockerAvailable, dockerSocketPath, ensureTestImage, secondEngineSkipReason, startSecondEngine, TEST_IMAGE, uniqueProject, type SecondEngine } from '@berth/docker/testing';

const berth = runBuiltCli;

// `berth logs -f` across two engines (the shared one and a dockerd of the test's own, declared as "box"), and the box's
// dockerd killed mid-follow: the loss is said at once, the shared engine's lines go on, and Ctrl-C ends it with exit 3.
const skip = !dockerAvailable() ? 'no Docker engine' : secondEngineSkipReason();

const until = async (what: string, done: () => boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe.skipIf(!!skip)(`berth logs -f across engines when one goes away${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const project = uniqueProject('berth-logs-lost');
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-logs-lost-'));
  const env = { DOCKER_HOST: `unix://${dockerSocketPath()}` };
  let second: SecondEngine | undefined;

  beforeAll(async () => {
    ensureBuiltCli();
    await ensureTestImage();
    second = await startSecondEngine({ images: [TEST_IMAGE] });
    const talk = (word: string) => JSON.stringify(['sh', '-c', `trap "exit 0" TERM; while true; do echo ${word}; sleep 0.2; done`]);
    const spec = `berth: 1
repo: { name: ${project} }
engines: { box: { host: "${second.endpoint}" } }
services:
  talker: { image: ${TEST_IMAGE}, command: ${talk('far')}, engine: box, stopGracePeriod: 1s }
  localtalk: { image: ${TEST_IMAGE}, command: ${talk('near')}, stopGracePeriod: 1s }
`;
    writeFileSync(path.join(dir, 'berth.yaml'), spec);
    const up = await berth(['up', '--no-wait'], { cwd: dir, env });
    expect(up.code, up.stderr).toBe(0);
  }, 180_000);
  afterAll(() => downAndStop(dir, env, second), 120_000);

  it('says the lost engine at once, follows the other, and ends with exit 3 on Ctrl-C', async () => {
    let err = '';
    const run = startBuiltCli(['logs', '-f', '--tail', '1'], { cwd: dir, env, onStderr: (text) => (err = text) });
    let out = '';
    run.child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    await until('both engines\' lines', () => /talker@box\s+\| far/.test(out) && /localtalk@default\s+\| near/.test(out));
    await second!.kill();
    // at once: well before the follow ends
    await until('the loss on stderr', () => /went away/.test(err), 10_000);
    expect(err).toMatch(new RegExp(`^berth: engine "box": the engine at ${second!.endpoint} went away \\((connection reset|connection closed) during GET /containers/[0-9a-f]+/logs\\); the other engines' logs go on$`, 'm'));
    const near = () => out.split('\n').filter((l) => /^localtalk@default\s+\| near$/.test(l)).length;
    const before = near();
    await until('more lines from the engine still there', () => near() >= before + 3);
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(3);
    expect(r.stderr).not.toContain('interrupted');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // the command ends with the loss: said once more as its error (with the hint), not as an interrupt
    expect(r.stderr.split('\n').filter((l) => l.startsWith('berth: ')).at(-1)).toMatch(/^berth: engine "box": the engine at .* went away \([^)]*\)$/);
  }, 90_000);
});

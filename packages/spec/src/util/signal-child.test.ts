import { readFileSync } from 'node:fs';
import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { abandonPipes, PIPE_GRACE_MS, signalChild } from './signal-child.js';
import { runInOwnGroup } from '../testing/own-group.js';

const posix = process.platform !== 'win32';

/**
 * Runs `body` in a plain node (no loader) of its own process group (detached), so that a signal to "my own group"
 * kills only it; `signalChild` is this module's source, its types stripped by esbuild.
 */
function runAlone(body: string) {
  const source = readFileSync(new URL('./signal-child.ts', import.meta.url), 'utf8');
  const script = `import { spawn } from 'node:child_process';\nimport { readFileSync } from 'node:fs';\n${transformSync(source, { loader: 'ts', format: 'esm' }).code}\n${body}`;
  return runInOwnGroup(process.execPath, ['--input-type=module', '-e', script]);
}

describe.skipIf(!posix)(`signalChild${posix ? '' : ' (skipped: process groups are POSIX)'}`, () => {
  it("sends nothing to a child whose spawn failed: Node's child.kill() there signals the caller's own group", async () => {
    // stdin ignored, as nvidia-smi's detection spawns it: then the failed child keeps a handle whose pid is 0
    const failed = `const child = spawn('berth-no-such-program', [], { detached: true, env: { PATH: '/nonexistent' }, stdio: ['ignore', 'pipe', 'pipe'] });
child.on('error', () => {});
signalChild(child, 'SIGKILL', { group: true });
signalChild(child, 'SIGKILL');
console.log('alive');`;
    expect(await runAlone(failed)).toMatchObject({ status: 0, signal: null, stdout: 'alive\n' });
    // Node's child.kill() is never reached for such a child: it would signal pid 0
    const kills: unknown[] = [];
    signalChild({ pid: undefined, kill: (sig) => (kills.push(sig), true) }, 'SIGKILL');
    signalChild({ pid: 0, kill: (sig) => (kills.push(sig), true) }, 'SIGTERM', { group: true });
    expect(kills).toEqual([]);
  });

  it('kills a detached child and what it started, and is no error for a child that is gone', async () => {
    const r = await runAlone(`const child = spawn('sh', ['-c', 'sleep 30 & echo $!; wait'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
const grandchild = await new Promise((resolve) => child.stdout.once('data', (d) => resolve(Number(String(d).trim()))));
const closed = new Promise((resolve) => child.on('close', (code, signal) => resolve(signal)));
signalChild(child, 'SIGKILL', { group: true });
console.log(await closed);
await new Promise((r) => setTimeout(r, 100));
// gone, or a zombie no one has reaped yet (a container's pid 1 may not): either way it runs no more
let alive = true;
try { alive = readFileSync(\`/proc/\${grandchild}/stat\`, 'utf8').split(') ')[1][0] !== 'Z'; } catch { alive = false; }
signalChild(child, 'SIGKILL', { group: true });
console.log(alive ? 'grandchild alive' : 'grandchild gone');`);
    expect([r.status, r.stdout]).toEqual([0, 'SIGKILL\ngrandchild gone\n']);
  });
});

describe.skipIf(!posix)(`abandonPipes${posix ? '' : ' (skipped: setsid is POSIX)'}`, () => {
  it('lets a child that exited be closed though a grandchild in a session of its own holds its pipes', async () => {
    const r = await runAlone(`const child = spawn('sh', ['-c', 'setsid sleep 8 & echo started'], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
const started = Date.now();
child.stdout.resume();
child.on('exit', () => abandonPipes(child));
child.on('close', () => console.log(Date.now() - started < 5000 ? 'closed' : 'closed late'));`);
    expect([r.status, r.stdout]).toEqual([0, 'closed\n']);
  }, 15_000);

  it('drops the pipes at once with 0, and after PIPE_GRACE_MS by default', () => {
    const dropped: string[] = [];
    const child = { stdout: { destroy: () => dropped.push('stdout') }, stderr: { destroy: () => dropped.push('stderr') } };
    expect(abandonPipes(child, 0)).toBeUndefined();
    expect(dropped).toEqual(['stdout', 'stderr']);
    const timer = abandonPipes(child);
    expect(timer).toBeDefined();
    clearTimeout(timer);
    expect(PIPE_GRACE_MS).toBe(500);
  });
});

describe.skipIf(!posix)(`endOnExit${posix ? '' : ' (skipped: process groups are POSIX)'}`, () => {
  it("ends a child's run at its own exit, with its output and status, and kills what it left in its group", async () => {
    const r = await runAlone(`const child = spawn('sh', ['-c', 'sleep 30 & echo $!; echo bye >&2; exit 7'], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
let out = '';
let err = '';
child.stdout.on('data', (d) => (out += d));
child.stderr.on('data', (d) => (err += d));
const started = Date.now();
endOnExit(child, (status) => {
  const took = Date.now() - started;
  // the SIGKILL is on its way: look a moment later
  setTimeout(() => {
    let alive = true;
    try { alive = readFileSync(\`/proc/\${Number(out)}/stat\`, 'utf8').split(') ')[1][0] !== 'Z'; } catch { alive = false; }
    console.log(JSON.stringify(status), err.trim(), took < 2000 ? 'at once' : 'late', alive ? 'grandchild alive' : 'grandchild gone');
  }, 100);
});`);
    expect([r.status, r.stdout]).toEqual([0, '{"code":7,"signal":null} bye at once grandchild gone\n']);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { runInOwnGroup } from '@berth/spec/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectGpus } from '../src/index.js';
import { FakeNvidiaSmi, stillAlive } from './fake-nvidia-smi.js';
import { ownFixturesDir } from './fixtures.js';

// The real spawn path against fake nvidia-smi shell scripts put first on PATH.
const posix = process.platform !== 'win32';

describe.skipIf(!posix)('detectGpus spawning a fake nvidia-smi' + (posix ? '' : ' (skipped: the fakes are POSIX shell scripts)'), () => {
  const fakes: FakeNvidiaSmi[] = [];
  const fake = () => {
    const f = new FakeNvidiaSmi();
    fakes.push(f);
    return f;
  };
  afterEach(() => {
    for (const f of fakes.splice(0)) f.cleanup();
  });

  it('parses the XML the binary prints', async () => {
    const f = fake().printing(join(ownFixturesDir, 'two-gpus-mig.xml'));
    const d = await detectGpus({ env: f.env() });
    expect(d).toMatchObject({ status: 'ok', driverVersion: '535.54.03', cudaVersion: '12.2', announcedGpus: 2 });
    expect(d.status === 'ok' && d.gpus.map((g) => g.name)).toEqual(['NVIDIA GeForce RTX 4090', 'NVIDIA A100-SXM4-80GB']);
  });

  it('keeps the GPUs of truncated output', async () => {
    const f = fake().printing(join(ownFixturesDir, 'truncated.xml'));
    const d = await detectGpus({ env: f.env() });
    expect(d).toMatchObject({ status: 'ok', truncated: true, announcedGpus: 3 });
  });

  it('kills a hung nvidia-smi and its children, and says it hung', async () => {
    const f = fake().hanging('<nvidia_smi_log>');
    const d = await detectGpus({ env: f.env(), timeoutMs: 400 });
    expect(d.status).toBe('timeout');
    expect(d.status !== 'ok' && d.message).toMatch(/did not answer within 400 ms and was killed/);
    const pids = f.pids();
    expect(pids).toHaveLength(2); // the script and its sleep
    expect(await stillAlive(pids)).toEqual([]);
  });

  it('judges an nvidia-smi that exits at once by its exit, though a child it left holds its pipes, and kills the child', async () => {
    const f = fake();
    f.script(`echo $$ > '${f.pidFile}'\ncat '${join(ownFixturesDir, 'two-gpus-mig.xml')}'\nsleep 600 &\necho $! >> '${f.pidFile}'\nexit 0`);
    const started = performance.now();
    const d = await detectGpus({ env: f.env(), timeoutMs: 5000 });
    expect(d).toMatchObject({ status: 'ok', driverVersion: '535.54.03', announcedGpus: 2 });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(f.pids()).toHaveLength(2); // the script and its sleep
    expect(await stillAlive(f.pids())).toEqual([]);
  });

  it('judges one whose child left the group (setsid) by its exit too, after reading its pipes a moment', async () => {
    const f = fake();
    // the script exits once its child has a session of its own, out of the group's reach
    f.script(`echo $$ > '${f.pidFile}'\ncat '${join(ownFixturesDir, 'two-gpus-mig.xml')}'\nsetsid sh -c "echo \\$$ >> '${f.pidFile}'; exec sleep 600" &\nwhile [ $(wc -l < '${f.pidFile}') -lt 2 ]; do sleep 0.01; done\nexit 0`);
    const started = performance.now();
    const d = await detectGpus({ env: f.env(), timeoutMs: 5000 });
    expect(d).toMatchObject({ status: 'ok', announcedGpus: 2 });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(f.pids()).toHaveLength(2); // cleanup() ends the sleep: nothing berth could reach
  });

  it('kills it on abort too', async () => {
    const f = fake().hanging();
    const controller = new AbortController();
    const pending = detectGpus({ env: f.env(), timeoutMs: 60_000, signal: controller.signal });
    while (f.pids().length < 2) await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    expect(await pending).toMatchObject({ status: 'failed', message: expect.stringMatching(/interrupted/) });
    expect(await stillAlive(f.pids())).toEqual([]);
  });

  it('runs nothing when asked to stop before it starts', async () => {
    const f = fake();
    f.script(`echo $$ > '${f.pidFile}'\nexit 0`);
    const controller = new AbortController();
    controller.abort();
    expect(await detectGpus({ env: f.env(), signal: controller.signal })).toEqual({ status: 'failed', message: 'nvidia-smi was interrupted' });
    await new Promise((r) => setTimeout(r, 200));
    expect(f.pids()).toEqual([]);
  });

  it('stops runaway output and leaves nothing behind', async () => {
    const f = fake();
    f.script(`echo $$ > '${f.pidFile}'\nwhile :; do echo garbage-garbage-garbage; done`);
    const d = await detectGpus({ env: f.env(), maxOutputBytes: 64 * 1024 });
    expect(d).toMatchObject({ status: 'unparseable', message: expect.stringMatching(/more than 65536 bytes/) });
    expect(f.pids()).toHaveLength(1);
    expect(await stillAlive(f.pids())).toEqual([]);
  });

  it.each([
    [9, 'no-driver', "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.", /driver is not loaded/],
    [6, 'no-gpu', 'No devices were found', /driver is loaded but sees no GPU \("No devices were found"\)/],
    [18, 'driver-mismatch', 'Failed to initialize NVML: Driver/library version mismatch', /different versions/],
    [15, 'gpu-lost', 'Unable to determine the device handle for GPU0000:01:00.0: GPU is lost.  Reboot the system to recover this GPU', /fallen off the bus/],
    [3, 'failed', 'Unknown Error', /exited 3: "Unknown Error"/],
  ] as const)('exit %d is %s', async (code, status, said, message) => {
    const f = fake().script(`echo "${said}"\nexit ${code}`);
    const d = await detectGpus({ env: f.env() });
    expect(d).toMatchObject({ status, exitCode: code });
    expect(d.status !== 'ok' && d.message).toMatch(message);
    if (status !== 'failed') expect(d.status !== 'ok' && d.hint).toBeTruthy();
  });

  it('quotes stderr over stdout when the binary fails', async () => {
    const f = fake().script(`echo "on stdout"\necho "NVML: the real reason" >&2\nexit 9`);
    const d = await detectGpus({ env: f.env() });
    expect(d.status !== 'ok' && d.message).toMatch(/the real reason/);
  });

  it('keeps usable XML from an unknown non-zero exit, with a warning', async () => {
    const f = fake().printing(join(ownFixturesDir, 'driver-610.xml'), 6);
    const d = await detectGpus({ env: f.env() });
    expect(d).toMatchObject({ status: 'ok', driverVersion: '610.57.04' });
    expect(d.status === 'ok' && d.warnings[0]).toMatch(/exited 6/);
  });

  it('calls garbage on exit 0 unparseable', async () => {
    const f = fake().script('echo "Segmentation fault"');
    const d = await detectGpus({ env: f.env() });
    expect(d).toMatchObject({ status: 'unparseable' });
  });

  it('calls a log cut off inside a garbage driver version unparseable, with what to do', async () => {
    const f = fake().script(`echo "<nvidia_smi_log><driver_version>garbage"; echo "%%%%"`);
    const d = await detectGpus({ env: f.env() });
    expect(d).toEqual({ status: 'unparseable', message: 'nvidia-smi output (xml) stops mid-document before any GPU', hint: 'run `nvidia-smi -q -x` by hand to see what it prints' });
  });

  it('keeps the GPU beside a driver version that is not one, as unknown', async () => {
    const f = fake().script(`printf '<nvidia_smi_log><driver_version>garbage\\n%%%%</driver_version><attached_gpus>1</attached_gpus><gpu id="0"><product_name>T4</product_name></gpu></nvidia_smi_log>'`);
    const d = await detectGpus({ env: f.env() });
    expect(d).toMatchObject({ status: 'ok', truncated: false, gpus: [{ name: 'T4' }] });
    expect(d).not.toHaveProperty('driverVersion');
    expect(d.status === 'ok' && d.warnings).toEqual(['nvidia-smi\'s driver version "garbage.%%" is not a version number: treated as unknown']);
  });

  it('says so when nvidia-smi is not on PATH', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'berth-empty-path-'));
    try {
      const d = await detectGpus({ env: { ...process.env, PATH: empty } });
      expect(d).toMatchObject({ status: 'no-binary', message: expect.stringMatching(/nvidia-smi is not on PATH/) });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('says so when nvidia-smi cannot be executed', async () => {
    const f = fake().script('exit 0', { mode: 0o644 });
    const d = await detectGpus({ env: f.env() });
    expect(d).toMatchObject({ status: 'failed' });
    expect(d.status !== 'ok' && d.message).toMatch(/permission denied|could not be started/);
  });

  it('runs the command it is given', async () => {
    const f = fake().printing(join(ownFixturesDir, 'two-gpus-mig.xml'));
    const d = await detectGpus({ command: join(f.dir, 'nvidia-smi'), env: { ...process.env, PATH: '/usr/bin:/bin' } });
    expect(d.status).toBe('ok');
  });
});

// The hazard: a spawn that fails (no nvidia-smi) has no pid, and Node's child.kill() then signals pid 0, the
// caller's own process group. Run in a detached child of the test (a group of its own), so a regression kills only it.
describe.skipIf(!posix)(`detectGpus stopped where nvidia-smi is not installed${posix ? '' : ' (skipped: process groups are POSIX)'}`, () => {
  const runAlone = (body: string) => {
    const script = `import { detectGpus } from ${JSON.stringify(new URL('../src/index.ts', import.meta.url).pathname)};\n${body}`;
    return runInOwnGroup(process.execPath, ['--conditions=@berth/source', '--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, PATH: '/nonexistent' } });
  };

  it('does not take its caller down when the spawn failed and it is stopped at once', async () => {
    const r = await runAlone(`const c = new AbortController();
const pending = detectGpus({ signal: c.signal });
c.abort();
const d = await pending;
console.log('alive', d.status);`);
    expect([r.signal, r.status, r.stdout.trim()]).toEqual([null, 0, 'alive no-binary']);
  });
});

// Benchmark for @berth/gpu: parsing nvidia-smi XML as GPU count grows, and the spawn path against a fake
// nvidia-smi. Run: node --import tsx bench/gpu-parse.mjs   (loopback only, bounded loops, prints figures and ratios)
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectGpus, parseNvidiaSmiXml } from '../packages/gpu/src/index.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const sample = readFileSync(join(root, 'packages/gpu/test/fixtures/two-gpus-mig.xml'), 'utf8');
const gpuBlock = /<gpu id=[\s\S]*?<\/gpu>/.exec(sample)[0];

/** A document with n copies of one GPU block. */
function documentWith(n) {
  return `<?xml version="1.0" ?>\n<nvidia_smi_log>\n<driver_version>535.54.03</driver_version>\n<cuda_version>12.2</cuda_version>\n<attached_gpus>${n}</attached_gpus>\n${Array.from({ length: n }, () => gpuBlock).join('\n')}\n</nvidia_smi_log>\n`;
}

function timeParse(text, rounds) {
  parseNvidiaSmiXml(text); // warm up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) parseNvidiaSmiXml(text);
  return Number(process.hrtime.bigint() - t0) / 1e6 / rounds;
}

console.log('parse nvidia-smi -q -x (ms per document)');
const rows = [];
for (const n of [1, 8, 64, 512]) {
  const text = documentWith(n);
  const ms = timeParse(text, Math.max(5, Math.floor(2000 / n)));
  rows.push({ n, ms, kb: text.length / 1024 });
  console.log(`  ${String(n).padStart(4)} GPUs  ${(text.length / 1024).toFixed(0).padStart(6)} KiB  ${ms.toFixed(3).padStart(8)} ms  ${(text.length / 1024 / 1024 / (ms / 1000)).toFixed(1)} MiB/s`);
}
const first = rows[0];
const last = rows[rows.length - 1];
console.log(`  growth: ${last.n / first.n}x GPUs -> ${(last.ms / first.ms).toFixed(1)}x time (linear would be ${last.n / first.n}x)`);

const dir = mkdtempSync(join(tmpdir(), 'berth-bench-gpu-'));
try {
  const fake = join(dir, 'nvidia-smi');
  writeFileSync(join(dir, 'doc.xml'), documentWith(8));
  writeFileSync(fake, `#!/bin/sh\ncat '${join(dir, 'doc.xml')}'\n`);
  chmodSync(fake, 0o755);
  const rounds = 30;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) {
    const d = await detectGpus({ command: fake });
    if (d.status !== 'ok' || d.gpus.length !== 8) throw new Error(`unexpected detection: ${JSON.stringify(d).slice(0, 200)}`);
  }
  const spawnMs = Number(process.hrtime.bigint() - t0) / 1e6 / rounds;
  const parse8 = rows.find((r) => r.n === 8).ms;
  console.log(`detectGpus against a fake nvidia-smi (8 GPUs): ${spawnMs.toFixed(1)} ms per call, of which parsing ${parse8.toFixed(3)} ms (${((parse8 / spawnMs) * 100).toFixed(1)}%)`);
  const hang = join(dir, 'hang');
  writeFileSync(hang, '#!/bin/sh\nsleep 600 &\nwait\n');
  chmodSync(hang, 0o755);
  const t1 = process.hrtime.bigint();
  const d = await detectGpus({ command: hang, timeoutMs: 200 });
  console.log(`hung nvidia-smi with a 200 ms timeout: verdict ${d.status} after ${(Number(process.hrtime.bigint() - t1) / 1e6).toFixed(0)} ms`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);

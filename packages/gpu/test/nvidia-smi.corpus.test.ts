import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  parseNvidiaSmiOutput,
  parseNvidiaSmiQueryText,
  parseNvidiaSmiTable,
  parseNvidiaSmiXml,
  parseQueryGpuCsv,
  readComputeApps,
  readQueryCsv,
  sniffFormat,
  type Gpu,
  type GpuDetection,
  type GpuDetectionOk,
} from '../src/index.js';
import { captureSections } from './capture-sections.js';

// Every file of the shared nvidia-smi corpus must parse with sensible values.
const workspaceRoot = fileURLToPath(new URL('../../../', import.meta.url));
const dir = resolve(workspaceRoot, '../shared/fixtures/nvidia-smi');
const present = existsSync(dir);
const files = present ? readdirSync(dir).filter((f) => f !== 'SOURCES.md').sort() : [];
const read = (f: string) => readFileSync(resolve(dir, f), 'utf8');

/** The driver version in the file name (`..__535.54.03.xml`, `..__536.40-wddm.xml`), when there is one. */
function driverFromName(file: string): string | undefined {
  return /__(\d{3}\.\d+(?:\.\d+)?)(?:-[a-z]+)?\.(?:xml|q\.txt|txt|capture\.txt)$/.exec(file)?.[1];
}

/** An independent reading of "no value": what the raw text says must become absent. */
const RAW_ABSENT = /^\s*(N\/A|\[[^\]]*\]|ERR!|Requested functionality has been deprecated|)\s*$/i;

function ok(d: GpuDetection, file: string): GpuDetectionOk {
  if (d.status !== 'ok') throw new Error(`${file}: ${d.status}: ${d.message}`);
  return d;
}

function saneGpu(g: Gpu, i: number) {
  expect(g.index).toBe(i);
  expect(g.name.trim().length).toBeGreaterThan(0);
  for (const [k, v] of Object.entries(g)) {
    if (typeof v === 'number') expect(Number.isFinite(v), `${k} is finite`).toBe(true);
    expect(v, `${k} is not null`).not.toBeNull();
  }
  if (g.memoryTotalMiB !== undefined) expect(g.memoryTotalMiB).toBeGreaterThan(0);
  if (g.memoryUsedMiB !== undefined && g.memoryTotalMiB !== undefined) expect(g.memoryUsedMiB).toBeLessThanOrEqual(g.memoryTotalMiB);
  if (g.utilizationPct !== undefined) expect(g.utilizationPct).toBeGreaterThanOrEqual(0);
  if (g.utilizationPct !== undefined) expect(g.utilizationPct).toBeLessThanOrEqual(100);
  for (const p of g.processes) {
    expect(p.pid).toBeGreaterThan(0);
    if (p.name !== undefined) expect(p.name.trim()).toBe(p.name);
    if (p.name !== undefined) expect(p.name.length).toBeGreaterThan(0);
  }
}

/** Checks a parsed reading against the raw text: absent exactly when the raw value says "no value". */
function matchesRaw(parsed: number | undefined, raw: string | undefined) {
  if (raw === undefined || RAW_ABSENT.test(raw)) expect(parsed).toBeUndefined();
  else expect(parsed).toBe(parseFloat(raw));
}

describe.skipIf(!present)(`nvidia-smi corpus${present ? '' : ` (skipped: ${dir} is absent)`}`, () => {
  it('holds files to parse, each of a kind tested below', () => {
    expect(files.length).toBeGreaterThan(20);
    const kinds = [/\.xml$/, /\.q\.txt$/, /\.csv$/, /default-table/, /help-query-gpu/, /\.capture\.txt$/];
    expect(files.filter((f) => !kinds.some((k) => k.test(f)))).toEqual([]);
  });

  it.each(files.filter((f) => !/help-query-gpu|\.capture\.txt$/.test(f)))('%s is recognised by sniffing', (file) => {
    const d = parseNvidiaSmiOutput(read(file));
    expect(d.status).toBe('ok');
  });

  describe.each(files.filter((f) => f.endsWith('.xml')))('%s', (file) => {
    const text = read(file);
    const d = ok(parseNvidiaSmiXml(text), file);
    const blocks = text.split(/<gpu id=/).slice(1);
    const attached = /<attached_gpus>\s*(\d+)\s*<\/attached_gpus>/.exec(text)?.[1];

    it('parses every GPU block, and the count matches attached_gpus or is flagged truncated', () => {
      expect(d.gpus).toHaveLength(blocks.length);
      if (attached === undefined) expect(d.announcedGpus).toBeUndefined();
      else {
        expect(d.announcedGpus).toBe(Number(attached));
        expect(d.truncated).toBe(d.gpus.length < Number(attached));
      }
      d.gpus.forEach(saneGpu);
    });

    it('reads the driver version named in the file, and a CUDA version with it', () => {
      const driver = driverFromName(file);
      if (driver) {
        expect(d.driverVersion).toBe(driver);
        expect(d.cudaVersion).toMatch(/^\d+\.\d+$/);
      } else expect(d.driverVersion).toBeUndefined(); // trimmed excerpts carry no header
    });

    it('keeps unknown readings absent, known ones exact', () => {
      d.gpus.forEach((g, i) => {
        const block = blocks[i]!;
        const own = block.replace(/<mig_devices>[\s\S]*?<\/mig_devices>/, ''); // MIG devices have their own fb_memory_usage
        const raw = (tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(own)?.[1];
        expect(g.name).toBe(raw('product_name')!.trim());
        matchesRaw(g.utilizationPct, raw('gpu_util'));
        matchesRaw(g.temperatureC, raw('gpu_temp'));
        const fb = /<fb_memory_usage>([\s\S]*?)<\/fb_memory_usage>/.exec(own)?.[1];
        matchesRaw(g.memoryTotalMiB, fb && /<total>([^<]*)<\/total>/.exec(fb)?.[1]);
        const procs = /<processes>([\s\S]*?)<\/processes>/.exec(block)?.[1] ?? '';
        expect(g.processes).toHaveLength((procs.match(/<process_info>/g) ?? []).length);
        const migs = /<mig_devices>([\s\S]*?)<\/mig_devices>/.exec(block)?.[1] ?? '';
        expect(g.migDevices).toHaveLength((migs.match(/<mig_device>/g) ?? []).length);
      });
    });
  });

  describe.each(files.filter((f) => f.endsWith('.q.txt')))('%s', (file) => {
    const text = read(file);
    const d = ok(parseNvidiaSmiQueryText(text), file);
    const attached = Number(/^Attached GPUs\s+:\s*(\d+)/m.exec(text)![1]);
    const sections = (text.match(/^GPU [0-9A-Fa-f]+:[0-9A-Fa-f]+:[0-9A-Fa-f.]+\s*$/gm) ?? []).length;

    it('parses every GPU section and matches Attached GPUs, or says it is truncated', () => {
      expect(d.gpus).toHaveLength(sections);
      expect(d.announcedGpus).toBe(attached);
      expect(d.truncated).toBe(sections < attached);
      if (d.truncated) expect(d.warnings.join(' ')).toMatch(new RegExp(`announced ${attached} GPUs but printed ${sections}`));
      d.gpus.forEach(saneGpu);
      expect(d.driverVersion).toBe(driverFromName(file));
    });

    it('finds every process', () => {
      const total = d.gpus.reduce((n, g) => n + g.processes.length, 0);
      expect(total).toBe((text.match(/^\s+Process ID\s+:/gm) ?? []).length);
    });
  });

  describe.each(files.filter((f) => f.endsWith('.csv')))('%s', (file) => {
    const text = read(file);
    it('parses one GPU per row, unknowns absent, no CUDA version (the CSV has none)', () => {
      const d = ok(parseQueryGpuCsv(text), file);
      expect(d.gpus).toHaveLength(text.trim().split('\n').length - 1);
      d.gpus.forEach(saneGpu);
      expect(d.cudaVersion).toBeUndefined();
      const row = readQueryCsv(text).rows[0]!;
      if (row['fan.speed'] !== undefined) expect(RAW_ABSENT.test(row['fan.speed'])).toBe(true); // "[N/A]" in this corpus
    });
  });

  describe.each(files.filter((f) => /default-table/.test(f)))('%s', (file) => {
    it('reads the header and the GPU row', () => {
      const d = ok(parseNvidiaSmiTable(read(file)), file);
      expect(d.driverVersion).toBe(driverFromName(file));
      expect(d.cudaVersion).toMatch(/^\d+\.\d+$/);
      expect(d.gpus.length).toBeGreaterThan(0);
      d.gpus.forEach(saneGpu);
    });
  });

  describe.each(files.filter((f) => /help-query-gpu/.test(f)))('%s', (file) => {
    const text = read(file);
    it('is a field list, not GPU output, and lists every --query-gpu field berth reads', () => {
      expect(sniffFormat(text)).toBeUndefined();
      expect(parseNvidiaSmiOutput(text).status).toBe('unparseable');
      for (const field of ['index', 'name', 'uuid', 'pci.bus_id', 'driver_version', 'count', 'memory.total', 'memory.used', 'utilization.gpu', 'temperature.gpu', 'power.draw', 'mig.mode.current']) {
        expect(text, field).toContain(`"${field}"`);
      }
    });
  });

  describe.each(files.filter((f) => f.endsWith('.capture.txt')))('%s', (file) => {
    const sections = captureSections(read(file));
    const driver = driverFromName(file)!;
    const bodies = (command: RegExp) => sections.filter((s) => command.test(s.command));

    it('has the sections the collector documents', () => {
      expect(bodies(/^nvidia-smi -q$/)).toHaveLength(2);
      expect(bodies(/^nvidia-smi$/)).toHaveLength(2);
      expect(bodies(/^nvidia-smi --query-gpu=/)).toHaveLength(2);
    });

    it('parses both -q sections: every GPU, the driver, MIG devices, processes', () => {
      for (const s of bodies(/^nvidia-smi -q$/)) {
        const d = ok(parseNvidiaSmiQueryText(s.body), `${file} ${s.state}`);
        expect(d.gpus).toHaveLength(d.announcedGpus!);
        expect(d.truncated).toBe(false);
        expect(d.driverVersion).toBe(driver);
        expect(d.cudaVersion).toMatch(/^\d+\.\d+$/);
        d.gpus.forEach(saneGpu);
        expect(d.gpus.flatMap((g) => g.migDevices)).toHaveLength((s.body.match(/^\s+MIG Device\s*$/gm) ?? []).length);
        expect(d.gpus.flatMap((g) => g.processes)).toHaveLength((s.body.match(/^\s+Process ID\s+:/gm) ?? []).length);
        if (/windows/.test(file)) expect(d.driverOs).toBe('windows');
        if (/mig/.test(file)) expect(d.gpus[0]).toMatchObject({ migMode: 'enabled' });
        if (/mig/.test(file)) expect(d.gpus[0]).not.toHaveProperty('utilizationPct');
      }
    });

    it('parses both default tables with the same driver and CUDA version as -q', () => {
      const q = ok(parseNvidiaSmiQueryText(bodies(/^nvidia-smi -q$/)[0]!.body), file);
      for (const s of bodies(/^nvidia-smi$/)) {
        const d = ok(parseNvidiaSmiTable(s.body), `${file} ${s.state}`);
        expect(d.driverVersion).toBe(driver);
        expect(d.cudaVersion).toBe(q.cudaVersion);
        expect(d.gpus).toHaveLength(q.gpus.length);
        d.gpus.forEach(saneGpu);
      }
    });

    it('parses both --query-gpu CSVs (one GPU per row, count matching) and the compute apps', () => {
      for (const s of bodies(/^nvidia-smi --query-gpu=/)) {
        const d = ok(parseQueryGpuCsv(s.body), `${file} ${s.state}`);
        expect(d.gpus).toHaveLength(d.announcedGpus!);
        expect(d.driverVersion).toBe(driver);
        d.gpus.forEach(saneGpu);
      }
      for (const s of bodies(/^nvidia-smi --query-compute-apps=/)) {
        const rows = readQueryCsv(s.body).rows;
        const apps = [...readComputeApps(s.body).values()].flat();
        expect(apps).toHaveLength(rows.length);
        for (const a of apps) expect(a.pid).toBeGreaterThan(0);
      }
    });

    it('reads the 610+ renamed version fields', () => {
      const version = bodies(/^nvidia-smi --version$/)[0]!.body;
      const kmd = /^KMD version\s*:\s*(\S+)/m.exec(version)?.[1];
      if (Number(driver.split('.')[0]) >= 610) {
        expect(kmd).toBe(driver);
        expect(version).toMatch(/DRIVER version\s*:\s*Deprecated/);
      }
    });
  });
});

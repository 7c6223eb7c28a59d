import { peerLine } from '@berth/spec';
import type { GpuDetection } from './types.js';
import { parseNvidiaSmiXml } from './parse-xml.js';
import { parseNvidiaSmiQueryText } from './parse-query-text.js';
import { parseQueryGpuCsv } from './parse-query-csv.js';
import { parseNvidiaSmiTable } from './parse-table.js';

/** Which nvidia-smi output this text is: `-q -x`, `-q`, `--query-gpu --format=csv`, or the default table. */
export function sniffFormat(text: string): 'xml' | 'query-text' | 'query-csv' | 'table' | undefined {
  const head = text.trimStart();
  if (head.startsWith('<')) return 'xml';
  if (/=+\s*NVSMI LOG\s*=+/.test(text) || /^Attached GPUs\s+:/m.test(text)) return 'query-text';
  if (/NVIDIA-SMI\s+\S+/.test(text) && text.includes('|')) return 'table';
  const first = head.split(/\r?\n/, 1)[0] ?? '';
  if (/(^|,\s*)(name|uuid)(\s*,|$)/.test(first)) return 'query-csv';
  return undefined;
}

/** Parses any of nvidia-smi's outputs, choosing the parser by sniffing. */
export function parseNvidiaSmiOutput(text: string): GpuDetection {
  switch (sniffFormat(text)) {
    case 'xml':
      return parseNvidiaSmiXml(text);
    case 'query-text':
      return parseNvidiaSmiQueryText(text);
    case 'table':
      return parseNvidiaSmiTable(text);
    case 'query-csv':
      return parseQueryGpuCsv(text);
    default:
      return { status: 'unparseable', message: `nvidia-smi printed something that is not its output: ${firstLine(text)}` };
  }
}

/** What nvidia-smi said first, quoted on one line (@berth/spec's peerLine: printable, the cut marked). */
export function firstLine(text: string): string {
  const line = peerLine(text, 120, 'first');
  return line ? JSON.stringify(line) : '(nothing)';
}

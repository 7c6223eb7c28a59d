/**
 * Splits an nvidia_gpu_exporter capture file (see ../shared/fixtures/nvidia-smi/SOURCES.md) into its
 * sections: a `####` banner, `# <state> :: <name>`, `# $ <command>`, a banner, then the raw output.
 * This is the collector's file format, not nvidia-smi's, so it lives with the tests.
 */
export interface CaptureSection {
  state: string;
  name: string;
  command: string;
  body: string;
}

const BANNER = /^#{20,}\s*$/;

export function captureSections(text: string): CaptureSection[] {
  const lines = text.split(/\r?\n/);
  const sections: CaptureSection[] = [];
  let current: CaptureSection | undefined;
  let body: string[] = [];
  const close = () => {
    if (current) sections.push({ ...current, body: body.join('\n') });
    current = undefined;
    body = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const head = BANNER.test(lines[i]!) ? /^# (\w+) :: (.+)$/.exec(lines[i + 1] ?? '') : null;
    if (head) {
      close();
      const cmd = /^# \$ (.*)$/.exec(lines[i + 2] ?? '');
      current = { state: head[1]!, name: head[2]!.trim(), command: cmd ? cmd[1]!.trim() : '', body: '' };
      let j = i + 2;
      while (j < lines.length && !BANNER.test(lines[j]!)) j++;
      i = j; // the closing banner
      continue;
    }
    if (current) body.push(lines[i]!);
  }
  close();
  return sections;
}

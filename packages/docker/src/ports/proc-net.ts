import { readdir, readFile, readlink } from 'node:fs/promises';

/** One bound socket from /proc/net/{tcp,tcp6,udp,udp6}. */
export interface ProcSocket {
  protocol: 'tcp' | 'udp';
  address: string;
  port: number;
  inode: number;
}

function hexAddress(hex: string): string {
  if (hex.length === 8) return [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.');
  // IPv6: four little-endian 32-bit words.
  const words: string[] = [];
  for (let w = 0; w < 4; w++) {
    const word = hex.slice(w * 8, w * 8 + 8);
    const bytes = [3, 2, 1, 0].map((i) => word.slice(i * 2, i * 2 + 2)).join('');
    words.push(bytes.slice(0, 4), bytes.slice(4, 8));
  }
  const text = words.map((x) => parseInt(x, 16).toString(16)).join(':');
  return text === '0:0:0:0:0:0:0:0' ? '::' : text.replace(/^0:0:0:0:0:ffff:/, '::ffff:');
}

/**
 * Parses a /proc/net table. TCP keeps LISTEN sockets (state 0A); UDP keeps bound ones (state 07).
 * Pure, so it is tested on captured text.
 */
export function parseProcNet(text: string, protocol: 'tcp' | 'udp'): ProcSocket[] {
  const out: ProcSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const [addr, portHex] = f[1]!.split(':') as [string, string];
    const state = f[3];
    if (protocol === 'tcp' ? state !== '0A' : state !== '07') continue;
    out.push({ protocol, address: hexAddress(addr), port: parseInt(portHex, 16), inode: Number(f[9]) });
  }
  return out;
}

/** Bound sockets of this host's network namespace. Empty off Linux. */
export async function listeningSockets(procRoot = '/proc'): Promise<ProcSocket[]> {
  const tables: [string, 'tcp' | 'udp'][] = [['tcp', 'tcp'], ['tcp6', 'tcp'], ['udp', 'udp'], ['udp6', 'udp']];
  const all = await Promise.all(tables.map(async ([file, proto]) => parseProcNet(await readFile(`${procRoot}/net/${file}`, 'utf8').catch(() => ''), proto)));
  return all.flat();
}

/** The processes that hold the given socket inodes: inode -> { pid, command }. Processes we cannot read are skipped. */
export async function socketOwners(inodes: Set<number>, procRoot = '/proc'): Promise<Map<number, { pid: number; command: string }>> {
  const owners = new Map<number, { pid: number; command: string }>();
  if (inodes.size === 0) return owners;
  const pids = (await readdir(procRoot).catch(() => [] as string[])).filter((d) => /^\d+$/.test(d));
  await Promise.all(
    pids.map(async (pid) => {
      const fds = await readdir(`${procRoot}/${pid}/fd`).catch(() => [] as string[]);
      for (const fd of fds) {
        const link = await readlink(`${procRoot}/${pid}/fd/${fd}`).catch(() => '');
        const m = /^socket:\[(\d+)\]$/.exec(link);
        if (!m || !inodes.has(Number(m[1])) || owners.has(Number(m[1]))) continue;
        const cmdline = await readFile(`${procRoot}/${pid}/cmdline`, 'utf8').catch(() => '');
        owners.set(Number(m[1]), { pid: Number(pid), command: cmdline.split('\0').filter(Boolean).join(' ') });
      }
    }),
  );
  return owners;
}

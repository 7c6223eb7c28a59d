import { readdir, readFile, readlink } from 'node:fs/promises';
import { formatIp } from '@berth/spec';

/** A socket that holds its local port, from /proc/net/{tcp,tcp6,udp,udp6}. */
export interface ProcSocket {
  protocol: 'tcp' | 'udp';
  /** Canonical text: `127.0.0.1`, `0.0.0.0`, `::`, `::1`, `::ffff:127.0.0.1`. */
  address: string;
  port: number;
  inode: number;
}

const TCP_LISTEN = '0A';

/** /proc/net's address column: IPv4 as one little-endian word, IPv6 as four. */
function hexAddress(hex: string): string {
  const bytes: number[] = [];
  for (let w = 0; w < hex.length / 8; w++) {
    const word = hex.slice(w * 8, w * 8 + 8);
    for (const i of [3, 2, 1, 0]) bytes.push(parseInt(word.slice(i * 2, i * 2 + 2), 16));
  }
  return formatIp(bytes);
}

/**
 * Parses a /proc/net table into the sockets that hold a port against a new binding: TCP sockets in
 * LISTEN (state 0A; a connected or closing TCP socket does not keep a listener off its port), and every
 * UDP socket (bound, 07, or connected, 01: either way its local port is taken). Pure, tested on captured text.
 */
export function parseProcNet(text: string, protocol: 'tcp' | 'udp'): ProcSocket[] {
  const out: ProcSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const [addr, portHex] = f[1]!.split(':') as [string, string];
    if (protocol === 'tcp' && f[3] !== TCP_LISTEN) continue;
    const port = parseInt(portHex, 16);
    if (!port) continue;
    out.push({ protocol, address: hexAddress(addr), port, inode: Number(f[9]) });
  }
  return out;
}

/**
 * Every socket holding a port in this host's network namespace, and whether /proc could be read at
 * all (`visible` false off Linux: then nothing is known, which is not the same as nothing held).
 */
export async function boundSockets(procRoot = '/proc'): Promise<{ sockets: ProcSocket[]; visible: boolean }> {
  const tables: [string, 'tcp' | 'udp'][] = [['tcp', 'tcp'], ['tcp6', 'tcp'], ['udp', 'udp'], ['udp6', 'udp']];
  const texts = await Promise.all(tables.map(([file]) => readFile(`${procRoot}/net/${file}`, 'utf8').catch(() => undefined)));
  return {
    sockets: texts.flatMap((text, i) => (text === undefined ? [] : parseProcNet(text, tables[i]![1]))),
    visible: texts.some((t) => t !== undefined),
  };
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

import { open } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { ContextEntry } from './context-walk.js';

const BLOCK = 512;
const CHUNK = 256 * 1024;
/** The largest size a ustar header's 11 octal digits can hold; larger files get a PAX size record. */
const USTAR_MAX_SIZE = 0o77777777777;

/** An entry of the tar: a file of the context (read when packed), or content berth made (a Dockerfile, a .dockerignore). */
export type TarEntry = ContextEntry | (Omit<ContextEntry, 'ino' | 'ctimeMs'> & { content: Buffer });

/** A file that changed between the digest and the packing: the image would not be what its label says. */
export class ContextChangedError extends Error {
  constructor(readonly file: string) {
    super(`${file} changed while berth was sending the build context`);
    this.name = 'ContextChangedError';
  }
}

function octal(buf: Buffer, offset: number, width: number, value: number): void {
  buf.write(`${Math.floor(value).toString(8).padStart(width - 1, '0')}\0`, offset, width, 'ascii');
}

/** A PAX extended header's records: `"<len> key=value\n"`, where len counts the whole record, itself included. */
function paxRecords(records: Record<string, string>): Buffer {
  let out = '';
  for (const [key, value] of Object.entries(records)) {
    const body = ` ${key}=${value}\n`;
    const bytes = Buffer.byteLength(body);
    let len = bytes + String(bytes).length;
    if (String(len).length !== String(len - bytes).length) len = bytes + String(len).length;
    out += `${len}${body}`;
  }
  return Buffer.from(out, 'utf8');
}

const fits = (s: string, max: number) => Buffer.byteLength(s) <= max && /^[\x20-\x7e]*$/.test(s);

const TYPES: Record<ContextEntry['kind'], string> = { file: '0', symlink: '2', char: '3', block: '4', dir: '5', fifo: '6' };

function header(name: string, type: string, size: number, mode: number, mtimeMs: number, link = '', device?: ContextEntry['device']): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, 'utf8');
  octal(h, 100, 8, mode);
  octal(h, 108, 8, 0); // uid: the engine gets the files as root, as the docker CLI sends them
  octal(h, 116, 8, 0); // gid
  octal(h, 124, 12, size);
  octal(h, 136, 12, mtimeMs / 1000);
  h.fill(0x20, 148, 156); // the checksum counts its own field as spaces
  h.write(type, 156, 1, 'ascii');
  h.write(link, 157, 100, 'utf8');
  h.write('ustar\u000000', 257, 8, 'ascii');
  if (device) {
    octal(h, 329, 8, device.major);
    octal(h, 337, 8, device.minor);
  }
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return h;
}

const padding = (size: number) => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);

/** The header blocks of one entry: a PAX header first when the name or link is long or not ASCII, or the file is huge. */
export function entryHeaders(entry: { path: string; kind: ContextEntry['kind']; mode: number; size: number; mtimeMs: number; link?: string; device?: ContextEntry['device'] }): Buffer[] {
  const name = entry.kind === 'dir' ? `${entry.path}/` : entry.path;
  const link = entry.link ?? '';
  const size = entry.kind === 'file' ? entry.size : 0;
  const pax: Record<string, string> = {};
  if (!fits(name, 100)) pax['path'] = name;
  if (!fits(link, 100)) pax['linkpath'] = link;
  if (size > USTAR_MAX_SIZE) pax['size'] = String(size);
  const main = header(pax['path'] ? name.replace(/[^\x20-\x7e]/g, '_').slice(0, 99) : name, TYPES[entry.kind], size > USTAR_MAX_SIZE ? 0 : size, entry.mode, entry.mtimeMs, pax['linkpath'] ? '' : link, entry.device);
  if (!Object.keys(pax).length) return [main];
  const records = paxRecords(pax);
  return [header(`PaxHeaders.0/${path.posix.basename(name).replace(/[^\x20-\x7e]/g, '_').slice(0, 80)}`, 'x', records.length, 0o644, entry.mtimeMs), records, padding(records.length), main];
}

async function* fileContent(root: string, entry: ContextEntry, signal: AbortSignal | undefined): AsyncGenerator<Buffer> {
  const file = await open(path.join(root, entry.path), 'r').catch(() => {
    throw new ContextChangedError(entry.path);
  });
  try {
    const st = await file.stat();
    if (st.size !== entry.size || st.mtimeMs !== entry.mtimeMs) throw new ContextChangedError(entry.path);
    let left = entry.size;
    while (left > 0) {
      signal?.throwIfAborted();
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, left));
      const { bytesRead } = await file.read(buf, 0, buf.length, null);
      if (bytesRead === 0) throw new ContextChangedError(entry.path);
      left -= bytesRead;
      yield bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
    }
  } finally {
    await file.close();
  }
}

async function* tarBlocks(root: string, entries: Iterable<TarEntry>, signal: AbortSignal | undefined): AsyncGenerator<Buffer> {
  for (const entry of entries) {
    signal?.throwIfAborted();
    const made = 'content' in entry ? entry.content : undefined;
    const size = made ? made.length : entry.size;
    yield Buffer.concat(entryHeaders({ ...entry, size }));
    if (entry.kind !== 'file') continue;
    if (made) yield made;
    else yield* fileContent(root, entry as ContextEntry, signal);
    const pad = padding(size);
    if (pad.length) yield pad;
  }
  yield Buffer.alloc(BLOCK * 2);
}

/**
 * The build context as a tar stream, made while it is read: files are read in 256 KiB pieces as the
 * engine takes them, so a large context is never held in memory. Each file must still be what the walk
 * saw (size and mtime), or the stream fails with ContextChangedError rather than send an image whose
 * label would lie about its inputs.
 */
export function packContext(root: string, entries: Iterable<TarEntry>, signal?: AbortSignal): Readable {
  return Readable.from(tarBlocks(root, entries, signal), { objectMode: false, highWaterMark: CHUNK });
}

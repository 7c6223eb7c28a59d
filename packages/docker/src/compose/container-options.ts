import { parseSize } from '@berth/spec';
import { composeFlag, scalarText, type ComposeMap } from './model.js';

/** Compose's true/false service fields that are container options, and the spec's names for them. */
const FLAGS: Record<string, string> = { init: 'init', tty: 'tty', stdin_open: 'stdinOpen', read_only: 'readOnly', privileged: 'privileged' };
/** The other container options: Compose's name and the spec's. */
const OTHERS: Record<string, string> = { hostname: 'hostname', cap_add: 'capAdd', cap_drop: 'capDrop', shm_size: 'shmSize', tmpfs: 'tmpfs' };

export const CONTAINER_FLAGS = Object.keys(FLAGS);


/**
 * One of Compose's container options (hostname, init, tty, stdin_open, read_only, privileged, cap_add, cap_drop,
 * shm_size, tmpfs) as the spec's field: flags and the size from VALUE (resolved), text as WRITTEN (references kept).
 * Not ok, with the reason, where the spec could not hold it (the import keeps it under x-compose).
 */
export function convertContainerOption(key: string, value: unknown, written: unknown): { ok: true; field: string; value: unknown } | { ok: false; why: string } {
  if (key in FLAGS) {
    const b = composeFlag(value);
    return b === undefined ? { ok: false, why: 'is not true or false' } : { ok: true, field: FLAGS[key]!, value: b };
  }
  const field = OTHERS[key]!;
  if (key === 'shm_size') {
    const text = typeof value === 'number' ? value : scalarText(value);
    return text !== undefined && parseSize(text) !== undefined ? { ok: true, field, value: typeof text === 'number' ? text : text.trim() } : { ok: false, why: 'is not a size' };
  }
  if (key === 'hostname') {
    const text = scalarText(written);
    return text ? { ok: true, field, value: text } : { ok: false, why: 'is not a host name' };
  }
  // cap_add, cap_drop (lists) and tmpfs (a path or a list): text as written
  const list = (Array.isArray(written) ? written : [written]).map(scalarText);
  if (list.length === 0 || list.some((x) => !x)) return { ok: false, why: 'is not a list of text' };
  return { ok: true, field, value: key === 'tmpfs' && !Array.isArray(written) ? list[0] : list };
}

/** The spec's container options as Compose fields, for export; what the import kept as written (TAKE) wins. */
export function exportContainerOptions(svc: Record<string, unknown>, take: (key: string) => unknown): ComposeMap {
  const out: ComposeMap = {};
  for (const [compose, spec] of Object.entries({ ...FLAGS, ...OTHERS })) {
    const value = take(compose) ?? svc[spec];
    if (value !== undefined) out[compose] = value;
  }
  return out;
}

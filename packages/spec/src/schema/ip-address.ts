const V4_PART = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const V4 = new RegExp(`^${V4_PART}(?:\\.${V4_PART}){3}$`);
const HEX_WORD = /^[0-9a-f]{1,4}$/i;

/** The bytes of a dotted IPv4 address; undefined otherwise (a leading zero too: Go's parser, so Docker's, refuses it). */
function v4Bytes(text: string): number[] | undefined {
  return V4.test(text) ? text.split('.').map(Number) : undefined;
}

/** The 16-bit words of one side of an IPv6 `::`; where `tail`, its last part may be an IPv4 address (two words). */
function v6Words(text: string, tail: boolean): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const words: number[] = [];
  for (const [i, part] of parts.entries()) {
    const v4 = tail && i === parts.length - 1 ? v4Bytes(part) : undefined;
    if (v4) words.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    else if (HEX_WORD.test(part)) words.push(parseInt(part, 16));
    else return undefined;
  }
  return words;
}

/**
 * The 4 or 16 bytes of an IP address written as Docker reads a port's host address (Go's net.ParseIP): dotted
 * IPv4, or IPv6 in any spelling (one `::` at most, an IPv4 tail, `::ffff:7f00:1` as well as `::ffff:127.0.0.1`).
 * No brackets, no zone. Undefined when TEXT is no such address. Pure, and light enough for the schema.
 */
export function ipBytes(text: string): number[] | undefined {
  const v4 = v4Bytes(text);
  if (v4) return v4;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = v6Words(halves[0]!, halves.length === 1);
  const tail = halves.length === 2 ? v6Words(halves[1]!, true) : [];
  if (!head || !tail) return undefined;
  const gap = 8 - head.length - tail.length;
  // without `::` the words are all there; `::` stands for one zero word or more
  if (halves.length === 1 ? gap !== 0 : gap < 1) return undefined;
  return [...head, ...Array<number>(gap).fill(0), ...tail].flatMap((w) => [w >> 8, w & 0xff]);
}

/** IPv4 `a.b.c.d`; IPv6 compressed (RFC 5952), an IPv4-mapped address as `::ffff:a.b.c.d`. */
export function formatIp(bytes: readonly number[]): string {
  if (bytes.length === 4) return bytes.join('.');
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return `::ffff:${bytes.slice(12).join('.')}`;
  const words = Array.from({ length: 8 }, (_, i) => (bytes[i * 2]! << 8) | bytes[i * 2 + 1]!);
  // The longest run (of two or more) of zero words becomes "::".
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > best.len && j - i >= 2) best = { at: i, len: j - i };
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (best.at < 0) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`;
}

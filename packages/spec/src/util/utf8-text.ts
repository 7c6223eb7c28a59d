import { isUtf8 } from 'node:buffer';

/**
 * A file's bytes as text, or where they stop being UTF-8. Node's own decoding turns a bad byte into U+FFFD without a
 * word: a spec or registry that is read, edited and written back would come out changed in places nobody touched
 * (comments included). berth reads its files through this instead, and says where the first bad byte is. A BOM is
 * kept, as Node's decoding keeps it (the YAML reader handles it).
 */
export function utf8Text(bytes: Buffer): { text: string } | { line: number; col: number } {
  const lossy = bytes.toString('utf8');
  if (isUtf8(bytes)) return { text: lossy };
  const at = lossy.indexOf('\uFFFD');
  const before = lossy.slice(0, Math.max(at, 0));
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, col: before.length - lineStart + 1 };
}

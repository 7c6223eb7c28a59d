import { alreadyExists, BerthError, writeFileAtomic as writeAtomically } from '@berth/spec';

/**
 * @berth/spec's atomic write, with the errors the CLI prints: an existing file is refused unless `force`
 * (also one created meanwhile), and a failed write names the file.
 */
export function writeFileAtomic(path: string, text: string, options: { force?: boolean; display?: string } = {}): void {
  const shown = options.display ?? path;
  try {
    writeAtomically(path, text, { mkdir: true, overwrite: !!options.force });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw alreadyExists(shown);
    }
    throw new BerthError('ERR_BERTH_WRITE', `cannot write ${shown}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
}

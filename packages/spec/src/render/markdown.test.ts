import { describe, expect, it } from 'vitest';
import { cell, linkTitle, printable, shellCommand, titleWord } from './markdown.js';

describe('markdown helpers', () => {
  it('escapes pipes and shows empty cells as a dash', () => {
    expect(cell('a|b')).toBe('a\\|b');
    expect(cell('')).toBe('—');
    expect(cell(undefined)).toBe('—');
  });
  it('escapes control characters (ESC, BEL, NUL, C1), keeping tabs and newlines: a page goes to terminals', () => {
    expect(printable('a\u001b[31mb\u0007c\u0000d\u009be\tf\ng')).toBe('a\\u001b[31mb\\u0007c\\u0000d\\u009be\tf\ng');
    expect(cell('Evil\u001b]0;pwned\u0007')).toBe('Evil\\u001b]0;pwned\\u0007');
  });
  it('titles links by their last path segment', () => {
    expect(linkTitle('https://x.org/docs/GLOBAL.md#how')).toBe('GLOBAL.md');
    expect(linkTitle('ARCHITECTURE.md')).toBe('ARCHITECTURE.md');
  });
  it('quotes shell arguments only when needed, and safely', () => {
    expect(shellCommand(['python', '-c', 'import torch; print(torch.cuda.is_available())'])).toBe('python -c "import torch; print(torch.cuda.is_available())"');
    expect(shellCommand(['echo', 'it\'s $HOME'])).toBe("echo 'it'\\''s $HOME'");
  });
  it('reads short port names as acronyms', () => {
    expect(titleWord('api')).toBe('API');
    expect(titleWord('admin')).toBe('Admin');
  });
});

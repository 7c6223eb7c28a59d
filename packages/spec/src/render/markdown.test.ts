import { describe, expect, it } from 'vitest';
import { cell, linkTitle, shellCommand, titleWord } from './markdown.js';

describe('markdown helpers', () => {
  it('escapes pipes and shows empty cells as a dash', () => {
    expect(cell('a|b')).toBe('a\\|b');
    expect(cell('')).toBe('—');
    expect(cell(undefined)).toBe('—');
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

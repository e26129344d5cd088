import { describe, expect, it } from 'vitest';
import { quoteIdent } from '../../../../shared/store/port.ts';

describe('quoteIdent', () => {
  it('wraps a name in backquotes', () => {
    expect(quoteIdent('news_store')).toBe('`news_store`');
  });
  it('escapes backquotes and backslashes inside the name, each one', () => {
    expect(quoteIdent('a`b`c')).toBe('`a\\`b\\`c`');
    expect(quoteIdent('a\\b\\c')).toBe('`a\\\\b\\\\c`');
    // The backslash is escaped first, so the one added before a backquote is not doubled.
    expect(quoteIdent('x\\`')).toBe('`x\\\\\\``');
  });
});

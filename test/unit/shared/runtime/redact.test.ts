import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../../shared/runtime/logger.ts';
import { redactDeep, redactText, redactUrl } from '../../../../shared/runtime/redact.ts';

describe('redactUrl', () => {
  it('masks a URL password and keeps the user, host, port and path', () => {
    expect(redactUrl('http://default:s3cr%40t@ch.internal:8123/oilwire')).toBe('http://default:***@ch.internal:8123/oilwire');
    expect(redactUrl('https://oilwire:pa:ss@[::1]:8443/')).toBe('https://oilwire:***@[::1]:8443/');
  });

  it('masks a lone user name (a token as userinfo)', () => {
    expect(redactUrl('https://ghp_abcdef0123456789@feeds.example.com/rss')).toBe('https://***@feeds.example.com/rss');
  });

  it('masks key-like query parameters, every occurrence, and keeps the others', () => {
    const out = redactUrl('https://api.example.com/v1/news?apikey=AAA&category=energy&api_key=BBB&access_token=CCC&X-Amz-Signature=DDD&token=EEE&token=FFF&code=GGG&page=2');
    expect(out).not.toMatch(/AAA|BBB|CCC|DDD|EEE|FFF|GGG/);
    expect(out).toContain('category=energy');
    expect(out).toContain('page=2');
    expect(out).toContain('apikey=***');
  });

  it('leaves URLs without secrets, and what is not a URL, exactly as they were', () => {
    for (const s of ['https://feeds.example.com/rss?format=xml', 'file:///var/feeds/a.xml', './feeds/a.xml', 'not a url', '']) expect(redactUrl(s)).toBe(s);
  });
});

describe('redactText', () => {
  it('masks every URL inside a message and keeps the punctuation around it', () => {
    const msg = 'cannot fetch https://u:hunter2@a.example/rss?key=k1: fetch failed; retried http://b.example/?token=t2.';
    const out = redactText(msg);
    expect(out).toBe('cannot fetch https://u:***@a.example/rss?key=***: fetch failed; retried http://b.example/?token=***.');
  });
});

describe('redactDeep', () => {
  it('masks strings at any depth and returns the same object when nothing changed', () => {
    const clean = { a: { b: ['https://x.example/'] } };
    expect(redactDeep(clean)).toBe(clean);
    const dirty = { store: { url: 'http://default:pw@localhost:8123' }, list: ['https://x/?apikey=1'] };
    expect(redactDeep(dirty)).toEqual({ store: { url: 'http://default:***@localhost:8123/' }, list: ['https://x/?apikey=***'] });
    expect(dirty.store.url).toBe('http://default:pw@localhost:8123');
  });
});

describe('logger', () => {
  const capture = () => {
    const sink = new PassThrough();
    const lines: string[] = [];
    sink.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
    return { logger: createLogger({ level: 'info', destination: sink }), lines };
  };

  it('never writes a password, key or token that rides in a URL: message, fields, child bindings or errors', async () => {
    const { logger, lines } = capture();
    logger.info({ store: { url: 'http://default:CHPASSWORD@ch:8123/db' } }, 'store at http://default:CHPASSWORD@ch:8123/db');
    logger.child({ feed: 'https://feeds.example.com/rss?apikey=FEEDKEY' }).warn('feed failed');
    logger.error({ err: new Error('GET https://u:ERRPASS@api.example.com/?access_token=ERRTOKEN failed') }, 'boom');
    logger.info({ token: 'TOKENFIELD', password: 'PWFIELD' }, 'named secrets');
    logger.info('plain %s', 'https://x.example/?sig=SIGVALUE');
    // `err` as a message string (the feed poller logs `err: error.message`), and as something else.
    logger.warn({ err: 'cannot fetch https://a.example/rss?apikey=STRINGERR: fetch failed' }, 'feed poll failed');
    logger.warn({ err: { code: 'E', url: 'https://u:OBJERR@a.example/' } }, 'odd err');
    logger.warn({ err: 42 }, 'number err');
    await new Promise((r) => setImmediate(r));
    const text = lines.join('\n');
    expect(lines.length).toBe(8);
    for (const secret of ['CHPASSWORD', 'FEEDKEY', 'ERRPASS', 'ERRTOKEN', 'TOKENFIELD', 'PWFIELD', 'SIGVALUE', 'STRINGERR', 'OBJERR']) expect(text).not.toContain(secret);
    expect(text).toContain('"err":"cannot fetch https://a.example/rss?apikey=***: fetch failed"');
    expect(text).toContain('"err":42');
    expect(text).toContain('http://default:***@ch:8123/db');
    expect(text).toContain('boom');
  });
});

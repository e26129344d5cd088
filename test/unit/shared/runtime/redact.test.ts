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

describe('redactUrl: which parts are secrets', () => {
  it('masks every credential-like parameter name, in any case, and the exact names code and sid only', () => {
    for (const name of ['apikey', 'API_KEY', 'token', 'refresh_token', 'secret', 'client_secret', 'pass', 'password', 'pwd', 'auth', 'oauth', 'sig', 'X-Amz-Signature', 'session', 'sessionid', 'credential', 'X-Amz-Credential', 'jwt', 'bearer', 'code', 'CODE', 'sid', 'SID']) {
      expect(redactUrl(`https://x.test/a?${name}=S3CRET&page=2`), name).toBe(`https://x.test/a?${name}=***&page=2`);
    }
    for (const name of ['zipcode', 'codes', 'side', 'sids', 'page', 'q', 'category']) {
      expect(redactUrl(`https://x.test/a?${name}=v`), name).toBe(`https://x.test/a?${name}=v`);
    }
  });

  it('masks the password and keeps the user; masks a user only when there is no password', () => {
    expect(redactUrl('https://user:pw@x.test/')).toBe('https://user:***@x.test/');
    expect(redactUrl('https://tok@x.test/')).toBe('https://***@x.test/');
    expect(redactUrl('https://:pw@x.test/')).toBe('https://:***@x.test/');
    expect(redactUrl('https://user:pw@x.test/?token=t')).toBe('https://user:***@x.test/?token=***');
  });

  it('gives a URL with nothing to mask back as written, not as the parser would write it', () => {
    for (const s of ['HTTPS://X.test?page=1', 'https://x.test/a b?q=1', 'https://x.test:443/?q=%7e']) expect(redactUrl(s)).toBe(s);
  });
});

describe('redactText: URLs inside text', () => {
  it('returns text without a scheme separator as it is', () => {
    expect(redactText('password=hunter2 token=abc')).toBe('password=hunter2 token=abc');
  });

  it('ends a URL at white space, quotes, angle brackets and backticks', () => {
    expect(redactText('a "https://x.test/?key=k" b')).toBe('a "https://x.test/?key=***" b');
    expect(redactText("a 'https://x.test/?key=k' b")).toBe("a 'https://x.test/?key=***' b");
    expect(redactText('<https://x.test/?key=k>')).toBe('<https://x.test/?key=***>');
    expect(redactText('`https://x.test/?key=k`')).toBe('`https://x.test/?key=***`');
    expect(redactText('https://x.test/?key=k\thttps://y.test/?token=t\nz')).toBe('https://x.test/?key=***\thttps://y.test/?token=***\nz');
  });

  it('keeps every kind of sentence punctuation after a URL outside it', () => {
    for (const tail of ['.', ',', ':', ';', '!', '?', ')', ']', ').', '?!']) {
      expect(redactText(`see https://x.test/?key=k${tail}`), tail).toBe(`see https://x.test/?key=***${tail}`);
    }
    expect(redactText('(https://u:p@x.test/)')).toBe('(https://u:***@x.test/)');
  });

  it('reads any scheme, in any case, with digits, plus, dot and dash', () => {
    expect(redactText('x CLICKHOUSE://u:p@h:9000/db y')).toBe('x clickhouse://u:***@h:9000/db y');
    expect(redactText('x git+ssh://u:p@h/r y')).toBe('x git+ssh://u:***@h/r y');
    expect(redactText('x s3.v-2://u:p@h/r y')).toBe('x s3.v-2://u:***@h/r y');
  });

  it('finds a URL glued to the word before it', () => {
    expect(redactText('feed_https://u:pw@h.test/?token=T')).toBe('feed_https://u:***@h.test/?token=***');
    expect(redactText('9http://u:pw@h.test/')).toBe('9http://u:***@h.test/');
    expect(redactText('id1https://u:pw@h.test/')).toBe('id1https://u:***@h.test/');
  });

  it('answers a repeated text the same way, long or short, after many distinct ones', () => {
    const long = `https://u:p@x.test/${'a'.repeat(3000)}`;
    expect(redactText(long)).toBe(`https://u:***@x.test/${'a'.repeat(3000)}`);
    expect(redactText(long)).toBe(`https://u:***@x.test/${'a'.repeat(3000)}`);
    for (let i = 0; i < 600; i++) expect(redactText(`https://u:p${i}@x${i}.test/`)).toBe(`https://u:***@x${i}.test/`);
    expect(redactText('https://u:p0@x0.test/')).toBe('https://u:***@x0.test/');
  });
});

describe('redactDeep: what it walks into', () => {
  const dirty = 'https://u:p@x.test/';
  const clean = 'https://u:***@x.test/';

  it('walks four levels by default and the given number otherwise', () => {
    const nest = (levels: number, leaf: string = dirty): unknown => (levels === 0 ? leaf : { a: nest(levels - 1, leaf) });
    expect(redactDeep(nest(4))).toEqual(nest(4, clean));
    expect(redactDeep(nest(5))).toEqual(nest(5));
    expect(redactDeep(nest(1), 1)).toEqual({ a: clean });
    expect(redactDeep(nest(2), 1)).toEqual(nest(2));
    expect(redactDeep(nest(1), 0)).toEqual({ a: dirty });
    expect(redactDeep(dirty, 0)).toBe(clean);
    expect(redactDeep([[dirty]], 2)).toEqual([[clean]]);
    expect(redactDeep([[[dirty]]], 2)).toEqual([[[dirty]]]);
  });

  it('copies only what changed, leaving the input as it was', () => {
    const arr = ['a', dirty, 'b'];
    const out = redactDeep(arr);
    expect(out).toEqual(['a', clean, 'b']);
    expect(arr[1]).toBe(dirty);
    const same = ['a', 'b'];
    expect(redactDeep(same)).toBe(same);
    const obj = { keep: { x: 1 }, url: dirty };
    const r = redactDeep(obj);
    expect(r).toEqual({ keep: { x: 1 }, url: clean });
    expect(r.keep).toBe(obj.keep);
    expect(obj.url).toBe(dirty);
  });

  it('walks plain and prototype-free objects only, and leaves errors, class instances and other values alone', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare.url = dirty;
    expect(redactDeep(bare)).toEqual({ url: clean });
    const err = new Error(dirty);
    expect(redactDeep(err)).toBe(err);
    expect(err.message).toBe(dirty);
    class Holder {
      url = dirty;
    }
    const h = new Holder();
    expect(redactDeep(h)).toBe(h);
    expect(h.url).toBe(dirty);
    const m = new Map([['u', dirty]]);
    expect(redactDeep(m)).toBe(m);
    for (const v of [null, undefined, 42, true]) expect(redactDeep(v)).toBe(v);
    expect(redactDeep({ n: null, list: [1, dirty] })).toEqual({ n: null, list: [1, clean] });
  });
});

describe('redactUrl: session ids by the names servers give them', () => {
  it("masks PHP's PHPSESSID and any other sessid, and still no name that only ends in sid", () => {
    for (const name of ['PHPSESSID', 'phpsessid', 'sessid', 'JSESSIONID', 'ASPSESSIONID']) {
      expect(redactUrl(`https://x.test/rss?${name}=S3CRET&page=2`), name).toBe(`https://x.test/rss?${name}=***&page=2`);
    }
    for (const name of ['ssid', 'xsid']) expect(redactUrl(`https://x.test/rss?${name}=v`), name).toBe(`https://x.test/rss?${name}=v`);
  });
});

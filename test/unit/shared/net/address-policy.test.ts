import { beforeEach, describe, expect, it } from 'vitest';
import { AddressPolicy, AddressRefusedError, lookupThroughPolicy } from '../../../../shared/net/address-policy.ts';

describe('AddressPolicy', () => {
  // Built in each test rather than once while the file is collected, so every test runs the constructor it checks.
  let policy: AddressPolicy;
  beforeEach(() => {
    policy = new AddressPolicy();
  });

  it('refuses loopback, private, link-local and other non-public addresses', () => {
    for (const ip of ['127.0.0.1', '127.8.9.10', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '64:ff9b::10.0.0.1']) {
      expect(policy.check(ip).ok, ip).toBe(false);
    }
  });

  it('explains the refusal and how to allow it', () => {
    const v = policy.check('169.254.169.254');
    expect(v.ok).toBe(false);
    expect(!v.ok && v.reason).toMatch(/link-local.*allowPrivate/);
  });

  it('accepts public addresses', () => {
    for (const ip of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) expect(policy.check(ip).ok, ip).toBe(true);
  });

  it('accepts allowlisted addresses and ranges only', () => {
    const p = new AddressPolicy(['127.0.0.1', '10.20.0.0/16', 'fd00::/8']);
    expect(p.check('127.0.0.1').ok).toBe(true);
    expect(p.check('::ffff:127.0.0.1').ok).toBe(true);
    expect(p.check('127.0.0.2').ok).toBe(false);
    expect(p.check('10.20.3.4').ok).toBe(true);
    expect(p.check('10.21.3.4').ok).toBe(false);
    expect(p.check('fd00::5').ok).toBe(true);
    expect(p.check('[::1]').ok).toBe(false);
  });

  it('rejects a malformed allowlist entry', () => {
    expect(() => new AddressPolicy(['localhost'])).toThrow(/not an IP/);
    expect(() => new AddressPolicy(['10.0.0.0/40'])).toThrow(/prefix/);
  });
});

describe('AddressPolicy on IPv6 forms that carry an IPv4 address', () => {
  // Built in each test rather than once while the file is collected, so every test runs the constructor it checks.
  let policy: AddressPolicy;
  beforeEach(() => {
    policy = new AddressPolicy();
  });
  const refused: [string, RegExp][] = [
    ['::ffff:127.0.0.1', /loopback/],
    ['0:0:0:0:0:ffff:7f00:0001', /loopback/],
    ['::127.0.0.1', /IPv4-compatible.*loopback/],
    ['::7f00:1', /IPv4-compatible.*loopback/],
    ['::a9fe:a9fe', /IPv4-compatible.*link-local/],
    ['::ffff:0:7f00:1', /IPv4-translated.*loopback/],
    ['::ffff:0:10.1.2.3', /IPv4-translated.*private/],
    ['64:ff9b::7f00:1', /NAT64.*loopback/],
    ['64:ff9b::a9fe:a9fe', /NAT64.*link-local/],
    ['64:ff9b::c0a8:101', /NAT64.*private/],
    ['64:ff9b::6440:1', /NAT64.*CGNAT/],
    ['64:ff9b:1::a00:1', /local-use NAT64/],
    ['64:ff9b:1:7f00:1::', /local-use NAT64/],
    ['2002:7f00:1::', /6to4.*loopback/],
    ['2002:a9fe:a9fe::1', /6to4.*link-local/],
    ['2002:c0a8:101::1', /6to4.*private/],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', /Teredo/],
    ['fe80::1%eth0', /scoped/],
    ['[fe80::1]', /link-local/],
    ['::', /unspecified/],
    ['::1', /^::1 is loopback/],
    ['ff02::1', /multicast/],
    ['100.64.0.1', /CGNAT/],
    ['224.0.0.251', /multicast/],
    ['0.1.2.3', /unspecified/],
  ];
  for (const [ip, why] of refused) {
    it(`refuses ${ip}`, () => {
      const v = policy.check(ip);
      expect(v.ok).toBe(false);
      expect(!v.ok && v.reason).toMatch(why);
    });
  }

  it('accepts the same forms of public IPv4 addresses', () => {
    for (const ip of ['64:ff9b::808:808', '2002:808:808::1', '::ffff:1.1.1.1', '::ffff:0:8.8.4.4']) expect(policy.check(ip).ok, ip).toBe(true);
  });

  it('lets an allowed IPv4 address through in its IPv6 forms too, and nothing next to it', () => {
    const p = new AddressPolicy(['127.0.0.1'], 'feeds.allowPrivate');
    for (const ip of ['127.0.0.1', '::ffff:7f00:1', '64:ff9b::7f00:1', '2002:7f00:1::']) expect(p.check(ip).ok, ip).toBe(true);
    const v = p.check('::ffff:7f00:2');
    expect(!v.ok && v.reason).toMatch(/feeds\.allowPrivate/);
  });

  it('refuses what is not an IP address', () => {
    for (const s of ['localhost', '127.1', '0x7f000001', '', '1.2.3.4.5']) expect(policy.check(s).ok, s).toBe(false);
  });
});

describe('AddressPolicy: each refused range, its edges and its reason', () => {
  // Built in each test rather than once while the file is collected, so every test runs the constructor it checks.
  let policy: AddressPolicy;
  beforeEach(() => {
    policy = new AddressPolicy();
  });
  const reason = (ip: string) => {
    const v = policy.check(ip);
    return v.ok ? 'ok' : v.reason;
  };
  const says = (ip: string, why: string) => `${ip} is ${why}; add it to the allowPrivate list to allow it`;

  it('refuses every IPv4 range from its first to its last address, and not the addresses around it', () => {
    const ranges: [string, string, string, string[]][] = [
      ['0.0.0.0', '0.255.255.255', 'unspecified ("this network")', ['1.0.0.0']],
      ['10.0.0.0', '10.255.255.255', 'private', ['9.255.255.255', '11.0.0.0']],
      ['100.64.0.0', '100.127.255.255', 'shared address space (CGNAT)', ['100.63.255.255', '100.128.0.0']],
      ['127.0.0.0', '127.255.255.255', 'loopback', ['126.255.255.255', '128.0.0.0']],
      ['169.254.0.0', '169.254.255.255', 'link-local', ['169.253.255.255', '169.255.0.0']],
      ['172.16.0.0', '172.31.255.255', 'private', ['172.15.255.255', '172.32.0.0']],
      ['192.0.0.0', '192.0.0.255', 'IETF protocol assignments', ['191.255.255.255', '192.0.1.0']],
      ['192.0.2.0', '192.0.2.255', 'documentation', ['192.0.1.255', '192.0.3.0']],
      ['192.88.99.0', '192.88.99.255', 'relay anycast', ['192.88.98.255', '192.88.100.0']],
      ['192.168.0.0', '192.168.255.255', 'private', ['192.167.255.255', '192.169.0.0']],
      ['198.18.0.0', '198.19.255.255', 'benchmarking', ['198.17.255.255', '198.20.0.0']],
      ['198.51.100.0', '198.51.100.255', 'documentation', ['198.51.99.255', '198.51.101.0']],
      ['203.0.113.0', '203.0.113.255', 'documentation', ['203.0.112.255', '203.0.114.0']],
      ['224.0.0.0', '239.255.255.255', 'multicast', ['223.255.255.255']],
      ['240.0.0.0', '255.255.255.255', 'reserved (and broadcast)', []],
    ];
    for (const [first, last, why, outside] of ranges) {
      expect(reason(first), first).toBe(says(first, why));
      expect(reason(last), last).toBe(says(last, why));
      for (const ip of outside) expect(reason(ip), ip).toBe('ok');
    }
  });

  it('refuses every IPv6 range at its edges, and not the addresses around it', () => {
    const ranges: [string, string, string, string[]][] = [
      ['::', '::', 'unspecified', []],
      ['::1', '::1', 'loopback', []],
      ['fc00::', 'fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'unique-local (private)', ['fbff:ffff::1', 'fe00::1']],
      ['fe80::', 'febf:ffff::1', 'link-local', ['fe7f:ffff::1']],
      ['fec0::', 'feff:ffff::1', 'site-local', []],
      ['ff00::', 'ffff:ffff::1', 'multicast', []],
      ['2001:db8::', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', 'documentation', ['2001:db7:ffff::1', '2001:db9::1']],
      ['3fff::', '3fff:fff:ffff::1', 'documentation', ['3ffe:ffff::1', '3fff:1000::1']],
      ['100::', '100::ffff:ffff:ffff:ffff', 'discard-only', ['100:0:0:1::', 'ff:ffff::1']],
      ['64:ff9b:1::', '64:ff9b:1:ffff:ffff:ffff:ffff:ffff', 'local-use NAT64 (reaches an IPv4 network behind a translator)', ['64:ff9b:2::1', '64:ff9b:0:1::1']],
      ['2001::', '2001:0:ffff:ffff:ffff:ffff:ffff:ffff', 'Teredo (carries an obfuscated IPv4 address)', ['2001:1::1']],
      ['5f00::', '5f00:ffff::1', 'SRv6 segment identifiers', ['5eff:ffff::1', '5f01::1']],
    ];
    for (const [first, last, why, outside] of ranges) {
      expect(reason(first), first).toBe(says(first, why));
      expect(reason(last), last).toBe(says(last, why));
      for (const ip of outside) expect(reason(ip), ip).toBe('ok');
    }
  });

  it('names the IPv4 range carried inside each IPv6 form, and lays it at the right bits', () => {
    // Node's BlockList itself reads an IPv4-mapped address as the IPv4 address: the IPv4 range answers first.
    expect(reason('::ffff:7f00:1')).toBe(says('::ffff:7f00:1', 'loopback'));
    expect(reason('::ffff:7fff:ffff')).toBe(says('::ffff:7fff:ffff', 'loopback'));
    expect(reason('::ffff:8000:0')).toBe('ok');
    expect(reason('::2')).toBe(says('::2', 'IPv4-compatible form of 0.0.0.0/8, unspecified ("this network")'));
    expect(reason('::ac1f:ffff')).toBe(says('::ac1f:ffff', 'IPv4-compatible form of 172.16.0.0/12, private'));
    expect(reason('::ac20:0')).toBe('ok');
    expect(reason('::ffff:0:c0a8:ffff')).toBe(says('::ffff:0:c0a8:ffff', 'IPv4-translated form of 192.168.0.0/16, private'));
    expect(reason('::ffff:0:c0a9:0')).toBe('ok');
    expect(reason('64:ff9b::a00:0')).toBe(says('64:ff9b::a00:0', 'NAT64 form of 10.0.0.0/8, private'));
    expect(reason('64:ff9b::aff:ffff')).toBe(says('64:ff9b::aff:ffff', 'NAT64 form of 10.0.0.0/8, private'));
    expect(reason('64:ff9b::b00:0')).toBe('ok');
    expect(reason('2002:c633:64ff:ffff::1')).toBe(says('2002:c633:64ff:ffff::1', '6to4 form of 198.51.100.0/24, documentation'));
    expect(reason('2002:c633:6500::1')).toBe('ok');
    expect(reason('2002:f000::')).toBe(says('2002:f000::', '6to4 form of 240.0.0.0/4, reserved (and broadcast)'));
    expect(reason('2002:efff:ffff::')).toBe(says('2002:efff:ffff::', '6to4 form of 224.0.0.0/4, multicast'));
  });

  it('refuses scoped addresses, unreadable text and half-bracketed addresses with their own reasons', () => {
    expect(reason('fe80::1%eth0')).toBe('fe80::1%eth0 is a scoped (link-local) address; add it to the allowPrivate list to allow it');
    expect(reason('[fe80::1%2]')).toBe('fe80::1%2 is a scoped (link-local) address; add it to the allowPrivate list to allow it');
    expect(reason('localhost')).toBe('not an IP address: localhost');
    expect(reason('[::1')).toBe('not an IP address: [::1');
    expect(reason('::1]')).toBe('not an IP address: ::1]');
    expect(reason('[8.8.8.8]')).toBe('ok');
    // Only a bracket pair is taken off: another first character before a "]" is still part of the text.
    expect(reason('x8.8.8.8]')).toBe('not an IP address: x8.8.8.8]');
    expect(reason('18.8.8.8]')).toBe('not an IP address: 18.8.8.8]');
    expect(reason('[::1]')).toBe(says('::1', 'loopback'));
    // A zone is refused even where the address is allowed: only a scoped address can carry one.
    expect(new AddressPolicy(['fe80::/10']).check('fe80::1%eth0')).toMatchObject({ ok: false });
    expect(new AddressPolicy(['fe80::/10']).check('fe80::1')).toEqual({ ok: true });
  });

  it('names the setting it is given', () => {
    expect(new AddressPolicy([], 'webhooks.allowPrivate').check('10.0.0.1')).toEqual({ ok: false, reason: '10.0.0.1 is private; add it to webhooks.allowPrivate to allow it' });
    expect(new AddressPolicy([], 'x.y').check('fe80::1%1')).toEqual({ ok: false, reason: 'fe80::1%1 is a scoped (link-local) address; add it to x.y to allow it' });
  });
});

describe('AddressPolicy allow list: entries and their reach', () => {
  it('allows an IPv4 range in every IPv6 form, up to its edges', () => {
    const p = new AddressPolicy(['10.20.0.0/16']);
    for (const ip of ['10.20.0.0', '10.20.255.255', '::ffff:a14:0', '::ffff:a14:ffff', '::a14:1', '::ffff:0:a14:1', '64:ff9b::a14:ffff', '2002:a14:ffff::1']) expect(p.check(ip), ip).toEqual({ ok: true });
    for (const ip of ['10.19.255.255', '10.21.0.0', '::ffff:a15:0', '::a13:ffff', '::ffff:0:a15:0', '64:ff9b::a15:0', '2002:a15::1']) expect(p.check(ip).ok, ip).toBe(false);
  });

  it('an IPv6 entry allows that IPv6 range only', () => {
    const p = new AddressPolicy(['fd00::/16']);
    expect(p.check('fd00:ffff::1')).toEqual({ ok: true });
    expect(p.check('fd01::1').ok).toBe(false);
    expect(p.check('::1').ok).toBe(false);
    expect(new AddressPolicy(['::1']).check('::1')).toEqual({ ok: true });
    expect(new AddressPolicy(['::1']).check('::2').ok).toBe(false);
  });

  it('reads entries with white space around them, any prefix within the family, and a bare address as itself', () => {
    expect(new AddressPolicy([' 127.0.0.1 ']).check('127.0.0.1')).toEqual({ ok: true });
    expect(new AddressPolicy(['127.0.0.1']).check('127.0.0.2').ok).toBe(false);
    expect(new AddressPolicy(['0.0.0.0/0']).check('10.1.2.3')).toEqual({ ok: true });
    expect(new AddressPolicy(['0.0.0.0/0']).check('fe80::1').ok).toBe(false);
    expect(new AddressPolicy(['10.0.0.7/32']).check('10.0.0.7')).toEqual({ ok: true });
    expect(new AddressPolicy(['10.0.0.7/32']).check('10.0.0.8').ok).toBe(false);
    expect(new AddressPolicy(['fe80::1/128']).check('fe80::1')).toEqual({ ok: true });
    expect(new AddressPolicy(['fe80::1/128']).check('fe80::2').ok).toBe(false);
  });

  it('refuses a malformed entry by name', () => {
    expect(() => new AddressPolicy(['localhost'])).toThrow('not an IP address or CIDR range: localhost');
    expect(() => new AddressPolicy(['10.0.0.0/8', 'nope/8'])).toThrow('not an IP address or CIDR range: nope/8');
    for (const bad of ['10.0.0.0/33', '10.0.0.0/-1', '10.0.0.0/', '10.0.0.0/8x', '10.0.0.0/ 8', '10.0.0.0/1.5', 'fd00::/129']) {
      expect(() => new AddressPolicy([bad]), bad).toThrow(`bad prefix length in ${bad}`);
    }
  });
});

describe('AddressRefusedError and lookupThroughPolicy', () => {
  const resolve = (policy: AddressPolicy, host: string, options: object) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family: unknown }>((done) => {
      lookupThroughPolicy(policy)(host, options as never, ((err: NodeJS.ErrnoException | null, address: unknown, family: unknown) => done({ err, address, family })) as never);
    });

  it('carries its own code and name', () => {
    const e = new AddressRefusedError('x resolves to y');
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe('EADDRREFUSED_POLICY');
    expect(e.name).toBe('AddressRefusedError');
    expect(e.message).toBe('x resolves to y');
  });

  it('fails the lookup of a refused answer with the reason, and passes an allowed one as the socket asked', async () => {
    const refused = await resolve(new AddressPolicy(), '127.0.0.1', {});
    expect(refused.err).toBeInstanceOf(AddressRefusedError);
    expect(refused.err?.message).toBe('127.0.0.1 resolves to 127.0.0.1 is loopback; add it to the allowPrivate list to allow it');
    expect(refused.address).toBe('');
    const one = await resolve(new AddressPolicy(['127.0.0.1']), '127.0.0.1', {});
    expect(one).toEqual({ err: null, address: '127.0.0.1', family: 4 });
    const all = await resolve(new AddressPolicy(['127.0.0.1']), '127.0.0.1', { all: true });
    expect(all.err).toBeNull();
    expect(all.address).toEqual([{ address: '127.0.0.1', family: 4 }]);
    expect(await resolve(new AddressPolicy(), '8.8.8.8', {})).toEqual({ err: null, address: '8.8.8.8', family: 4 });
  });

  it("passes the resolver's own error on, and fails a name with no address as ENOTFOUND", async () => {
    // Longer than DNS allows (253): the resolver refuses it itself, without asking a server.
    const tooLong = await resolve(new AddressPolicy(), `${'a'.repeat(60)}.`.repeat(5) + 'example', {});
    expect(tooLong.err).toBeInstanceOf(Error);
    expect(tooLong.err).not.toBeInstanceOf(AddressRefusedError);
    expect(tooLong.err?.code).toMatch(/^E[A-Z]+$/);
    expect(tooLong.address).toBe('');
    // Node answers an empty name with no address at all and no error.
    const empty = await resolve(new AddressPolicy(), '', {});
    expect(empty.err?.message).toBe(' has no address');
    expect(empty.err?.code).toBe('ENOTFOUND');
    expect(empty.address).toBe('');
    expect(empty.family).toBe(0);
  });
});

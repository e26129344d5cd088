import { describe, expect, it } from 'vitest';
import { AddressPolicy } from '../../../../shared/net/address-policy.ts';

describe('AddressPolicy', () => {
  const policy = new AddressPolicy();

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
  const policy = new AddressPolicy();
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

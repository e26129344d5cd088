import { describe, expect, it } from 'vitest';
import { AddressPolicy } from '../../../../../services/api/domain/address-policy.ts';

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

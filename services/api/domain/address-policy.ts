/**
 * Which addresses a webhook may be delivered to. Alert payloads leave the process, so a
 * configured URL must not be a way to reach the machine itself or the private network
 * behind it (SSRF): loopback, private, link-local, unique-local, shared (CGNAT),
 * multicast, reserved and documentation ranges are refused unless an operator lists the
 * address (or its range) in `allowPrivate`. The check runs on every resolved address at
 * connection time, so a name that later resolves elsewhere is caught too.
 */
import { BlockList, isIP } from 'node:net';

const V4_RANGES: [string, number, string][] = [
  ['0.0.0.0', 8, 'unspecified ("this network")'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared address space (CGNAT)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, 'relay anycast'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

const V6_RANGES: [string, number, string][] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['fc00::', 7, 'unique-local (private)'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
  ['2001:db8::', 32, 'documentation'],
  ['100::', 64, 'discard-only'],
];

export type AddressVerdict = { ok: true } | { ok: false; reason: string };

/** `::ffff:a.b.c.d` and the NAT64 prefix carry an IPv4 address: it is that address that gets reached. */
function embeddedV4(ip: string): string | undefined {
  const m = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (m) return m[1];
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(ip);
  if (hex) {
    const a = parseInt(hex[1], 16);
    const b = parseInt(hex[2], 16);
    return `${a >> 8}.${a & 255}.${b >> 8}.${b & 255}`;
  }
  return undefined;
}

function parseEntry(entry: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } {
  const [address, prefixText] = entry.trim().split('/');
  const version = isIP(address);
  if (version === 0) throw new Error(`not an IP address or CIDR range: ${entry}`);
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) throw new Error(`bad prefix length in ${entry}`);
  return { address, prefix, family };
}

export class AddressPolicy {
  private readonly allow = new BlockList();
  private readonly ranges: { list: BlockList; reason: string }[] = [];

  /** `allowPrivate`: IPs or CIDR ranges (`127.0.0.1`, `10.0.0.0/8`, `fd00::/8`); throws on a malformed entry. */
  constructor(allowPrivate: string[] = []) {
    for (const entry of allowPrivate) {
      const e = parseEntry(entry);
      this.allow.addSubnet(e.address, e.prefix, e.family);
    }
    for (const [address, prefix, reason] of V4_RANGES) {
      const list = new BlockList();
      list.addSubnet(address, prefix, 'ipv4');
      this.ranges.push({ list, reason });
    }
    for (const [address, prefix, reason] of V6_RANGES) {
      const list = new BlockList();
      list.addSubnet(address, prefix, 'ipv6');
      this.ranges.push({ list, reason });
    }
  }

  check(ip: string): AddressVerdict {
    const bare = ip.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
    const v4 = embeddedV4(bare);
    const address = v4 ?? bare;
    const version = isIP(address);
    if (version === 0) return { ok: false, reason: `not an IP address: ${ip}` };
    const family = version === 4 ? 'ipv4' : 'ipv6';
    if (this.allow.check(address, family)) return { ok: true };
    for (const r of this.ranges) {
      if (r.list.check(address, family)) return { ok: false, reason: `${address} is ${r.reason}; add it to api.alerts.delivery.allowPrivate to allow it` };
    }
    return { ok: true };
  }
}

/**
 * Which addresses oilwire may open an outbound connection to: webhook targets and every hop
 * of a feed fetch, redirects included. A configured or redirected URL must not be a way to
 * reach the machine itself or the network behind it (SSRF): loopback, private, link-local,
 * unique-local, shared (CGNAT), multicast, unspecified, reserved and documentation ranges are
 * refused unless an operator lists the address (or its range) in an allow list.
 *
 * IPv6 forms that carry an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible
 * `::a.b.c.d`, IPv4-translated `::ffff:0:a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`)
 * are refused when the IPv4 address they carry is: the refused IPv4 ranges are laid into
 * each of those prefixes as IPv6 subnets when the policy is built. Every address is then
 * matched by Node's `net.BlockList` (the same inet_pton the socket uses), never by a parser
 * of ours, so an address written in hex, dotted or compressed form matches the same way.
 * The local-use NAT64 prefix `64:ff9b:1::/48` (its IPv4 position depends on a prefix length
 * we cannot know) and Teredo `2001::/32` (the client address is obfuscated) are refused whole.
 *
 * `lookupThroughPolicy` checks every DNS answer inside the socket's own lookup, so the
 * address checked is the address connected to (a name that rebinds is caught too).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

type Family = 'ipv4' | 'ipv6';

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
  ['240.0.0.0', 4, 'reserved (and broadcast)'],
];

const V6_RANGES: [string, number, string][] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['fc00::', 7, 'unique-local (private)'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
  ['2001:db8::', 32, 'documentation'],
  ['3fff::', 20, 'documentation'],
  ['100::', 64, 'discard-only'],
  ['64:ff9b:1::', 48, 'local-use NAT64 (reaches an IPv4 network behind a translator)'],
  ['2001::', 32, 'Teredo (carries an obfuscated IPv4 address)'],
  ['5f00::', 16, 'SRv6 segment identifiers'],
];

/** IPv6 prefixes with an IPv4 address inside: the prefix's 16-bit groups and the bit where the IPv4 address starts. */
const V4_EMBEDDINGS: { name: string; groups: number[]; offset: number }[] = [
  { name: 'IPv4-mapped', groups: [0, 0, 0, 0, 0, 0xffff], offset: 96 },
  { name: 'IPv4-compatible', groups: [0, 0, 0, 0, 0, 0], offset: 96 },
  { name: 'IPv4-translated', groups: [0, 0, 0, 0, 0xffff, 0], offset: 96 },
  { name: 'NAT64', groups: [0x64, 0xff9b, 0, 0, 0, 0], offset: 96 },
  { name: '6to4', groups: [0x2002], offset: 16 },
];

const v4Number = (dotted: string) => dotted.split('.').reduce((n, part) => n * 256 + Number(part), 0);

/** The IPv6 subnet that holds IPv4 subnet `v4/len` at `offset` within `groups` (written out from numbers, not parsed). */
function embeddedSubnet(e: (typeof V4_EMBEDDINGS)[number], v4: string, len: number): { address: string; prefix: number } {
  const groups = [...e.groups, 0, 0, 0, 0, 0, 0, 0, 0].slice(0, 8);
  const n = v4Number(v4);
  const g = e.offset / 16;
  groups[g] = Math.floor(n / 65536);
  groups[g + 1] = n % 65536;
  return { address: groups.map((x) => x.toString(16)).join(':'), prefix: e.offset + len };
}

function parseEntry(entry: string): { address: string; prefix: number; family: Family } {
  const [address, prefixText] = entry.trim().split('/');
  const version = isIP(address);
  if (version === 0) throw new Error(`not an IP address or CIDR range: ${entry}`);
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!/^\d+$/.test(prefixText ?? String(max)) || prefix < 0 || prefix > max) throw new Error(`bad prefix length in ${entry}`);
  return { address, prefix, family };
}

export type AddressVerdict = { ok: true } | { ok: false; reason: string };

export class AddressPolicy {
  private readonly allow = new BlockList();
  private readonly ranges: { list: BlockList; reason: string }[] = [];

  /**
   * `allowed`: IPs or CIDR ranges (`127.0.0.1`, `10.0.0.0/8`, `fd00::/8`) that may be reached
   * although non-public; an IPv4 entry also allows its IPv6 forms. `hint` names the setting
   * in refusals. Throws on a malformed entry.
   */
  constructor(allowed: string[] = [], private readonly hint = 'the allowPrivate list') {
    for (const entry of allowed) {
      const e = parseEntry(entry);
      this.allow.addSubnet(e.address, e.prefix, e.family);
      if (e.family === 'ipv4') for (const emb of V4_EMBEDDINGS) {
        const s = embeddedSubnet(emb, e.address, e.prefix);
        this.allow.addSubnet(s.address, s.prefix, 'ipv6');
      }
    }
    // IPv6 ranges first: `::1` is loopback before it is the IPv4-compatible form of 0.0.0.1.
    for (const [address, prefix, reason] of V6_RANGES) {
      const list = new BlockList();
      list.addSubnet(address, prefix, 'ipv6');
      this.ranges.push({ list, reason });
    }
    for (const [address, prefix, reason] of V4_RANGES) {
      const list = new BlockList();
      list.addSubnet(address, prefix, 'ipv4');
      this.ranges.push({ list, reason });
      for (const emb of V4_EMBEDDINGS) {
        const s = embeddedSubnet(emb, address, prefix);
        const inner = new BlockList();
        inner.addSubnet(s.address, s.prefix, 'ipv6');
        this.ranges.push({ list: inner, reason: `${emb.name} form of ${address}/${prefix}, ${reason}` });
      }
    }
  }

  /** An IP address as a socket reports it (brackets tolerated). Anything that is not an IP is refused. */
  check(ip: string): AddressVerdict {
    const address = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
    // A zone id (fe80::1%eth0) only exists on scoped, i.e. link-local, addresses.
    if (address.includes('%')) return { ok: false, reason: `${address} is a scoped (link-local) address; add it to ${this.hint} to allow it` };
    const version = isIP(address);
    if (version === 0) return { ok: false, reason: `not an IP address: ${ip}` };
    const family: Family = version === 4 ? 'ipv4' : 'ipv6';
    if (this.allow.check(address, family)) return { ok: true };
    for (const r of this.ranges) {
      if (r.list.check(address, family)) return { ok: false, reason: `${address} is ${r.reason}; add it to ${this.hint} to allow it` };
    }
    return { ok: true };
  }
}

/** Raised (as the lookup's error) when a name resolves to a refused address. */
export class AddressRefusedError extends Error {
  readonly code = 'EADDRREFUSED_POLICY';
  constructor(message: string) {
    super(message);
    this.name = 'AddressRefusedError';
  }
}

/**
 * A `lookup` for net/tls/http(s) connections (and undici's connector) that resolves as usual
 * and fails when any answer is refused by the policy; the socket connects only to an answer
 * that was checked.
 */
export function lookupThroughPolicy(policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as unknown as LookupAddress[];
      for (const a of list) {
        const verdict = policy.check(a.address);
        if (!verdict.ok) return callback(new AddressRefusedError(`${hostname} resolves to ${verdict.reason}`) as NodeJS.ErrnoException, '', 0);
      }
      if (list.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      else callback(null, list[0].address, list[0].family);
    });
  };
}

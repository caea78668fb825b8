/**
 * Which webhook URLs the exchange will call (RELIABILITY J3). A credit agency gives us a URL and our
 * servers POST to it, so a URL must never reach inside our network: loopback, private, link-local,
 * unspecified, multicast and reserved addresses are refused, in every spelling (IPv4-mapped and
 * -compatible IPv6, NAT64, 6to4), whether written as a literal or reached through a name that
 * resolves to one. Every address a name resolves to must be acceptable, not just the first.
 *
 * The check runs at registration and again before every send; the sender then connects to the
 * address this check returned (never resolving the name a second time), so a name that answers
 * differently the second time (DNS rebinding) cannot slip through.
 *
 * `WEBHOOK_ALLOW_LOOPBACK=true` (refused in production by config.ts) lets tests and local
 * development use a consumer on 127.0.0.1 / localhost, over plain http too. Nothing else relaxes.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import net from 'node:net';

export type AddressClass = 'public' | 'loopback' | 'private' | 'link_local' | 'unspecified' | 'multicast' | 'reserved';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all of its addresses; injected so tests need no DNS. */
export type LookupAll = (hostname: string) => Promise<ResolvedAddress[]>;

const systemLookup: LookupAll = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

export interface UrlPolicy {
  allowLoopback: boolean;
  lookup?: LookupAll;
}

export type RefusalReason = 'invalid' | 'scheme' | 'credentials' | 'host' | 'resolve' | 'address' | 'plain_http';

export class UnsafeUrlError extends Error {
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
    this.name = 'UnsafeUrlError';
  }
}

export interface WebhookTarget {
  url: URL;
  /** The host name as written (brackets removed from an IPv6 literal). */
  hostname: string;
  port: number;
  /** Every address the host resolved to, each checked. */
  addresses: ResolvedAddress[];
  /** The one to connect to. */
  address: ResolvedAddress;
}

// ── Address classification ──────────────────────────────────────────────────────────────────

function v4ToInt(ip: string): number | null {
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const v = Number(p);
    if (v > 255) return null;
    n = n * 256 + v;
  }
  return n;
}

const V4_RANGES: [string, number, AddressClass][] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'private'], // carrier-grade NAT, shared address space
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link_local'], // includes the cloud metadata address 169.254.169.254
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'reserved'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'], // includes the broadcast address
];

function classifyV4Int(n: number): AddressClass {
  for (const [base, bits, cls] of V4_RANGES) {
    const b = v4ToInt(base)!;
    const size = 2 ** (32 - bits);
    if (n >= b && n < b + size) return cls;
  }
  return 'public';
}

/** 16 bytes of an IPv6 address (zone id dropped), or null if it is not one. */
export function parseIPv6(ip: string): number[] | null {
  let s = ip.replace(/^\[|\]$/g, '');
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (!net.isIPv6(s)) return null;
  // A dotted IPv4 tail (::ffff:10.0.0.5) becomes its two hex groups.
  const lastColon = s.lastIndexOf(':');
  const last = s.slice(lastColon + 1);
  if (last.includes('.')) {
    const n = v4ToInt(last);
    if (n === null) return null;
    s = `${s.slice(0, lastColon + 1)}${((n >>> 16) & 0xffff).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const halves = s.split('::');
  let groups: number[];
  if (halves.length === 2) {
    const head = parse(halves[0]!);
    const rest = parse(halves[1]!);
    groups = [...head, ...Array<number>(Math.max(0, 8 - head.length - rest.length)).fill(0), ...rest];
  } else groups = parse(s);
  if (groups.length !== 8 || groups.some((g) => !Number.isInteger(g) || g < 0 || g > 0xffff)) return null;
  return groups.flatMap((g) => [g >> 8, g & 0xff]);
}

function prefixMatches(bytes: number[], prefix: number[], bits: number): boolean {
  for (let i = 0; i < bits; i++) {
    const byte = i >> 3;
    const mask = 0x80 >> (i & 7);
    if ((bytes[byte]! & mask) !== ((prefix[byte] ?? 0) & mask)) return false;
  }
  return true;
}

const V6_RANGES: [string, number, AddressClass][] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['fc00::', 7, 'private'], // unique local
  ['fe80::', 10, 'link_local'],
  ['fec0::', 10, 'private'], // site-local (deprecated, still routable inside some networks)
  ['ff00::', 8, 'multicast'],
  ['100::', 64, 'reserved'], // discard
  ['2001::', 23, 'reserved'], // IETF protocol assignments, Teredo included
  ['2001:db8::', 32, 'reserved'], // documentation
  ['64:ff9b:1::', 48, 'reserved'], // local-use NAT64
];

const v4FromBytes = (b: number[], at: number) => ((b[at]! << 24) >>> 0) + (b[at + 1]! << 16) + (b[at + 2]! << 8) + b[at + 3]!;

function classifyV6Bytes(b: number[]): AddressClass {
  // IPv6 spellings of IPv4 addresses are judged as the IPv4 address they carry.
  if (prefixMatches(b, parseIPv6('::ffff:0:0')!, 96)) return classifyV4Int(v4FromBytes(b, 12)); // IPv4-mapped
  if (prefixMatches(b, parseIPv6('64:ff9b::')!, 96)) return classifyV4Int(v4FromBytes(b, 12)); // NAT64
  if (prefixMatches(b, parseIPv6('2002::')!, 16)) return classifyV4Int(v4FromBytes(b, 2)); // 6to4
  for (const [base, bits, cls] of V6_RANGES) if (prefixMatches(b, parseIPv6(base)!, bits)) return cls;
  if (prefixMatches(b, parseIPv6('::')!, 96)) return classifyV4Int(v4FromBytes(b, 12)); // IPv4-compatible (deprecated)
  return 'public';
}

/** What kind of address this is; anything that is not an IP address is 'reserved' (refused). */
export function classifyAddress(ip: string): AddressClass {
  const bare = ip.replace(/^\[|\]$/g, '');
  if (net.isIPv4(bare)) return classifyV4Int(v4ToInt(bare)!);
  const bytes = parseIPv6(bare);
  return bytes ? classifyV6Bytes(bytes) : 'reserved';
}

// ── URL validation ──────────────────────────────────────────────────────────────────────────

const DESCRIBE: Record<AddressClass, string> = {
  public: 'public',
  loopback: 'a loopback address',
  private: 'a private address',
  link_local: 'a link-local address',
  unspecified: 'the unspecified address',
  multicast: 'a multicast address',
  reserved: 'a reserved address',
};

/**
 * Parses and checks a webhook URL; resolves its host once and checks every address. Returns the
 * address to connect to, or throws UnsafeUrlError saying why the URL is refused.
 */
export async function validateWebhookUrl(raw: string, policy: UrlPolicy): Promise<WebhookTarget> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeUrlError('invalid', 'not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UnsafeUrlError('scheme', `the ${url.protocol.replace(/:$/, '')} scheme is not allowed: use https`);
  if (url.username || url.password)
    throw new UnsafeUrlError('credentials', 'credentials in the URL are not allowed; sign with the secret instead');
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  if (!hostname) throw new UnsafeUrlError('host', 'the URL has no host');
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;

  let addresses: ResolvedAddress[];
  const family = net.isIP(hostname);
  if (family) addresses = [{ address: hostname, family: family === 6 ? 6 : 4 }];
  else {
    try {
      addresses = await (policy.lookup ?? systemLookup)(hostname);
    } catch {
      throw new UnsafeUrlError('resolve', `the host ${hostname} could not be resolved`);
    }
    if (addresses.length === 0) throw new UnsafeUrlError('resolve', `the host ${hostname} has no address`);
  }

  const classes = addresses.map((a) => classifyAddress(a.address));
  for (const [i, cls] of classes.entries()) {
    if (cls === 'public') continue;
    if (cls === 'loopback' && policy.allowLoopback) continue;
    const via = family ? '' : ` (${hostname} resolves to ${addresses[i]!.address})`;
    throw new UnsafeUrlError('address', `the URL points at ${DESCRIBE[cls]}${via}; webhooks must reach a public address`);
  }
  if (url.protocol === 'http:' && !(policy.allowLoopback && classes.every((c) => c === 'loopback')))
    throw new UnsafeUrlError('plain_http', 'plain http is not allowed: use https');
  return { url, hostname, port, addresses, address: addresses[0]! };
}

import { expect } from 'chai';
import {
  classifyAddress,
  parseIPv6,
  validateWebhookUrl,
  UnsafeUrlError,
  type LookupAll,
} from '../../server/src/modules/credit/ssrf.js';

/** A resolver from a table: no DNS in unit tests. */
function fakeLookup(table: Record<string, string[]>): LookupAll {
  return async (host) => {
    const addrs = table[host];
    if (!addrs) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addrs.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

async function refusal(url: string, o: { allowLoopback?: boolean; lookup?: LookupAll } = {}): Promise<UnsafeUrlError> {
  try {
    await validateWebhookUrl(url, { allowLoopback: o.allowLoopback ?? false, lookup: o.lookup ?? fakeLookup({}) });
  } catch (err) {
    expect(err).to.be.instanceOf(UnsafeUrlError);
    return err as UnsafeUrlError;
  }
  throw new Error(`${url} was accepted`);
}

describe('webhook URL check (SSRF, RELIABILITY J3)', () => {
  describe('address classes', () => {
    const cases: [string, string][] = [
      ['8.8.8.8', 'public'],
      ['93.184.216.34', 'public'],
      ['127.0.0.1', 'loopback'],
      ['127.255.0.9', 'loopback'],
      ['10.0.0.5', 'private'],
      ['172.16.0.1', 'private'],
      ['172.31.255.255', 'private'],
      ['172.32.0.1', 'public'],
      ['192.168.1.1', 'private'],
      ['100.64.0.1', 'private'],
      ['169.254.169.254', 'link_local'],
      ['0.0.0.0', 'unspecified'],
      ['224.0.0.1', 'multicast'],
      ['255.255.255.255', 'reserved'],
      ['::', 'unspecified'],
      ['::1', 'loopback'],
      ['fc00::1', 'private'],
      ['fd12:3456::1', 'private'],
      ['fe80::1', 'link_local'],
      ['fe80::1%eth0', 'link_local'],
      ['ff02::1', 'multicast'],
      ['2001:db8::1', 'reserved'],
      ['2606:4700:4700::1111', 'public'],
      // IPv6 spellings of IPv4 addresses are judged by the IPv4 address.
      ['::ffff:127.0.0.1', 'loopback'],
      ['::ffff:10.0.0.5', 'private'],
      ['::ffff:a9fe:a9fe', 'link_local'],
      ['::ffff:8.8.8.8', 'public'],
      ['::10.0.0.5', 'private'],
      ['64:ff9b::a00:5', 'private'],
      ['2002:a00:5::1', 'private'],
      ['2002:808:808::1', 'public'],
      ['not-an-ip', 'reserved'],
    ];
    for (const [ip, cls] of cases) it(`${ip} is ${cls}`, () => expect(classifyAddress(ip)).to.equal(cls));

    it('parses IPv6 with a dotted tail and with ::', () => {
      expect(parseIPv6('::ffff:10.0.0.5')).to.deep.equal([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 5]);
      expect(parseIPv6('1::2')).to.deep.equal([0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
      expect(parseIPv6('1.2.3.4')).to.equal(null);
    });
  });

  describe('refused with WEBHOOK_ALLOW_LOOPBACK off', () => {
    const cases: [string, string][] = [
      ['http://169.254.169.254/', 'address'],
      ['https://169.254.169.254/latest/meta-data/', 'address'],
      ['http://10.0.0.5/', 'address'],
      ['http://[::1]:6379/', 'address'],
      ['https://[::ffff:127.0.0.1]/', 'address'],
      ['https://127.0.0.1/', 'address'],
      ['http://127.0.0.1:8080/hook', 'address'],
      ['https://0.0.0.0/', 'address'],
      ['https://[fe80::1]/', 'address'],
      // WHATWG URL parsing normalises these spellings of 127.0.0.1 before the check sees them.
      ['https://2130706433/', 'address'],
      ['https://0x7f.1/', 'address'],
      ['file:///etc/passwd', 'scheme'],
      ['gopher://example.com/', 'scheme'],
      ['ftp://example.com/', 'scheme'],
      ['javascript:alert(1)', 'scheme'],
      ['https://user:pass@hooks.example.com/', 'credentials'],
      ['not a url', 'invalid'],
    ];
    for (const [url, reason] of cases)
      it(`${url} (${reason})`, async () => {
        expect((await refusal(url)).reason).to.equal(reason);
      });

    it('a host name that resolves to a private address', async () => {
      const lookup = fakeLookup({ 'internal.example.com': ['10.1.2.3'] });
      const e = await refusal('https://internal.example.com/hook', { lookup });
      expect(e.reason).to.equal('address');
      expect(e.message).to.contain('10.1.2.3');
    });

    it('a host name with one public and one private address (every address is checked)', async () => {
      const lookup = fakeLookup({ 'mixed.example.com': ['93.184.216.34', '192.168.0.10'] });
      expect((await refusal('https://mixed.example.com/', { lookup })).reason).to.equal('address');
    });

    it('a host name resolving to an IPv4-mapped loopback address', async () => {
      const lookup = fakeLookup({ 'sneaky.example.com': ['::ffff:127.0.0.1'] });
      expect((await refusal('https://sneaky.example.com/', { lookup })).reason).to.equal('address');
    });

    it('a host name that does not resolve', async () => {
      expect((await refusal('https://nowhere.example.com/')).reason).to.equal('resolve');
    });

    it('plain http to a public address', async () => {
      const lookup = fakeLookup({ 'hooks.example.com': ['93.184.216.34'] });
      expect((await refusal('http://hooks.example.com/', { lookup })).reason).to.equal('plain_http');
    });
  });

  describe('accepted', () => {
    it('https to a name with public addresses; the first one is the one to connect to', async () => {
      const lookup = fakeLookup({ 'hooks.bank.example': ['93.184.216.34', '2606:4700:4700::1111'] });
      const t = await validateWebhookUrl('https://hooks.bank.example:8443/credit?x=1', { allowLoopback: false, lookup });
      expect(t.hostname).to.equal('hooks.bank.example');
      expect(t.port).to.equal(8443);
      expect(t.address).to.deep.equal({ address: '93.184.216.34', family: 4 });
      expect(t.addresses).to.have.length(2);
    });

    it('with WEBHOOK_ALLOW_LOOPBACK: http to 127.0.0.1, localhost and [::1], and nothing private', async () => {
      const lookup = fakeLookup({ localhost: ['127.0.0.1', '::1'] });
      for (const url of ['http://127.0.0.1:9000/hook', 'http://localhost:9000/', 'http://[::1]:9000/'])
        expect((await validateWebhookUrl(url, { allowLoopback: true, lookup })).url.href).to.equal(new URL(url).href);
      expect((await refusal('http://10.0.0.5/', { allowLoopback: true })).reason).to.equal('address');
      expect((await refusal('http://169.254.169.254/', { allowLoopback: true })).reason).to.equal('address');
      expect((await refusal('file:///etc/passwd', { allowLoopback: true })).reason).to.equal('scheme');
      const mixed = fakeLookup({ 'half.example.com': ['127.0.0.1', '93.184.216.34'] });
      expect((await refusal('http://half.example.com/', { allowLoopback: true, lookup: mixed })).reason).to.equal('plain_http');
    });
  });
});

import { createHash } from 'node:crypto';
import { expect } from 'chai';
import fc from 'fast-check';
import {
  GENESIS_HASH,
  canonicalEvent,
  chainHash,
  verifyChain,
  type ChainedEvent,
  type StoredChainEvent,
} from '../../server/src/modules/manifests/chain.js';

const ID = '6f1c1a55-2b0e-4c1a-9d7e-0c2a9b1e7d11';

function event(seq: number, type: string, data: Record<string, unknown>): ChainedEvent {
  return { v: 1, manifestId: ID, seq, type, at: `2026-03-0${seq}T02:00:00.000Z`, actorOrgId: null, actorUserId: null, data };
}

function chain(events: ChainedEvent[]): StoredChainEvent[] {
  let prev = GENESIS_HASH;
  return events.map((e) => {
    const hash = chainHash(prev, e);
    const stored = { ...e, prevHash: prev, hash };
    prev = hash;
    return stored;
  });
}

describe('manifest hash chain (DESIGN §6.8, RELIABILITY R2)', () => {
  it('canonical form is RFC 8785: keys sorted by code unit, no whitespace, numbers in shortest form', () => {
    const c = canonicalEvent(event(1, 'load', { weightKg: 12000, note: '装车', b: [1, { z: 1, a: 2 }], a: 1e21 }));
    expect(c).to.equal(
      `{"actorOrgId":null,"actorUserId":null,"at":"2026-03-01T02:00:00.000Z","data":{"a":1e+21,"b":[1,{"a":2,"z":1}],"note":"装车","weightKg":12000},"manifestId":"${ID}","seq":1,"type":"load","v":1}`,
    );
  });

  it('hash = sha256(utf8(prevHash + canonical)), the first prevHash 64 zeros', () => {
    const e = event(1, 'open', { declaredKg: 12000 });
    const expected = createHash('sha256')
      .update(Buffer.from('0'.repeat(64) + canonicalEvent(e), 'utf8'))
      .digest('hex');
    expect(chainHash(GENESIS_HASH, e)).to.equal(expected);
    expect(GENESIS_HASH).to.equal('0'.repeat(64));
  });

  it('a stored chain verifies, and the key order of the stored data does not matter', () => {
    const stored = chain([event(1, 'open', { declaredKg: 12000 }), event(2, 'issue', {}), event(3, 'load', { weightKg: 12040 })]);
    expect(verifyChain(stored)).to.deep.equal({ valid: true, lastHash: stored[2]!.hash });
    const reordered = stored.map((e) => ({ ...e, data: Object.fromEntries(Object.entries(e.data).reverse()) }));
    expect(verifyChain(reordered).valid).to.equal(true);
    expect(verifyChain([]).valid).to.equal(true);
  });

  it('names the first event whose fields changed, whose link broke, or that is missing', () => {
    const stored = chain([
      event(1, 'open', { declaredKg: 12000 }),
      event(2, 'issue', {}),
      event(3, 'load', { weightKg: 12040 }),
      event(4, 'depart', {}),
    ]);
    const edited = stored.map((e) => (e.seq === 3 ? { ...e, data: { weightKg: 9000 } } : e));
    expect(verifyChain(edited)).to.include({ valid: false, brokenAt: 3, reason: 'hash' });
    const relinked = stored.map((e) => (e.seq === 2 ? { ...e, prevHash: 'f'.repeat(64) } : e));
    expect(verifyChain(relinked)).to.include({ valid: false, brokenAt: 2, reason: 'link' });
    expect(verifyChain([stored[0]!, stored[2]!, stored[3]!])).to.include({ valid: false, brokenAt: 3, reason: 'sequence' });
    // Rehashing the edited event alone still breaks the link of the next one.
    const rehashed = edited.map((e) => (e.seq === 3 ? { ...e, hash: chainHash(e.prevHash, e) } : e));
    expect(verifyChain(rehashed)).to.include({ valid: false, brokenAt: 4, reason: 'link' });
    const otherTime = stored.map((e) => (e.seq === 1 ? { ...e, at: '2026-03-01T02:00:00.001Z' } : e));
    expect(verifyChain(otherTime)).to.include({ valid: false, brokenAt: 1 });
  });

  it('property: changing any one event’s data breaks the chain exactly there', () => {
    const json = fc.jsonValue() as fc.Arbitrary<unknown>;
    fc.assert(
      fc.property(
        fc.array(fc.dictionary(fc.string({ maxLength: 6 }), json, { maxKeys: 4 }), { minLength: 1, maxLength: 8 }),
        fc.nat(),
        fc.string({ minLength: 1, maxLength: 8 }),
        (datas, pick, extra) => {
          const stored = chain(datas.map((d, i) => event(i + 1, 'x', d as Record<string, unknown>)));
          expect(verifyChain(stored).valid).to.equal(true);
          const i = pick % stored.length;
          const key = `\u0000${extra}`;
          const tampered = stored.map((e, j) => (j === i ? { ...e, data: { ...e.data, [key]: 1 } } : e));
          expect(verifyChain(tampered)).to.include({ valid: false, brokenAt: i + 1 });
        },
      ),
      { numRuns: 200 },
    );
  });
});

import { expect } from 'chai';
import { isDeepStrictEqual } from 'node:util';
import { REALTIME_EVENTS, type RealtimeEvent, type RealtimeEventName } from '../../shared/src/realtime.js';
import { keysFor, keysForResync, throttledKeysFor } from '../../client/src/features/realtime/liveKeys.js';

// The web client's live invalidation (client/src/features/realtime/liveKeys.ts) against the query
// keys its pages use (features/*/api.ts): an event must reach the queries that show what it changed.

function event(type: RealtimeEventName, room: string, data: Record<string, unknown> = {}): RealtimeEvent {
  return { type, room, seq: 1, at: '2026-05-01T00:00:00Z', ...data } as RealtimeEvent;
}

type Key = readonly unknown[];
/** TanStack Query's rule for invalidateQueries({ queryKey }): the key is a prefix of the query's key. */
const isPrefix = (prefix: Key, query: Key) =>
  prefix.length <= query.length && prefix.every((part, i) => isDeepStrictEqual(part, query[i]));
const staleAfter = (keys: Key[] | 'all', query: Key) => keys === 'all' || keys.some((k) => isPrefix(k, query));

const LISTING = '0b9c3c1e-5d0f-4a51-9f7e-2f3f6f1a0c11';
const TRADE = '7d1f0a52-1b7b-4c35-8c4e-0f6f5e1d2a33';

describe('live events invalidate the client queries that show what they changed', () => {
  it('a bid on a listing refetches its page, its bids, the listing lists and the org’s own bids', () => {
    const keys = keysFor(event('bid.placed', `listing:${LISTING}`, { listingId: LISTING, bidCount: 2 }));
    for (const query of [
      ['listings', 'detail', LISTING],
      ['listings', 'bids', LISTING],
      ['listings', 'list', 'status=open'],
      ['bids', 'mine', ''],
    ]) {
      expect(staleAfter(keys, query), JSON.stringify(query)).to.equal(true);
    }
    expect(staleAfter(keys, ['credit', 'org', 'x'])).to.equal(false);
  });

  it('a trade change refetches the trade, its payment, ledger and trips, and the org’s bids', () => {
    const keys = keysFor(event('trade.updated', 'org:o1', { tradeId: TRADE, status: 'funded' }));
    for (const query of [
      ['trades', 'detail', TRADE],
      ['trades', 'list', ''],
      ['payments', 'state', TRADE, 'funded'],
      ['payments', 'ledger', TRADE],
      ['manifests', 'trade', TRADE],
      ['bids', 'mine', 'won'],
    ]) {
      expect(staleAfter(keys, query), JSON.stringify(query)).to.equal(true);
    }
  });

  it('a manifest change refetches the manifests and the trade it belongs to', () => {
    const keys = keysFor(event('manifest.updated', 'org:o1', { manifestId: 'm', tradeId: TRADE, status: 'loaded' }));
    expect(staleAfter(keys, ['manifests', 'detail', 'm'])).to.equal(true);
    expect(staleAfter(keys, ['trades', 'detail', TRADE])).to.equal(true);
  });

  it("a manifest change (a document or the admin's resolve on the trip) refetches the documents lists and the dispute's evidence", () => {
    const keys = keysFor(event('manifest.updated', 'org:o1', { manifestId: 'm', tradeId: TRADE, status: 'received' }));
    expect(staleAfter(keys, ['documents', 'manifest', 'm'])).to.equal(true);
    expect(staleAfter(keys, ['documents', 'evidence', TRADE])).to.equal(true);
  });

  it('an alert refetches the alert lists, not the flows; a credit change the credit pages', () => {
    const alert = keysFor(event('alert.raised', 'regulator:city', { alertId: 'a', kind: 'weight_gap', district: null }));
    expect(staleAfter(alert, ['regulator', 'alerts', { status: 'open', kind: '' }])).to.equal(true);
    expect(staleAfter(alert, ['regulator', 'flows', {}, 'district'])).to.equal(false);
    expect(
      staleAfter(keysFor(event('credit.changed', 'org:o1', { orgId: 'o1', score: 70, level: 'yellow' })), [
        'credit',
        'org',
        'o1',
      ]),
    ).to.equal(true);
  });

  it('the regulator’s flows refetch on trades and trips in its rooms only, through the throttled path', () => {
    expect(
      staleAfter(throttledKeysFor(event('trade.created', 'regulator:330602', { tradeId: TRADE, status: 'funded' })), [
        'regulator',
        'flows',
        {},
        'district',
      ]),
    ).to.equal(true);
    expect(throttledKeysFor(event('trade.created', 'org:o1', { tradeId: TRADE, status: 'funded' }))).to.deep.equal([]);
    expect(
      throttledKeysFor(event('alert.raised', 'regulator:city', { alertId: 'a', kind: 'weight_gap', district: null })),
    ).to.deep.equal([]);
  });

  it('every event a page can show has a place in the map', () => {
    for (const type of REALTIME_EVENTS) expect(keysFor(event(type, 'org:o1')), type).to.not.be.empty;
  });

  it('a print refetches the market page (book, prints) and my orders; a depth change the market page', () => {
    const print = keysFor(
      event('market.trade', 'market:SW17-01', { market: 'SW17-01', pricePerTonneFen: 258_000, quantityKg: 5_000 }),
    );
    expect(staleAfter(print, ['markets', 'SW17-01', 'prints'])).to.equal(true);
    expect(staleAfter(print, ['orders', 'SW17-01'])).to.equal(true);
    const depth = keysFor(event('market.depth', 'market:SW17-01', { market: 'SW17-01', bids: [], asks: [] }));
    expect(staleAfter(depth, ['markets', 'SW17-01', 'book'])).to.equal(true);
    expect(staleAfter(depth, ['listings'])).to.equal(false);
  });

  it('a reconnect or a gap in a private room refetches everything; a public room only listings', () => {
    expect(keysForResync(null)).to.equal('all');
    expect(keysForResync('org:o1')).to.equal('all');
    expect(keysForResync('regulator:city')).to.equal('all');
    const listing = keysForResync(`listing:${LISTING}`);
    expect(staleAfter(listing, ['listings', 'detail', LISTING])).to.equal(true);
    expect(staleAfter(listing, ['trades', 'detail', TRADE])).to.equal(false);
  });
});

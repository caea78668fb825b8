/**
 * The bid hot path (issue 15, ADR 0024): a resting bid checked on an unlocked snapshot and written by
 * place_resting_bid (migration 0018) in one statement. Its effects must be exactly those of the full
 * transaction — each outbox row once, room sequences gap-free, the count right under concurrency —
 * and a listing that changed between the checks and the write must leave nothing behind.
 */
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/app.js';
import {
  alertsOf,
  auth,
  bid,
  countRows,
  createGenerator,
  createListing,
  createRecycler,
  inSeconds,
  placeBid,
  steelListing,
} from '../helpers/trading.js';
import { rows } from '../../server/src/db/tx.js';
import { placeRestingBidRow, placeRestingBidRows, type RestingBidArgs } from '../../server/src/modules/bids/repo.js';
import { LISTING_LOCK } from '../../server/src/modules/listings/index.js';

describe('the bid hot path (place_resting_bid)', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => {
    await t?.close();
  });

  const auction = () => steelListing({ mode: 'auction', closesAt: inSeconds(3600), pricePerTonneFen: 254_000 });

  async function outboxOf(listingId: string) {
    await t.ctx.jobs.drain();
    return rows<{
      topic: string;
      room: string | null;
      seq: string | null;
      key: string | null;
      kind: string | null;
      org: string | null;
      count: string | null;
    }>(
      t.ctx.db,
      sql`select topic, payload->>'room' as room, payload->>'seq' as seq, payload->>'key' as key, payload->>'kind' as kind,
                 payload->>'orgId' as org, payload->'data'->>'bidCount' as count
            from outbox
           where (topic = 'realtime.publish' and payload->>'type' = 'bid.placed' and payload->'data'->>'listingId' = ${listingId})
              or (topic = 'notifications.fanout' and payload->>'subjectId' = ${listingId})
           order by id`,
    );
  }

  it('an outbidding bid writes each effect once: two bid.placed events, the owner’s notice, the outbid notice', async () => {
    const g = await createGenerator(t.request);
    const [r1, r2] = await Promise.all([1, 2].map(() => createRecycler(t.request, { licence: null })));
    const l = await createListing(t.request, g, auction());
    const first = await placeBid(t.request, r1!, l.id, { pricePerTonneFen: 255_000, quantityKg: 10_000 });
    const second = await placeBid(t.request, r2!, l.id, { pricePerTonneFen: 256_000, quantityKg: 10_000 });
    expect([first.status, second.status]).to.deep.equal(['active', 'active']);
    expect(second).to.include({ orgId: r2!.orgId, pricePerTonneFen: 256_000, mine: true });

    const out = await outboxOf(l.id);
    const events = out.filter((r) => r.topic === 'realtime.publish');
    expect(events.filter((e) => e.room === `listing:${l.id}`).map((e) => e.count)).to.deep.equal(['1', '2']);
    expect(events.filter((e) => e.room === `org:${g.orgId}`).map((e) => e.count)).to.deep.equal(['1', '2']);
    const notes = out.filter((r) => r.topic === 'notifications.fanout');
    expect(notes.filter((n) => n.kind === 'outbid')).to.deep.equal([
      {
        topic: 'notifications.fanout',
        room: null,
        seq: null,
        key: `outbid:${second.id}`,
        kind: 'outbid',
        org: r1!.orgId,
        count: null,
      },
    ]);
    // The owner's notice is keyed by the org room's seq of its event, as publishEvent keys it.
    const received = notes.filter((n) => n.kind === 'bid_received');
    const orgSeqs = events.filter((e) => e.room === `org:${g.orgId}`).map((e) => `org:${g.orgId}#${e.seq}`);
    expect(received.map((n) => n.key)).to.deep.equal(orgSeqs);
    expect(received.map((n) => n.count)).to.deep.equal(['1', '2']);
  });

  it('concurrent bids on one auction all rest, the count is right and the room seqs have no gap', async () => {
    const g = await createGenerator(t.request);
    const bidders = await Promise.all(Array.from({ length: 6 }, () => createRecycler(t.request, { licence: null })));
    const l = await createListing(t.request, g, auction());
    const seqBefore = await rows<{ seq: string }>(t.ctx.db, sql`select seq from room_seq where room = ${`listing:${l.id}`}`);
    const results = await Promise.all(
      bidders.map((b, i) => bid(t.request, b, l.id, { pricePerTonneFen: 254_000 + 100 * i, quantityKg: 10_000 })),
    );
    expect(results.map((r) => r.status)).to.deep.equal(bidders.map(() => 201));
    expect((await t.request.get(`/api/v1/listings/${l.id}`)).body.bidCount).to.equal(bidders.length);
    const start = Number(seqBefore[0]?.seq ?? 0);
    const seqs = (await outboxOf(l.id))
      .filter((e) => e.topic === 'realtime.publish' && e.room === `listing:${l.id}`)
      .map((e) => Number(e.seq))
      .sort((a, b) => a - b);
    expect(seqs).to.deep.equal(bidders.map((_, i) => start + i + 1));
    // Each count from 1 to 6 announced once in the public room.
    const counts = (await outboxOf(l.id)).filter((e) => e.room === `listing:${l.id}`).map((e) => Number(e.count));
    expect([...counts].sort((a, b) => a - b)).to.deep.equal([1, 2, 3, 4, 5, 6]);
  });

  it('a listing that changed after the checks: the function writes nothing and answers stale', async () => {
    const g = await createGenerator(t.request);
    const r = await createRecycler(t.request, { licence: null });
    const l = await createListing(t.request, g, auction());
    const before = { bids: await countRows(t, 'bids'), outbox: await countRows(t, 'outbox') };
    const [v] = await rows<{ version: string }>(
      t.ctx.db,
      sql`select updated_at::text as version from listings where id = ${l.id}`,
    );
    const attempt = (expect: { version: string; status: string; remainingKg: number }) =>
      placeRestingBidRow(t.ctx.db, {
        listingId: l.id,
        lockNamespace: LISTING_LOCK,
        expect,
        bid: {
          id: t.ctx.ids.uuid(),
          orgId: r.orgId,
          userId: r.user.id,
          priceFen: 255_000,
          quantityKg: 10_000,
          justification: null,
          priceCheck: { status: 'ok', reasons: [] },
        },
        rows: [],
        outbid: {
          kind: 'outbid',
          subjectType: 'listing',
          subjectId: l.id,
          data: { listingId: l.id },
          key: 'k',
          at: new Date().toISOString(),
        },
      });
    // An older version (the owner edited the terms), another status, another remaining quantity.
    expect((await attempt({ version: '2000-01-01 00:00:00+00', status: 'open', remainingKg: 10_000 })).outcome).to.equal('stale');
    expect((await attempt({ version: v!.version, status: 'draft', remainingKg: 10_000 })).outcome).to.equal('stale');
    expect((await attempt({ version: v!.version, status: 'open', remainingKg: 5_000 })).outcome).to.equal('stale');
    expect(await countRows(t, 'bids')).to.equal(before.bids);
    await t.ctx.jobs.drain();
    expect(await countRows(t, 'outbox')).to.equal(before.outbox);
    expect((await t.request.get(`/api/v1/listings/${l.id}`)).body.bidCount).to.equal(0);
    // The same call with what the listing is: placed.
    expect((await attempt({ version: v!.version, status: 'open', remainingKg: 10_000 })).outcome).to.equal('placed');
  });

  it('a bid after the owner cancelled gets LISTING_NOT_OPEN and writes nothing; a rejected price commits only its alert', async () => {
    const g = await createGenerator(t.request);
    const r = await createRecycler(t.request, { licence: null });
    const open = await createListing(t.request, g, auction());
    const bidsBefore = await countRows(t, 'bids');
    const alertsBefore = (await alertsOf(t, 'price_rejected')).length;
    const rejected = await bid(t.request, r, open.id, { pricePerTonneFen: 2_000_000, quantityKg: 10_000 });
    expect(rejected.status).to.equal(422);
    expect(rejected.body.error.code).to.equal('PRICE_OUT_OF_RANGE');
    expect(await alertsOf(t, 'price_rejected')).to.have.length(alertsBefore + 1);

    const cancelled = await createListing(t.request, g, auction());
    await t.request.post(`/api/v1/listings/${cancelled.id}/cancel`).set(auth(g.token)).expect(200);
    const late = await bid(t.request, r, cancelled.id, { pricePerTonneFen: 255_000, quantityKg: 10_000 });
    expect(late.status).to.equal(422);
    expect(late.body.error.code).to.equal('LISTING_NOT_OPEN');
    expect(await countRows(t, 'bids')).to.equal(bidsBefore);
    expect((await outboxOf(open.id)).length + (await outboxOf(cancelled.id)).length).to.equal(0);
  });

  describe('group commit (BID_GROUP_COMMIT_MS)', () => {
    let g2: TestApp;
    before(async () => {
      g2 = await createTestApp({ env: { BID_GROUP_COMMIT_MS: '2' } });
    });
    after(async () => {
      await g2?.close();
    });

    async function restingArgs(
      app: TestApp,
      listingId: string,
      orgId: string,
      userId: string,
      price: number,
    ): Promise<RestingBidArgs> {
      const [v] = await rows<{ version: string }>(
        app.ctx.db,
        sql`select updated_at::text as version from listings where id = ${listingId}`,
      );
      const owner = (await app.request.get(`/api/v1/listings/${listingId}`)).body.orgId as string;
      const at = new Date().toISOString();
      const data = { listingId, bidCount: 0 };
      return {
        listingId,
        lockNamespace: LISTING_LOCK,
        expect: { version: v!.version, status: 'open', remainingKg: 10_000 },
        bid: {
          id: app.ctx.ids.uuid(),
          orgId,
          userId,
          priceFen: price,
          quantityKg: 10_000,
          justification: null,
          priceCheck: { status: 'ok', reasons: [] },
        },
        rows: [
          {
            topic: 'realtime.publish',
            room: `listing:${listingId}`,
            payload: { room: `listing:${listingId}`, type: 'bid.placed', at, data },
          },
          { topic: 'realtime.publish', room: `org:${owner}`, payload: { room: `org:${owner}`, type: 'bid.placed', at, data } },
        ],
        outbid: {
          kind: 'outbid',
          subjectType: 'listing',
          subjectId: listingId,
          data: { listingId },
          key: `outbid:${listingId}:${price}`,
          at,
        },
      };
    }

    it('a bid that fails inside the group leaves the bids committed with it and their effects untouched, each once', async () => {
      const g = await createGenerator(g2.request);
      const r = await createRecycler(g2.request, { licence: null });
      const [a, b] = [await createListing(g2.request, g, auction()), await createListing(g2.request, g, auction())];
      const good1 = await restingArgs(g2, a.id, r.orgId, r.user.id, 255_000);
      // An org that does not exist: the insert fails on its foreign key, inside its own subtransaction.
      const bad = await restingArgs(g2, a.id, g2.ctx.ids.uuid(), r.user.id, 256_000);
      const good2 = await restingArgs(g2, b.id, r.orgId, r.user.id, 257_000);
      const stale = {
        ...(await restingArgs(g2, b.id, r.orgId, r.user.id, 258_000)),
        expect: { version: 'x', status: 'open', remainingKg: 10_000 },
      };
      const outcomes = await placeRestingBidRows(g2.ctx.db, LISTING_LOCK, [good1, bad, good2, stale]);
      expect(outcomes.map((o) => o.outcome)).to.deep.equal(['placed', 'failed', 'placed', 'stale']);
      const stored = await rows<{ id: string }>(
        g2.ctx.db,
        sql`select id from bids where listing_id in (${a.id}, ${b.id}) order by seq`,
      );
      expect(stored.map((x) => x.id)).to.deep.equal([good1.bid.id, good2.bid.id]);
      await g2.ctx.jobs.drain();
      const events = await rows<{ room: string; seq: string; count: string }>(
        g2.ctx.db,
        sql`select payload->>'room' as room, payload->>'seq' as seq, payload->'data'->>'bidCount' as count from outbox
             where topic = 'realtime.publish' and payload->>'type' = 'bid.placed' and payload->'data'->>'listingId' in (${a.id}, ${b.id})
             order by id`,
      );
      // One bid.placed per room per committed bid, each listing's count 1: the failed bid took nothing.
      expect(events.filter((e) => e.room === `listing:${a.id}`).map((e) => e.count)).to.deep.equal(['1']);
      expect(events.filter((e) => e.room === `listing:${b.id}`).map((e) => e.count)).to.deep.equal(['1']);
      expect(events.filter((e) => e.room === `org:${g.orgId}`)).to.have.length(2);
      expect((await g2.request.get(`/api/v1/listings/${a.id}`)).body.bidCount).to.equal(1);
    });

    it('concurrent bids over HTTP: the good ones rest, a rejected price and a bid below the reserve are refused, every effect once', async () => {
      const g = await createGenerator(g2.request);
      const bidders = await Promise.all(Array.from({ length: 5 }, () => createRecycler(g2.request, { licence: null })));
      const l = await createListing(g2.request, g, auction());
      const alertsBefore = (await alertsOf(g2, 'price_rejected')).length;
      const results = await Promise.all([
        ...bidders.map((b, i) => bid(g2.request, b, l.id, { pricePerTonneFen: 255_000 + 100 * i, quantityKg: 10_000 })),
        bid(g2.request, bidders[0]!, l.id, { pricePerTonneFen: 2_000_000, quantityKg: 10_000 }),
        bid(g2.request, bidders[1]!, l.id, { pricePerTonneFen: 250_000, quantityKg: 10_000 }),
      ]);
      expect(results.map((x) => x.status)).to.deep.equal([201, 201, 201, 201, 201, 422, 422]);
      expect(results.slice(5).map((x) => x.body.error.code)).to.deep.equal(['PRICE_OUT_OF_RANGE', 'BELOW_RESERVE']);
      expect(await alertsOf(g2, 'price_rejected')).to.have.length(alertsBefore + 1);
      expect((await g2.request.get(`/api/v1/listings/${l.id}`)).body.bidCount).to.equal(5);
      await g2.ctx.jobs.drain();
      const events = await rows<{ room: string; seq: string; count: string }>(
        g2.ctx.db,
        sql`select payload->>'room' as room, payload->>'seq' as seq, payload->'data'->>'bidCount' as count from outbox
             where topic = 'realtime.publish' and payload->>'type' = 'bid.placed' and payload->'data'->>'listingId' = ${l.id}`,
      );
      const counts = (room: string) =>
        events
          .filter((e) => e.room === room)
          .map((e) => Number(e.count))
          .sort((x, y) => x - y);
      expect(counts(`listing:${l.id}`)).to.deep.equal([1, 2, 3, 4, 5]);
      expect(counts(`org:${g.orgId}`)).to.deep.equal([1, 2, 3, 4, 5]);
      const received = await rows<{ key: string }>(
        g2.ctx.db,
        sql`select payload->>'key' as key from outbox where topic = 'notifications.fanout' and payload->>'kind' = 'bid_received' and payload->>'subjectId' = ${l.id}`,
      );
      expect(new Set(received.map((x) => x.key)).size).to.equal(5);
      expect(received).to.have.length(5);
    });
  });
});

/**
 * The notification centre (issue 13 item 7): notifications are written from the outbox for the events
 * that concern a user's organisation, exactly once per user and source; deadline reminders come one
 * lead time (DEADLINE_REMINDER_HOURS) before the deadline on the injected clock; each user reads,
 * marks and filters only their own.
 */
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, ManualClock, type TestApp } from '../helpers/app.js';
import { addMember, adminToken, auth, createRegulator, type OrgActor } from '../helpers/actors.js';
import { createGenerator, createListing, createRecycler, inSeconds, placeBid, steelListing } from '../helpers/trading.js';
import { flyAshDeal, openTrip, step, walkTrip } from '../helpers/manifests.js';
import { rows } from '../../server/src/db/tx.js';
import type { JobPayloads } from '../../server/src/jobs/definitions.js';
import type { TNotification, TNotificationsPage } from '../../shared/src/schemas/notifications.js';

const HOUR = 3_600_000;

describe('notification centre', () => {
  let t: TestApp;
  const clock = new ManualClock(new Date());
  before(async () => {
    t = await createTestApp({ clock, env: { DEADLINE_REMINDER_HOURS: '24', AUCTION_MIN_LEAD_SECONDS: '1' } });
  });
  after(async () => {
    await t?.close();
  });
  beforeEach(() => clock.set(new Date()));

  async function page(who: OrgActor, query: Record<string, string | number> = {}): Promise<TNotificationsPage> {
    await t.ctx.jobs.drain();
    const res = await t.request
      .get('/api/v1/notifications')
      .query({ limit: 100, ...query })
      .set(auth(who.token));
    expect(res.status, res.text).to.equal(200);
    return res.body as TNotificationsPage;
  }
  const ofKind = async (who: OrgActor, kind: string, subjectId?: string): Promise<TNotification[]> =>
    (await page(who)).items.filter((n) => n.kind === kind && (!subjectId || n.subjectId === subjectId));

  it("a bid on my listing notifies each of my organisation's users once, and nobody else", async () => {
    const g = await createGenerator(t.request);
    const member = await addMember(t.request, g);
    const r = await createRecycler(t.request, { licence: null });
    const l = await createListing(t.request, g, steelListing({ mode: 'auction', closesAt: inSeconds(3600) }));
    await placeBid(t.request, r, l.id, { pricePerTonneFen: 259_000, quantityKg: 10_000 });

    for (const u of [g, member]) {
      const got = await ofKind(u, 'bid_received', l.id);
      expect(got, u.email).to.have.length(1);
      expect(got[0]).to.include({ subjectType: 'listing', readAt: null });
    }
    expect(await ofKind(r, 'bid_received')).to.have.length(0);
  });

  it('the leading bidder of an auction is told it was outbid; the new leader is not', async () => {
    const g = await createGenerator(t.request);
    const [r1, r2] = await Promise.all([1, 2].map(() => createRecycler(t.request, { licence: null })));
    const l = await createListing(t.request, g, steelListing({ mode: 'auction', closesAt: inSeconds(3600) }));
    const first = await placeBid(t.request, r1!, l.id, { pricePerTonneFen: 259_000, quantityKg: 10_000 });
    expect(await ofKind(r1!, 'outbid', l.id)).to.have.length(0);
    await placeBid(t.request, r2!, l.id, { pricePerTonneFen: 261_000, quantityKg: 10_000 });

    const outbid = await ofKind(r1!, 'outbid', l.id);
    expect(outbid).to.have.length(1);
    expect(outbid[0]!.data).to.deep.equal({ listingId: l.id, bidId: first.id });
    expect(JSON.stringify(outbid[0]), 'no price or rival named in a sealed auction').not.to.match(/261000|261_000/);
    expect(await ofKind(r2!, 'outbid')).to.have.length(0);
  });

  it('a trade created notifies both parties, and the payer that payment is due', async () => {
    const g = await createGenerator(t.request);
    const r = await createRecycler(t.request, { licence: null });
    const l = await createListing(t.request, g, steelListing());
    const b = await placeBid(t.request, r, l.id, { pricePerTonneFen: 258_500, quantityKg: 10_000 });
    const tradeId = b.tradeIds[0]!;

    expect(await ofKind(g, 'trade_created', tradeId)).to.have.length(1);
    expect(await ofKind(r, 'trade_created', tradeId)).to.have.length(1);
    // Positive price: the recycler pays.
    expect(await ofKind(r, 'payment_due', tradeId)).to.have.length(1);
    expect(await ofKind(g, 'payment_due', tradeId)).to.have.length(0);
  });

  it('a redelivered fanout job does not double a notification', async () => {
    const g = await createGenerator(t.request);
    const r = await createRecycler(t.request, { licence: null });
    const l = await createListing(t.request, g, steelListing({ mode: 'auction', closesAt: inSeconds(3600) }));
    await placeBid(t.request, r, l.id, { pricePerTonneFen: 259_000, quantityKg: 10_000 });
    expect(await ofKind(g, 'bid_received', l.id)).to.have.length(1);

    const [job] = await rows<{ id: number; payload: JobPayloads['notifications.fanout'] }>(
      t.ctx.db,
      sql`select id, payload from outbox where topic = 'notifications.fanout' and payload->>'orgId' = ${g.orgId} and payload->>'kind' = 'bid_received'`,
    );
    expect(job, 'the fanout went through the outbox').to.exist;
    // The same job again (a redelivery after a lost acknowledgement), and once more as a copy with another row id.
    expect(await t.ctx.notifications.fanout(job!.payload, { outboxId: Number(job!.id) })).to.equal(0);
    expect(await t.ctx.notifications.fanout(job!.payload, { outboxId: -1 })).to.equal(0);
    expect(await ofKind(g, 'bid_received', l.id)).to.have.length(1);
  });

  it('a manifest step notifies the other parties, never the organisation that took it', async () => {
    const d = await flyAshDeal(t, { quantityKg: 10_000 });
    const m = await openTrip(t, d, 10_000);
    const steps = async (who: OrgActor) => (await ofKind(who, 'manifest_step', m.id)).map((n) => n.data.event);
    // The generator opened the trip: the carrier and the receiver hear of it, the generator does not.
    expect(await steps(d.generator)).to.deep.equal([]);
    expect(await steps(d.carrier)).to.deep.equal(['open']);
    expect(await steps(d.recycler)).to.deep.equal(['open']);
    await step(t, d.generator, m.id, { type: 'issue' });
    expect(await steps(d.generator)).to.deep.equal([]);
    // Both steps, whatever their order: the test clock stands still, so they share a timestamp.
    expect(await steps(d.carrier)).to.have.members(['issue', 'open']);
  });

  it('a receipt deadline reminder appears one lead time before the deadline, once', async () => {
    const d = await flyAshDeal(t, { quantityKg: 10_000 });
    const m = await walkTrip(t, d, await openTrip(t, d, 10_000), { until: 'depart' });
    clock.set(new Date('2030-09-30T07:00:00Z'));
    const arrived = await step(t, d.carrier, m.id, { type: 'arrive' });
    const due = Date.parse(arrived.receiptDueAt!);

    clock.set(new Date(due - 24 * HOUR - 60_000));
    expect(await t.ctx.notifications.sweepReminders()).to.equal(0);
    expect(await ofKind(d.recycler, 'deadline_reminder', m.id)).to.have.length(0);

    clock.set(new Date(due - 24 * HOUR + 60_000));
    expect(await t.ctx.notifications.sweepReminders()).to.equal(1);
    expect(await t.ctx.notifications.sweepReminders(), 'a second pass reminds nobody again').to.equal(0);
    const got = await ofKind(d.recycler, 'deadline_reminder', m.id);
    expect(got).to.have.length(1);
    expect(got[0]!.data).to.include({ which: 'receipt', dueAt: arrived.receiptDueAt, number: arrived.number });
    expect(Date.parse(got[0]!.createdAt)).to.be.below(due);
    // The receiver's duty: the shipper and carrier are not reminded.
    expect(await ofKind(d.generator, 'deadline_reminder', m.id)).to.have.length(0);
    expect(await ofKind(d.carrier, 'deadline_reminder', m.id)).to.have.length(0);
  });

  it('a disposal deadline reminder comes one lead time before disposal is due, to the receiver only', async () => {
    const d = await flyAshDeal(t, { quantityKg: 10_000 });
    const received = await walkTrip(t, d, await openTrip(t, d, 10_000), { until: 'receive' });
    const due = Date.parse(received.disposalDueAt!);
    expect(await t.ctx.notifications.sweepReminders(new Date(due - 25 * HOUR))).to.equal(0);
    expect(await t.ctx.notifications.sweepReminders(new Date(due - 23 * HOUR))).to.equal(1);
    expect(await t.ctx.notifications.sweepReminders(new Date(due - 22 * HOUR))).to.equal(0);
    const got = await ofKind(d.recycler, 'deadline_reminder', received.id);
    expect(got.map((n) => n.data.which)).to.deep.equal(['disposal']);
    expect(await ofKind(d.generator, 'deadline_reminder', received.id)).to.have.length(0);
    // Past the deadline it is the overdue sweep's business, not a reminder.
    expect(await t.ctx.notifications.sweepReminders(new Date(due + HOUR))).to.equal(0);
  });

  it('marking a notification read lowers the unread count; ?unread=true lists only unread ones', async () => {
    const g = await createGenerator(t.request);
    const r = await createRecycler(t.request, { licence: null });
    for (const _ of [1, 2]) {
      const l = await createListing(t.request, g, steelListing({ mode: 'auction', closesAt: inSeconds(3600) }));
      await placeBid(t.request, r, l.id, { pricePerTonneFen: 259_000, quantityKg: 10_000 });
    }
    const before = await page(g);
    expect(before.unreadCount).to.equal(2);
    const target = before.items[0]!;
    const res = await t.request.post(`/api/v1/notifications/${target.id}/read`).set(auth(g.token)).send({});
    expect(res.status, res.text).to.equal(200);
    expect(res.body.readAt).to.be.a('string');

    const after = await page(g);
    expect(after.unreadCount).to.equal(1);
    const unread = await page(g, { unread: 'true' });
    expect(unread.items.map((n) => n.id)).to.deep.equal(before.items.slice(1).map((n) => n.id));
    // Reading again keeps the first time.
    const again = await t.request.post(`/api/v1/notifications/${target.id}/read`).set(auth(g.token)).send({});
    expect(again.body.readAt).to.equal(res.body.readAt);
  });

  it('pages with a cursor, newest first', async () => {
    const g = await createGenerator(t.request);
    const r = await createRecycler(t.request, { licence: null });
    for (const _ of [1, 2, 3]) {
      const l = await createListing(t.request, g, steelListing({ mode: 'auction', closesAt: inSeconds(3600) }));
      await placeBid(t.request, r, l.id, { pricePerTonneFen: 259_000, quantityKg: 10_000 });
    }
    const all = (await page(g)).items;
    const first = await page(g, { limit: 2 });
    expect(first.nextCursor).to.be.a('string');
    const second = await page(g, { limit: 2, cursor: first.nextCursor! });
    expect([...first.items, ...second.items].map((n) => n.id)).to.deep.equal(all.map((n) => n.id));
    expect(second.nextCursor).to.equal(null);
    const bad = await t.request.get('/api/v1/notifications').query({ cursor: 'not-a-cursor' }).set(auth(g.token));
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details.fields[0].path).to.equal('cursor');
  });

  it('a kind turned off in my preferences is not written for me; my colleague still gets it', async () => {
    const g = await createGenerator(t.request);
    const member = await addMember(t.request, g);
    const r = await createRecycler(t.request, { licence: null });
    const prefs = await t.request
      .put('/api/v1/notifications/preferences')
      .set(auth(member.token))
      .send({ enabled: { bid_received: false } });
    expect(prefs.status, prefs.text).to.equal(200);
    expect(prefs.body.enabled).to.include({ bid_received: false, outbid: true });
    expect(
      (await t.request.get('/api/v1/notifications/preferences').set(auth(member.token)).expect(200)).body.enabled.bid_received,
    ).to.equal(false);

    const l = await createListing(t.request, g, steelListing({ mode: 'auction', closesAt: inSeconds(3600) }));
    await placeBid(t.request, r, l.id, { pricePerTonneFen: 259_000, quantityKg: 10_000 });
    expect(await ofKind(member, 'bid_received', l.id)).to.have.length(0);
    expect(await ofKind(g, 'bid_received', l.id)).to.have.length(1);

    const unknown = await t.request
      .put('/api/v1/notifications/preferences')
      .set(auth(member.token))
      .send({ enabled: { no_such_kind: false } });
    expect(unknown.status).to.equal(400);
  });

  it("another user's notification is 404 to me and stays unread", async () => {
    const g = await createGenerator(t.request);
    const other = await createGenerator(t.request);
    const r = await createRecycler(t.request, { licence: null });
    const l = await createListing(t.request, g, steelListing({ mode: 'auction', closesAt: inSeconds(3600) }));
    await placeBid(t.request, r, l.id, { pricePerTonneFen: 259_000, quantityKg: 10_000 });
    const [mine] = await ofKind(g, 'bid_received', l.id);

    const res = await t.request.post(`/api/v1/notifications/${mine!.id}/read`).set(auth(other.token)).send({});
    expect(res.status).to.equal(404);
    expect(res.body.error.code).to.equal('NOT_FOUND');
    expect(res.text).not.to.include(l.id);
    expect((await page(other)).items.map((n) => n.id)).not.to.include(mine!.id);
    expect((await ofKind(g, 'bid_received', l.id))[0]!.readAt).to.equal(null);
  });

  it('a licence decision and a sanction reach the organisation concerned', async () => {
    const r = await createRecycler(t.request);
    const got = await ofKind(r, 'licence_decision', r.licenceId!);
    expect(got).to.have.length(1);
    expect(got[0]!.data).to.include({ decision: 'approve', status: 'approved' });

    const admin = await adminToken(t.request);
    const reg = await createRegulator(t.request, 'city', admin);
    const s = await t.request
      .post('/api/v1/regulator/sanctions')
      .set(auth(reg.token))
      .send({ orgId: r.orgId, severity: 'minor', reason: 'late manifests', decidedAt: new Date().toISOString() });
    expect(s.status, s.text).to.equal(201);
    const sanctions = await ofKind(r, 'sanction', r.orgId);
    expect(sanctions).to.have.length(1);
    expect(sanctions[0]!.data).to.include({ severity: 'minor', reason: 'late manifests' });
  });

  it('an auction close tells the winner it won and the loser it lost', async () => {
    const g = await createGenerator(t.request);
    const [r1, r2] = await Promise.all([1, 2].map(() => createRecycler(t.request, { licence: null })));
    const l = await createListing(t.request, g, steelListing({ mode: 'auction', closesAt: inSeconds(2) }));
    await placeBid(t.request, r1!, l.id, { pricePerTonneFen: 259_000, quantityKg: 10_000 });
    await placeBid(t.request, r2!, l.id, { pricePerTonneFen: 261_000, quantityKg: 10_000 });
    // The auction.close job closes it at closesAt (on the database clock).
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(l.closesAt!) - Date.now()) + 50));
    await t.ctx.jobs.drain();
    expect((await t.request.get(`/api/v1/listings/${l.id}`).expect(200)).body.status).to.equal('matched');
    expect(await ofKind(r2!, 'auction_won', l.id)).to.have.length(1);
    expect(await ofKind(r1!, 'auction_lost', l.id)).to.have.length(1);
    expect(await ofKind(r1!, 'auction_won', l.id)).to.have.length(0);
  });
});

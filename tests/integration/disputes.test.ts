/**
 * Disputes resolved trip by trip (issue 13 item 3): each disputed trip gets a `resolve` event on its
 * chain with the admin as actor; the trade settles once, on the sum over its trips, and the chain
 * still verifies. Evidence notes while the trade is disputed.
 */
import { expect } from 'chai';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { adminToken, auth, registerOrg } from '../helpers/actors.js';
import { flyAshDeal, ledgerOf, openTrip, trade, walkTrip } from '../helpers/manifests.js';

describe('disputes: per-trip resolution', () => {
  let t: TestApp;
  let admin: string;
  before(async () => {
    t = await createTestApp();
    admin = await adminToken(t.request);
  });
  after(async () => {
    await t?.close();
  });

  it('two disputed trips resolved one by one: the trade settles once on the sum, and each chain carries a verified resolve event', async () => {
    const d = await flyAshDeal(t, { quantityKg: 20_000 });
    const tripA = await openTrip(t, d, 10_000);
    const tripB = await openTrip(t, d, 10_000);
    const a = await walkTrip(t, d, tripA, { loadedKg: 10_000, receivedKg: 9_000 });
    const b = await walkTrip(t, d, tripB, { loadedKg: 10_000, receivedKg: 9_400 });
    await t.ctx.jobs.drain();
    expect((await trade(t, d.generator, d.trade.id)).status).to.equal('disputed');

    const trip = await t.request.get(`/api/v1/manifests/${a.id}`).set(auth(d.recycler.token)).expect(200);
    expect(trip.body.dispute).to.deep.include({
      reasons: ['weight_gap'],
      loadedKg: 10_000,
      receivedKg: 9_000,
      gapBp: 1_000,
      toleranceBp: 200,
    });
    expect(trip.body.resolution).to.equal(null);

    const r1 = await t.request
      .post(`/api/v1/manifests/${a.id}/resolve`)
      .set(auth(admin))
      .send({ acceptedKg: 9_500, note: '复核地磅单，取中间值' });
    expect(r1.status, r1.text).to.equal(200);
    expect(r1.body.acceptedKg).to.equal(9_500);
    expect(r1.body.resolution).to.include({
      acceptedKg: 9_500,
      previousAcceptedKg: 9_000,
      note: '复核地磅单，取中间值',
      decidedBy: 'admin',
    });
    expect((await trade(t, d.generator, d.trade.id)).status, 'one trip still disputed').to.equal('disputed');
    const again = await t.request
      .post(`/api/v1/manifests/${a.id}/resolve`)
      .set(auth(admin))
      .send({ acceptedKg: 1, note: 'twice' });
    expect(again.status).to.equal(409);

    const r2 = await t.request
      .post(`/api/v1/manifests/${b.id}/resolve`)
      .set(auth(admin))
      .send({ acceptedKg: 9_400, note: '以接收方地磅为准' });
    expect(r2.status, r2.text).to.equal(200);
    await t.ctx.jobs.drain();
    await t.ctx.jobs.drain();
    const tr = await trade(t, d.generator, d.trade.id);
    expect(tr.status).to.equal('settled');
    expect(tr.acceptedKg, 'the sum over the trips').to.equal(9_500 + 9_400);
    const settles = (await ledgerOf(t, d.generator, d.trade.id)).transfers.filter((x) => x.kind === 'settle');
    expect(settles, 'settled exactly once').to.have.length(1);
    expect(settles[0]!.details.acceptedKg).to.equal(18_900);

    for (const m of [a, b]) {
      const audit = await t.request.get(`/api/v1/manifests/${m.id}/audit`).set(auth(d.generator.token)).expect(200);
      expect(audit.body.valid, JSON.stringify(audit.body)).to.equal(true);
      expect(audit.body.projectionValid, JSON.stringify(audit.body.projectionMismatches)).to.equal(true);
      const resolve = audit.body.events.find((e: { type: string }) => e.type === 'resolve');
      expect(resolve.actorUserId, 'the admin is the actor').to.be.a('string');
      expect(resolve.actorOrgId).to.equal(null);
    }
  });

  it('a trade with trips is not resolved at trade level (409 naming the trips), nor by a party (403), nor a trip that is not disputed (409)', async () => {
    const d = await flyAshDeal(t, { quantityKg: 20_000 });
    const tripOk = await openTrip(t, d, 10_000);
    const tripGap = await openTrip(t, d, 10_000);
    const ok = await walkTrip(t, d, tripOk, { loadedKg: 10_000, receivedKg: 10_000 });
    const gap = await walkTrip(t, d, tripGap, { loadedKg: 10_000, receivedKg: 9_000 });
    const whole = await t.request
      .post(`/api/v1/trades/${d.trade.id}/resolve`)
      .set(auth(admin))
      .send({ acceptedKg: 19_000, note: 'whole trade' });
    expect(whole.status).to.equal(409);
    expect(whole.body.error.details.allowed).to.include(`POST /manifests/${gap.id}/resolve`);
    const party = await t.request
      .post(`/api/v1/manifests/${gap.id}/resolve`)
      .set(auth(d.generator.token))
      .send({ acceptedKg: 10_000, note: 'mine' });
    expect([party.status, party.body.error.code]).to.deep.equal([403, 'FORBIDDEN_ROLE']);
    const notDisputed = await t.request
      .post(`/api/v1/manifests/${ok.id}/resolve`)
      .set(auth(admin))
      .send({ acceptedKg: 10_000, note: 'fine' });
    expect(notDisputed.status).to.equal(409);
    const tooMuch = await t.request
      .post(`/api/v1/manifests/${gap.id}/resolve`)
      .set(auth(admin))
      .send({ acceptedKg: 10_001, note: 'x' });
    expect([tooMuch.status, tooMuch.body.error.details.fields[0].path]).to.deep.equal([400, 'acceptedKg']);
  });

  it('both parties add evidence notes while the trade is disputed; another organisation gets 404 and a settled trade 409', async () => {
    const d = await flyAshDeal(t, { quantityKg: 10_000 });
    const m = await walkTrip(t, d, await openTrip(t, d, 10_000), { loadedKg: 10_000, receivedKg: 9_000 });
    for (const who of [d.generator, d.recycler]) {
      const res = await t.request
        .post(`/api/v1/trades/${d.trade.id}/evidence`)
        .set(auth(who.token))
        .send({ note: `${who.orgId} 的说明` });
      expect(res.status, res.text).to.equal(201);
    }
    const list = await t.request.get(`/api/v1/trades/${d.trade.id}/evidence`).set(auth(d.recycler.token)).expect(200);
    expect(list.body.notes.map((n: { orgId: string }) => n.orgId)).to.deep.equal([d.generator.orgId, d.recycler.orgId]);
    const stranger = await registerOrg(t.request);
    expect((await t.request.get(`/api/v1/trades/${d.trade.id}/evidence`).set(auth(stranger.token))).status).to.equal(404);
    expect(
      (await t.request.post(`/api/v1/trades/${d.trade.id}/evidence`).set(auth(stranger.token)).send({ note: 'x' })).status,
    ).to.equal(404);
    await t.request
      .post(`/api/v1/manifests/${m.id}/resolve`)
      .set(auth(admin))
      .send({ acceptedKg: 9_000, note: 'ok' })
      .expect(200);
    const late = await t.request.post(`/api/v1/trades/${d.trade.id}/evidence`).set(auth(d.recycler.token)).send({ note: 'late' });
    expect(late.status).to.equal(409);
  });
});

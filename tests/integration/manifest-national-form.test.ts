/**
 * Issue 14 item 3: the manifest as complete as the national form. The further fields arrive at opening
 * or in a `supplement` event; a draft is cancelled by a `cancel` event in its chain; a paper manifest
 * used during an outage is entered within 10 working days, marked as such; and a manifest opened
 * before these fields existed (no form in its `open`, a free-text method at disposal) still verifies.
 */
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { auth } from '../helpers/actors.js';
import { flyAshDeal, openTrip, openTripRaw, step, tripBody, walkTrip, type Deal } from '../helpers/manifests.js';
import { one } from '../../server/src/db/tx.js';
import { chainHash, CHAIN_VERSION } from '../../server/src/modules/manifests/chain.js';
import { addWorkingDays } from '../../shared/src/workdays.js';
import type { TManifest, TManifestAudit } from '../../shared/src/schemas/manifests.js';

const FORM = {
  pickupAddress: '绍兴市柯桥区马鞍街道滨海工业区 18 号',
  destinationAddress: '绍兴市上虞区杭州湾经济技术开发区纬五路 6 号',
  shipperContact: { name: '陈立', phone: '13905751234' },
  carrierContact: { name: '王海', phone: '0575-85123456' },
  receiverContact: { name: '李青', phone: '13805759876' },
  driverCertificateNumber: '330621198001010011',
  vehiclePermitNumber: '浙交运管绍字330600012345号',
  hazardousConstituents: '铅、镉、二噁英',
  packageCount: 40,
  managementPlanRef: 'ZJ-GF-2026-0123',
  plannedMethodCode: 'D1',
};

function shanghaiToday(): string {
  return new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
}
function daysAgo(n: number): string {
  return new Date(Date.now() + 8 * 3_600_000 - n * 86_400_000).toISOString().slice(0, 10);
}

describe('manifests: the national form, cancel, paper entry (issue 14)', () => {
  let t: TestApp;
  let d: Deal;
  before(async () => {
    t = await createTestApp();
    d = await flyAshDeal(t, { quantityKg: 20_000 });
  });
  after(async () => {
    await t?.close();
  });

  const audit = async (id: string, token = d.generator.token): Promise<TManifestAudit> => {
    const res = await t.request.get(`/api/v1/manifests/${id}/audit`).set(auth(token));
    expect(res.status, res.text).to.equal(200);
    return res.body as TManifestAudit;
  };

  it('the form given at opening is on the manifest, and its fields may be supplemented later in a supplement event', async () => {
    const m = await openTrip(t, d, 2_000, { form: { pickupAddress: FORM.pickupAddress, packageCount: 10 } });
    expect(m.form).to.include({ pickupAddress: FORM.pickupAddress, packageCount: 10, managementPlanRef: null });
    expect(m.paper).to.equal(null);

    const res = await t.request
      .post(`/api/v1/manifests/${m.id}/form`)
      .set(auth(d.generator.token))
      .send({ ...FORM, pickupAddress: undefined });
    expect(res.status, res.text).to.equal(200);
    const after = res.body as TManifest;
    expect(after.form).to.deep.equal({ ...FORM, pickupAddress: FORM.pickupAddress });
    expect(after.events.map((e) => e.type)).to.deep.equal(['open', 'supplement']);
    const a = await audit(m.id);
    expect(a).to.include({ valid: true, projectionValid: true });

    // Only the shipper supplements; a bad phone or an unknown method code names its field.
    const carrier = await t.request.post(`/api/v1/manifests/${m.id}/form`).set(auth(d.carrier.token)).send({ packageCount: 3 });
    expect(carrier.status, carrier.text).to.equal(403);
    const bad = await t.request
      .post(`/api/v1/manifests/${m.id}/form`)
      .set(auth(d.generator.token))
      .send({ shipperContact: { name: '陈立', phone: '12345' }, plannedMethodCode: 'Z9' });
    expect(bad.status, bad.text).to.equal(400);
    const paths = (bad.body.error.details.fields as { path: string }[]).map((f) => f.path);
    expect(paths).to.include.members(['shipperContact.phone', 'plannedMethodCode']);
    const empty = await t.request.post(`/api/v1/manifests/${m.id}/form`).set(auth(d.generator.token)).send({});
    expect(empty.status, empty.text).to.equal(400);
  });

  it('a cancelled draft shows its cancel event, the chain verifies, and its kg no longer count', async () => {
    const remaining = async () => {
      const r = await one<{ n: number }>(
        t.ctx.db,
        sql`select coalesce(sum(declared_kg), 0)::int as n from manifests where trade_id = ${d.trade.id} and status <> 'cancelled'`,
      );
      return 20_000 - r!.n;
    };
    const free = await remaining();
    const m = await openTrip(t, d, free);
    // The trade is fully declared: another trip is refused until the draft is cancelled.
    const full = await openTripRaw(t, d.generator, d.trade.id, tripBody(d, 1_000));
    expect(full.status, full.text).to.equal(400);

    const notShipper = await t.request
      .post(`/api/v1/manifests/${m.id}/cancel`)
      .set(auth(d.recycler.token))
      .send({ reason: '不是我的' });
    expect(notShipper.status, notShipper.text).to.equal(403);

    const res = await t.request
      .post(`/api/v1/manifests/${m.id}/cancel`)
      .set(auth(d.generator.token))
      .send({ reason: '车辆故障，改日再运' });
    expect(res.status, res.text).to.equal(200);
    const cancelled = res.body as TManifest;
    expect(cancelled).to.include({ status: 'cancelled', cancelReason: '车辆故障，改日再运' });
    expect(cancelled.cancelledAt).to.be.a('string');
    expect(cancelled.nextActions).to.deep.equal([]);
    const last = cancelled.events.at(-1)!;
    expect(last).to.include({ type: 'cancel', seq: 2, actorOrgId: d.generator.orgId });
    expect(last.data).to.deep.equal({ reason: '车辆故障，改日再运' });

    const a = await audit(m.id);
    expect(a).to.include({ valid: true, projectionValid: true });
    expect(a.events.map((e) => e.type)).to.deep.equal(['open', 'cancel']);

    // Cancelled means done: no step, no second cancel, no supplement.
    const issue = await t.request.post(`/api/v1/manifests/${m.id}/events`).set(auth(d.generator.token)).send({ type: 'issue' });
    expect(issue.status, issue.text).to.equal(409);
    const again = await t.request
      .post(`/api/v1/manifests/${m.id}/cancel`)
      .set(auth(d.generator.token))
      .send({ reason: '再次取消' });
    expect(again.status, again.text).to.equal(409);
    const supplement = await t.request
      .post(`/api/v1/manifests/${m.id}/form`)
      .set(auth(d.generator.token))
      .send({ packageCount: 1 });
    expect(supplement.status, supplement.text).to.equal(409);

    // Its kg are free again.
    expect(await remaining()).to.equal(free);
    const next = await openTrip(t, d, 1_000);
    const audited = await one<{ n: number }>(
      t.ctx.db,
      sql`select count(*)::int as n from audit_log where action = 'manifest.cancelled' and subject_id = ${m.id}`,
    );
    expect(audited!.n).to.equal(1);

    // An issued trip is not cancelled (the receiver rejects it instead).
    await step(t, d.generator, next.id, { type: 'issue' });
    const issued = await t.request
      .post(`/api/v1/manifests/${next.id}/cancel`)
      .set(auth(d.generator.token))
      .send({ reason: '太晚了' });
    expect(issued.status, issued.text).to.equal(409);
    expect(issued.body.error.code).to.equal('INVALID_STATE');
  });

  it('a paper manifest from an outage is entered within 10 working days, marked as such; later or future dates are refused', async () => {
    const deal = await flyAshDeal(t, { quantityKg: 6_000 });
    const shippedOn = daysAgo(3);
    const m = await openTrip(t, deal, 2_000, {
      paper: { paperNumber: 'ZJ2026-000731', shippedOn, reason: '系统停电，使用纸质联单' },
    });
    const calendar = { holidays: t.ctx.config.HOLIDAYS, makeupWorkdays: t.ctx.config.MAKEUP_WORKDAYS };
    expect(m.paper).to.deep.equal({
      paperNumber: 'ZJ2026-000731',
      shippedOn,
      reason: '系统停电，使用纸质联单',
      enterBy: addWorkingDays(shippedOn, 10, calendar),
    });
    expect(m.events[0]!.data.paper).to.deep.include({ paperNumber: 'ZJ2026-000731', shippedOn });

    const late = await openTripRaw(
      t,
      deal.generator,
      deal.trade.id,
      tripBody(deal, 1_000, { paper: { paperNumber: 'ZJ2026-000732', shippedOn: daysAgo(30), reason: '停电' } }),
    );
    expect(late.status, late.text).to.equal(400);
    expect(late.body.error.details.fields[0].path).to.equal('paper.shippedOn');
    const future = await openTripRaw(
      t,
      deal.generator,
      deal.trade.id,
      tripBody(deal, 1_000, { paper: { paperNumber: 'ZJ2026-000733', shippedOn: daysAgo(-2), reason: '停电' } }),
    );
    expect(future.status, future.text).to.equal(400);
    expect(future.body.error.details.fields[0].path).to.equal('paper.shippedOn');
  });

  it('a manifest recorded before this change (no form in its open event, a free-text method) still verifies and replays', async () => {
    const deal = await flyAshDeal(t, { quantityKg: 3_000 });
    // Opened and walked as before: no form, no paper in the open event.
    const m = await walkTrip(t, deal, await openTrip(t, deal, 3_000), { until: 'receive' });
    expect(m.events[0]!.data).to.not.have.any.keys('form', 'paper');
    // Its disposal report as the code before issue 14 wrote it: free text in `method`, no code.
    const row = (await one<{ last_hash: string; event_count: number }>(
      t.ctx.db,
      sql`select last_hash, event_count from manifests where id = ${m.id}`,
    ))!;
    const at = new Date();
    const data = { method: 'D10 焚烧处置', disposalDate: shanghaiToday(), late: false };
    const seq = row.event_count + 1;
    const hash = chainHash(row.last_hash, {
      v: CHAIN_VERSION,
      manifestId: m.id,
      seq,
      type: 'report_disposal',
      at: at.toISOString(),
      actorOrgId: deal.recycler.orgId,
      actorUserId: deal.recycler.user.id,
      data,
    });
    await t.ctx.db.execute(sql`insert into manifest_events (manifest_id, seq, v, type, at, actor_org_id, actor_user_id, data, prev_hash, hash)
      values (${m.id}, ${seq}, ${CHAIN_VERSION}, 'report_disposal', ${at.toISOString()}::timestamptz, ${deal.recycler.orgId},
        ${deal.recycler.user.id}, ${JSON.stringify(data)}::jsonb, ${row.last_hash}, ${hash})`);
    // The row as the old projection wrote it, and the form column as migration 0017 filled it in.
    await t.ctx.db.execute(sql`update manifests set status = 'closed', closed_at = ${at.toISOString()}::timestamptz,
      disposal_method = 'D10 焚烧处置', disposal_date = ${shanghaiToday()}, event_count = ${seq}, last_hash = ${hash},
      form = default where id = ${m.id}`);

    const a = await audit(m.id, deal.generator.token);
    expect(a, JSON.stringify(a.projectionMismatches)).to.include({ valid: true, projectionValid: true });
    const res = await t.request.get(`/api/v1/manifests/${m.id}`).set(auth(deal.generator.token));
    expect(res.status, res.text).to.equal(200);
    expect(res.body).to.include({ status: 'closed', disposalMethod: 'D10 焚烧处置', disposalMethodCode: null, paper: null });
    expect(Object.values(res.body.form as Record<string, unknown>).every((v) => v === null)).to.equal(true);
    // And the printable form still renders.
    const pdf = await t.request.get(`/api/v1/manifests/${m.id}/pdf`).set(auth(deal.generator.token));
    expect(pdf.status).to.equal(200);
  });
});

/**
 * Regulator alerts (DESIGN §7 regulator, §8; issue 7 §3): every kind is raised by the module that
 * sees its cause, driven here through that cause, once; regulators list them in scope and resolve
 * them with a note (who and why recorded and audited); alert.raised reaches the regulator rooms live.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { io as ioClient, type Socket } from 'socket.io-client';
import { createTestApp, ManualClock, type TestApp } from '../helpers/app.js';
import { adminToken, approvedLicence, auth, createCreditAgency, createRegulator, type OrgActor } from '../helpers/actors.js';
import {
  alertsOf,
  bid,
  createGenerator,
  createListing,
  createRecycler,
  flyAshListing,
  placeBid,
  steelListing,
} from '../helpers/trading.js';
import { flyAshDeal, openTrip, walkTrip } from '../helpers/manifests.js';
import { waitFor } from '../helpers/wait.js';
import { inTransaction, rows } from '../../server/src/db/tx.js';
import { raiseAlert } from '../../server/src/modules/alerts/service.js';
import type { RealtimeEvent } from '../../shared/src/realtime.js';
import type { TAlert } from '../../shared/src/schemas/regulator.js';
import type { TPage } from '../../shared/src/schemas/common.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('regulator alerts', function () {
  this.timeout(60_000);
  let t: TestApp;
  const clock = new ManualClock(new Date());
  let admin: string;
  let city: OrgActor;
  let keqiao: OrgActor;
  let shangyu: OrgActor;

  async function alertsFor(who: OrgActor, query: Record<string, string> = {}): Promise<TPage<TAlert>> {
    const res = await t.request.get('/api/v1/regulator/alerts').query(query).set(auth(who.token));
    expect(res.status, res.text).to.equal(200);
    return res.body as TPage<TAlert>;
  }
  const ofSubject = async (kind: string, subjectId: string) =>
    (await alertsOf(t, kind)).filter((a) => a.subject_id === subjectId);

  before(async () => {
    t = await createTestApp({
      clock,
      listen: true,
      env: {
        WEBHOOK_ALLOW_LOOPBACK: 'true',
        CREDIT_WEBHOOK_MAX_ATTEMPTS: '1',
        CREDIT_WEBHOOK_BACKOFF_MS: '1',
        TRANSIT_STUCK_HOURS: '48',
      },
    });
    admin = await adminToken(t.request);
    city = await createRegulator(t.request, 'city', admin);
    keqiao = await createRegulator(t.request, ['330603'], admin);
    shangyu = await createRegulator(t.request, ['330604'], admin);
  });
  after(async () => {
    await t?.close();
  });
  beforeEach(() => clock.set(new Date()));

  describe('each kind is raised by its cause, once', () => {
    it('price_flagged: a justified bid outside the band (trading)', async () => {
      const g = await createGenerator(t.request);
      const r = await createRecycler(t.request, { licence: null });
      const listing = await createListing(t.request, g, steelListing());
      const b = await placeBid(t.request, r, listing.id, {
        pricePerTonneFen: 268_000,
        quantityKg: 10_000,
        justification: '含铜量高，溢价收购',
      });
      expect(b.priceCheck.status).to.equal('flagged');
      const found = await ofSubject('price_flagged', b.id);
      expect(found).to.have.length(1);
      expect(found[0]!.district).to.equal('330603');
    });

    it('price_rejected: a bid beyond the flagged range is refused and alerts (trading)', async () => {
      const g = await createGenerator(t.request);
      const r = await createRecycler(t.request, { licence: null });
      const listing = await createListing(t.request, g, steelListing());
      const res = await bid(t.request, r, listing.id, { pricePerTonneFen: 400_000, quantityKg: 10_000, justification: 'x' });
      expect(res.status).to.equal(422);
      expect(res.body.error.code).to.equal('PRICE_OUT_OF_RANGE');
      const found = (await alertsOf(t, 'price_rejected')).filter((a) => a.details.listingId === listing.id);
      expect(found).to.have.length(1);
    });

    it('red_party: a trade with a party at credit level red after a major sanction (trades, credit)', async () => {
      const g = await createGenerator(t.request);
      const r = await createRecycler(t.request, { licence: null });
      const res = await t.request
        .post('/api/v1/regulator/sanctions')
        .set(auth(city.token))
        .send({
          orgId: r.orgId,
          severity: 'major',
          reason: '超期贮存',
          decidedAt: new Date(clock.now().getTime() - 60_000).toISOString(),
        });
      expect(res.status, res.text).to.equal(201);
      await t.ctx.jobs.drain();
      const level = await t.request.get(`/api/v1/credit/orgs/${r.orgId}`).set(auth(city.token));
      expect(level.body, level.text).to.include({ level: 'red' });
      const listing = await createListing(t.request, g, steelListing());
      const b = await placeBid(t.request, r, listing.id, { pricePerTonneFen: 258_500, quantityKg: 10_000 });
      expect(await ofSubject('red_party', b.tradeIds[0]!)).to.have.length(1);
    });

    it('capacity_high: a disposer’s hazardous intake passes 90 % of its licence, alerted once for the year', async () => {
      const g = await createGenerator(t.request);
      const r = await createRecycler(t.request, { licence: { annualCapacityKg: 10_000 } });
      const listing = await createListing(t.request, g, flyAshListing({ quantityKg: 20_000, minLotKg: 100 }));
      await placeBid(t.request, r, listing.id, { pricePerTonneFen: -189_300, quantityKg: 8_000 });
      expect(await ofSubject('capacity_high', r.orgId), 'at 80 % nothing yet').to.have.length(0);
      await placeBid(t.request, r, listing.id, { pricePerTonneFen: -189_300, quantityKg: 1_500 });
      await placeBid(t.request, r, listing.id, { pricePerTonneFen: -189_300, quantityKg: 400 });
      const found = await ofSubject('capacity_high', r.orgId);
      expect(found, 'once, at 95 %, not again at 99 %').to.have.length(1);
      expect(found[0]!.district).to.equal('330604');
      expect(found[0]!.details).to.include({ usedKg: 9_500, permittedKg: 10_000 });
    });

    it('weight_gap: received weight more than 2 % off the loaded weight (manifests)', async () => {
      const d = await flyAshDeal(t, { quantityKg: 12_000 });
      const m = await walkTrip(t, d, await openTrip(t, d, 12_000), {
        loadedKg: 12_000,
        receivedKg: 11_000,
        decision: 'partial',
        acceptedKg: 11_000,
      });
      expect(await ofSubject('weight_gap', m.id)).to.have.length(1);
    });

    it('load_rejected: the receiver rejects a load (manifests)', async () => {
      const d = await flyAshDeal(t, { quantityKg: 12_000 });
      const m = await walkTrip(t, d, await openTrip(t, d, 12_000), { decision: 'reject', acceptedKg: 0, note: '包装破损' });
      const found = await ofSubject('load_rejected', m.id);
      expect(found).to.have.length(1);
      expect(found[0]!.district).to.equal('330604');
    });

    it('receipt_overdue, disposal_overdue and transit_stuck: the deadline sweep, once however often it runs (manifests)', async () => {
      const d = await flyAshDeal(t, { quantityKg: 30_000 });
      const arrived = await walkTrip(t, d, await openTrip(t, d, 10_000), { until: 'arrive' });
      const received = await walkTrip(t, d, await openTrip(t, d, 10_000, { vehiclePlate: '浙DD12345' }), { until: 'receive' });
      const loaded = await walkTrip(t, d, await openTrip(t, d, 10_000, { vehiclePlate: '浙D67890' }), { until: 'load' });
      clock.set(new Date(Date.now() + 40 * DAY));
      for (let i = 0; i < 2; i++) await t.ctx.manifests.sweepDeadlines();
      expect(await ofSubject('receipt_overdue', arrived.id)).to.have.length(1);
      expect(await ofSubject('disposal_overdue', received.id)).to.have.length(1);
      expect(await ofSubject('transit_stuck', loaded.id)).to.have.length(1);
    });

    it('delivery_dead: a credit webhook that fails its last attempt lands in dead letters and alerts the city (credit feeds)', async () => {
      const consumer = http.createServer((_req, res) => {
        res.statusCode = 500;
        res.end('down');
      });
      await new Promise<void>((r) => consumer.listen(0, '127.0.0.1', r));
      try {
        const agency = await createCreditAgency(t.request, admin);
        const url = `http://127.0.0.1:${(consumer.address() as AddressInfo).port}/hook`;
        const sub = await t.request
          .post('/api/v1/credit/subscriptions')
          .set(auth(agency.token))
          .send({ url, secret: 'a-secret-of-sixteen+' });
        expect(sub.status, sub.text).to.equal(201);
        const g = await createGenerator(t.request);
        const s = await t.request
          .post('/api/v1/regulator/sanctions')
          .set(auth(city.token))
          .send({
            orgId: g.orgId,
            severity: 'minor',
            reason: '台账不全',
            decidedAt: new Date(clock.now().getTime() - 60_000).toISOString(),
          });
        expect(s.status, s.text).to.equal(201);
        const dead = await waitFor(
          async () => {
            await t.ctx.jobs.drain();
            const found = (await alertsOf(t, 'delivery_dead')).filter((a) => a.details.subscriptionId === sub.body.id);
            return found.length ? found : null;
          },
          { what: 'a delivery_dead alert', timeoutMs: 20_000 },
        );
        await t.ctx.jobs.drain();
        // The cause is a dead delivery: the sanction may reach the agency as more than one feed event
        // (each recompute that changes the score), and each dead delivery raises exactly one alert.
        const alerts = (await alertsOf(t, 'delivery_dead')).filter((a) => a.details.subscriptionId === sub.body.id);
        const deadLetters = await rows<{ delivery_id: string }>(
          t.ctx.db,
          sql`select delivery_id from credit_dead_letters where subscription_id = ${sub.body.id}`,
        );
        expect(deadLetters.length).to.be.at.least(1);
        expect(alerts.map((a) => a.subject_id).sort()).to.deep.equal(deadLetters.map((d) => d.delivery_id).sort());
        expect(dead![0]!.district, 'city regulators only').to.equal(null);
      } finally {
        consumer.close();
      }
    });
  });

  describe('listing in scope and resolving', () => {
    let kqAlert: string;
    let syAlert: string;
    let cityAlert: string;
    before(async () => {
      const raise = (district: string | null, message: string) =>
        inTransaction(t.ctx.db, (tx) =>
          raiseAlert(tx, t.ctx.ids, { kind: 'weight_gap', district, subjectType: 'manifest', subjectId: randomUUID(), message }),
        );
      kqAlert = (await raise('330603', 'Keqiao alert'))!;
      syAlert = (await raise('330604', 'Shangyu alert'))!;
      cityAlert = (await raise(null, 'City-wide alert'))!;
    });

    it('a district regulator sees its districts’ alerts only; a city regulator also those without a district', async () => {
      const kq = (await alertsFor(keqiao, { limit: '100' })).items;
      expect(kq.map((a) => a.id))
        .to.include(kqAlert)
        .and.not.include(syAlert)
        .and.not.include(cityAlert);
      expect(kq.every((a) => a.district === '330603')).to.equal(true);
      const all = (await alertsFor(city, { limit: '100' })).items.map((a) => a.id);
      expect(all).to.include.members([kqAlert, syAlert, cityAlert]);
      expect((await alertsFor(keqiao, { district: '330604' })).items).to.deep.equal([]);
    });

    it('filters by kind and status and pages newest first with a cursor', async () => {
      const gaps = (await alertsFor(city, { kind: 'weight_gap', limit: '100' })).items;
      expect(gaps.every((a) => a.kind === 'weight_gap')).to.equal(true);
      const first = await alertsFor(city, { limit: '2' });
      expect(first.items).to.have.length(2);
      expect(first.nextCursor).to.be.a('string');
      const second = await alertsFor(city, { limit: '2', cursor: first.nextCursor! });
      expect(second.items[0]!.id).to.not.be.oneOf(first.items.map((a) => a.id));
      expect(second.items[0]!.createdAt <= first.items[1]!.createdAt).to.equal(true);
      const bad = await t.request.get('/api/v1/regulator/alerts').query({ kind: 'nonsense' }).set(auth(city.token));
      expect(bad.status).to.equal(400);
    });

    it('resolving records who and why, audited; a second resolve is 409; outside the scope it is 404', async () => {
      const outside = await t.request
        .post(`/api/v1/regulator/alerts/${syAlert}/resolve`)
        .set(auth(keqiao.token))
        .send({ note: '不是我区' });
      expect(outside.status).to.equal(404);
      const empty = await t.request
        .post(`/api/v1/regulator/alerts/${kqAlert}/resolve`)
        .set(auth(keqiao.token))
        .send({ note: '' });
      expect(empty.status).to.equal(400);

      const note = '现场核查磅单，差异系含水率变化，已告知双方';
      const res = await t.request.post(`/api/v1/regulator/alerts/${kqAlert}/resolve`).set(auth(keqiao.token)).send({ note });
      expect(res.status, res.text).to.equal(200);
      const a = res.body as TAlert;
      expect(a).to.include({ id: kqAlert, status: 'resolved', resolutionNote: note });
      expect(a.resolvedBy).to.deep.equal({
        userId: keqiao.user.id,
        name: keqiao.user.name,
        orgId: keqiao.orgId,
        orgName: keqiao.org.name,
      });
      expect(Date.parse(a.resolvedAt!)).to.be.closeTo(clock.now().getTime(), 1000);

      const audit = await rows<{ actor_user_id: string; actor_org_id: string; details: { note: string } }>(
        t.ctx.db,
        sql`select actor_user_id, actor_org_id, details from audit_log where action = 'alert.resolve' and subject_id = ${kqAlert}`,
      );
      expect(audit).to.have.length(1);
      expect(audit[0]).to.deep.include({ actor_user_id: keqiao.user.id, actor_org_id: keqiao.orgId });
      expect(audit[0]!.details.note).to.equal(note);

      const again = await t.request
        .post(`/api/v1/regulator/alerts/${kqAlert}/resolve`)
        .set(auth(city.token))
        .send({ note: 'again' });
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal('INVALID_STATE');

      const listed = (await alertsFor(city, { status: 'resolved', limit: '100' })).items.find((x) => x.id === kqAlert);
      expect(listed?.resolvedBy?.userId).to.equal(keqiao.user.id);
      expect((await alertsFor(keqiao, { status: 'open', limit: '100' })).items.map((x) => x.id)).to.not.include(kqAlert);
    });
  });

  describe('live', () => {
    const sockets: Socket[] = [];
    after(() => sockets.forEach((s) => s.close()));

    async function listen(who: OrgActor): Promise<RealtimeEvent[]> {
      const got: RealtimeEvent[] = [];
      const s = ioClient(t.server!.url, {
        path: '/socket.io',
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        auth: { token: who.token },
      });
      sockets.push(s);
      s.onAny((_name, payload) => got.push(payload as RealtimeEvent));
      await new Promise<void>((resolve, reject) => {
        s.once('connect', () => resolve());
        s.once('connect_error', reject);
      });
      return got;
    }

    it('alert.raised reaches the rooms of the alert’s district and the city, not other districts', async () => {
      const [kq, sy, all] = await Promise.all([listen(keqiao), listen(shangyu), listen(city)]);
      // A real cause: a capacity_high alert for a Shangyu disposer.
      const g = await createGenerator(t.request);
      const r = await createRecycler(t.request, { licence: { annualCapacityKg: 1_000 } });
      const listing = await createListing(t.request, g, flyAshListing({ quantityKg: 1_000, minLotKg: 1_000 }));
      await placeBid(t.request, r, listing.id, { pricePerTonneFen: -189_300, quantityKg: 1_000 });
      const isMine = (e: RealtimeEvent) =>
        e.type === 'alert.raised' && e.kind === 'capacity_high' && (e.alert as TAlert | undefined)?.subjectId === r.orgId;
      const inSy = (await waitFor(() => sy.find(isMine), { what: 'alert.raised in regulator:330604' }))!;
      expect(inSy).to.include({ room: 'regulator:330604', district: '330604' });
      expect(inSy.alertId).to.be.a('string');
      expect((inSy.alert as TAlert).message).to.match(/capacity|kg/);
      await waitFor(() => all.find(isMine), { what: 'alert.raised in regulator:city' });
      expect(kq.find(isMine), 'Keqiao’s room does not get Shangyu’s alert').to.equal(undefined);
    });
  });

  it('licences are checked for capacity with the largest approved licence valid in the year', async () => {
    // Two licences: 1 000 kg and 100 000 kg; 1 000 kg of intake is 1 % of the larger, no alert.
    const g = await createGenerator(t.request);
    const r = await createRecycler(t.request, { licence: { annualCapacityKg: 1_000 } });
    await approvedLicence(t.request, r, { annualCapacityKg: 100_000 }, admin);
    const listing = await createListing(t.request, g, flyAshListing({ quantityKg: 1_000, minLotKg: 1_000 }));
    await placeBid(t.request, r, listing.id, { pricePerTonneFen: -189_300, quantityKg: 1_000 });
    expect(await ofSubject('capacity_high', r.orgId)).to.have.length(0);
  });
});

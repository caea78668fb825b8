/**
 * Issue 13 items 6 and 8. GET /todos lists what the caller's organisation has to do next — pay,
 * open a trip, the manifest step whose part is its own (with the receipt deadline), and for a
 * regulator the pending licences and open alerts in its scope — and never another org's work.
 * An owner lists its members and removes one: the removed member loses access at once (its access
 * token is refused on the next request and its refresh token no longer works).
 */
import { expect } from 'chai';
import { createTestApp, type TestApp } from '../helpers/app.js';
import {
  PASSWORD,
  addMember,
  adminToken,
  auth,
  createRegulator,
  registerOrg,
  submitLicence,
  type OrgActor,
} from '../helpers/actors.js';
import { flyAshDeal, openTrip, slagDeal, walkTrip } from '../helpers/manifests.js';
import { inTransaction } from '../../server/src/db/tx.js';
import { raiseAlert } from '../../server/src/modules/alerts/index.js';
import type { TTodo } from '../../shared/src/schemas/todos.js';

describe('security: the to-do list and organisation members (issue 13 items 6 and 8)', () => {
  let t: TestApp;
  let admin: string;
  before(async () => {
    t = await createTestApp();
    admin = await adminToken(t.request);
  });
  after(async () => {
    await t?.close();
  });

  async function todos(who: OrgActor | string): Promise<TTodo[]> {
    const res = await t.request.get('/api/v1/todos').set(auth(typeof who === 'string' ? who : who.token));
    expect(res.status, res.text).to.equal(200);
    return res.body.items as TTodo[];
  }
  const about = (items: TTodo[], id: string) => items.filter((i) => i.subjectId === id).map((i) => i.kind);

  describe('GET /todos', () => {
    it('the payer of an unpaid trade is asked to pay it, with a link to the trade; the payee and outsiders are not', async () => {
      const d = await slagDeal(t, { fund: false });
      const mine = (await todos(d.recycler)).find((i) => i.subjectId === d.trade.id);
      expect(mine, 'the payer sees the trade').to.include({ kind: 'pay', subjectType: 'trade', href: `/trades/${d.trade.id}` });
      expect(about(await todos(d.generator), d.trade.id)).to.deep.equal([]);
      expect(about(await todos(await registerOrg(t.request)), d.trade.id)).to.deep.equal([]);
    });

    it('a funded trade without trips asks its shipper to open one; each manifest step then goes to the party that does it', async () => {
      const d = await slagDeal(t);
      expect(about(await todos(d.generator), d.trade.id)).to.deep.equal(['open_trip']);
      const m = await openTrip(t, d, 10_000);
      expect(about(await todos(d.generator), d.trade.id), 'a trip is open').to.deep.equal([]);
      expect(about(await todos(d.generator), m.id)).to.deep.equal(['issue']);
      expect(about(await todos(d.carrier), m.id), 'not yet the carrier’s step').to.deep.equal([]);
      await walkTrip(t, d, m, { until: 'issue' });
      expect(about(await todos(d.carrier), m.id)).to.deep.equal(['load']);
      expect(about(await todos(d.generator), m.id)).to.deep.equal([]);
    });

    it('the receiver of an arrived trip is asked to receive it with the receipt deadline', async () => {
      const d = await slagDeal(t);
      const m = await openTrip(t, d, 10_000);
      const arrived = await walkTrip(t, d, m, { until: 'arrive' });
      const item = (await todos(d.recycler)).find((i) => i.subjectId === m.id);
      expect(item?.kind).to.equal('receive');
      expect(item?.href).to.equal(`/manifests/${m.id}`);
      expect(item?.deadline, 'the receipt deadline').to.be.a('string');
      expect(new Date(item!.deadline!).getTime()).to.equal(new Date(arrived.receiptDueAt!).getTime());
      expect(about(await todos(d.carrier), m.id)).to.deep.equal([]);
    });

    it('a regulator sees pending licences and open alerts in its scope only; a trader sees neither', async () => {
      const city = await createRegulator(t.request, 'city', admin);
      const yuecheng = await createRegulator(t.request, ['330602'], admin);
      const applicant = await registerOrg(t.request, { roles: ['recycler'], district: '330603' });
      const licence = await submitLicence(t.request, applicant);
      const d = await flyAshDeal(t, { fund: false });
      const alertId = (await inTransaction(t.ctx.db, (tx) =>
        raiseAlert(tx, t.ctx.ids, {
          kind: 'weight_gap',
          district: '330603',
          subjectType: 'trade',
          subjectId: d.trade.id,
          message: 'todo alert',
        }),
      ))!;
      const cityItems = await todos(city);
      expect(about(cityItems, licence.id)).to.deep.equal(['approve_licence']);
      expect(about(cityItems, alertId)).to.deep.equal(['handle_alert']);
      const districtItems = await todos(yuecheng);
      expect(about(districtItems, licence.id), 'another district’s licence').to.deep.equal([]);
      expect(about(districtItems, alertId), 'another district’s alert').to.deep.equal([]);
      const trader = await todos(applicant);
      expect(about(trader, licence.id)).to.deep.equal([]);
      expect(about(trader, alertId)).to.deep.equal([]);
    });

    it('without a token it is 401', async () => {
      expect((await t.request.get('/api/v1/todos')).status).to.equal(401);
    });
  });

  describe('members', () => {
    it('an owner lists its members; a removed member loses access at once and disappears from the list', async () => {
      const owner = await registerOrg(t.request);
      const member = await addMember(t.request, owner);
      expect((await t.request.get('/api/v1/trades').set(auth(member.token))).status, 'the member works').to.equal(200);
      const list = await t.request.get(`/api/v1/orgs/${owner.orgId}/users`).set(auth(owner.token));
      expect(list.status, list.text).to.equal(200);
      expect(list.body.items.map((u: { email: string }) => u.email)).to.have.members([owner.email, member.email]);

      const removed = await t.request.delete(`/api/v1/orgs/${owner.orgId}/users/${member.user.id}`).set(auth(owner.token));
      expect(removed.status, removed.text).to.equal(204);
      const after = await t.request.get('/api/v1/trades').set(auth(member.token));
      expect(after.status, 'the access token is refused on the next request').to.equal(401);
      expect(
        (await t.request.post('/api/v1/auth/refresh').send({ refreshToken: member.refreshToken })).status,
        'refresh',
      ).to.equal(401);
      expect(
        (await t.request.post('/api/v1/auth/login').send({ email: member.email, password: PASSWORD })).status,
        'sign-in',
      ).to.equal(401);
      const again = await t.request.get(`/api/v1/orgs/${owner.orgId}/users`).set(auth(owner.token));
      expect(again.body.items.map((u: { email: string }) => u.email)).to.deep.equal([owner.email]);
    });

    it('a member cannot remove another member, another org’s owner cannot remove one, and an owner cannot remove itself', async () => {
      const owner = await registerOrg(t.request);
      const a = await addMember(t.request, owner);
      const b = await addMember(t.request, owner);
      const stranger = await registerOrg(t.request);
      const byMember = await t.request.delete(`/api/v1/orgs/${owner.orgId}/users/${b.user.id}`).set(auth(a.token));
      expect(byMember.status).to.equal(403);
      const byStranger = await t.request.delete(`/api/v1/orgs/${owner.orgId}/users/${b.user.id}`).set(auth(stranger.token));
      expect([403, 404]).to.include(byStranger.status);
      const strangerList = await t.request.get(`/api/v1/orgs/${owner.orgId}/users`).set(auth(stranger.token));
      expect([403, 404]).to.include(strangerList.status);
      expect(strangerList.text).to.not.include(b.email);
      const self = await t.request.delete(`/api/v1/orgs/${owner.orgId}/users/${owner.user.id}`).set(auth(owner.token));
      expect(self.status).to.equal(409);
      expect((await t.request.get('/api/v1/trades').set(auth(b.token))).status, 'b still works').to.equal(200);
    });
  });
});

import { expect } from 'chai';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { adminToken, auth, createRegulator, registerOrg } from '../helpers/actors.js';
import { createGenerator, createListing, createRecycler, placeBid, steelListing } from '../helpers/trading.js';
import type { TTrade } from '../../shared/src/schemas/trades.js';

describe('trades: who sees what', () => {
  let t: TestApp;
  // Two trades in different districts: Zhuji → Shengzhou, and Yuecheng → Yuecheng.
  let zhujiTrade: string;
  let yuechengTrade: string;
  let gZhuji: Awaited<ReturnType<typeof createGenerator>>;
  let rShengzhou: Awaited<ReturnType<typeof createRecycler>>;

  before(async () => {
    t = await createTestApp();
    gZhuji = await createGenerator(t.request, { district: '330681' });
    rShengzhou = await createRecycler(t.request, { licence: null, district: '330683' });
    const l1 = await createListing(t.request, gZhuji, steelListing({ district: '330681' }));
    zhujiTrade = (await placeBid(t.request, rShengzhou, l1.id, { pricePerTonneFen: 258_500, quantityKg: 10_000 })).tradeIds[0]!;
    const gYue = await createGenerator(t.request, { district: '330602' });
    const rYue = await createRecycler(t.request, { licence: null, district: '330602' });
    const l2 = await createListing(t.request, gYue, steelListing({ district: '330602' }));
    yuechengTrade = (await placeBid(t.request, rYue, l2.id, { pricePerTonneFen: 258_500, quantityKg: 10_000 })).tradeIds[0]!;
  });
  after(async () => {
    await t?.close();
  });

  const ids = (body: { items: TTrade[] }) => body.items.map((x) => x.id);

  it('each party sees its trade in GET /trades and GET /trades/:id', async () => {
    for (const who of [gZhuji, rShengzhou]) {
      const list = await t.request.get('/api/v1/trades').set(auth(who.token)).expect(200);
      expect(ids(list.body)).to.deep.equal([zhujiTrade]);
      expect((await t.request.get(`/api/v1/trades/${zhujiTrade}`).set(auth(who.token)).expect(200)).body.id).to.equal(zhujiTrade);
    }
  });

  it('another org sees none of them, and a trade it is not party to is 404', async () => {
    const stranger = await registerOrg(t.request, { roles: ['carrier'] });
    expect((await t.request.get('/api/v1/trades').set(auth(stranger.token)).expect(200)).body.items).to.deep.equal([]);
    const res = await t.request.get(`/api/v1/trades/${zhujiTrade}`).set(auth(stranger.token));
    expect(res.status).to.equal(404);
    expect(res.body.error.code).to.equal('NOT_FOUND');
    expect((await t.request.get(`/api/v1/trades/${zhujiTrade}`)).status).to.equal(401);
  });

  it('a regulator scoped to the origin or the destination district sees the trade; one scoped elsewhere does not', async () => {
    const admin = await adminToken(t.request);
    const origin = await createRegulator(t.request, ['330681'], admin);
    const destination = await createRegulator(t.request, ['330683'], admin);
    const elsewhere = await createRegulator(t.request, ['330624'], admin);
    for (const reg of [origin, destination]) {
      expect(ids((await t.request.get('/api/v1/trades').set(auth(reg.token)).expect(200)).body)).to.deep.equal([zhujiTrade]);
      expect((await t.request.get(`/api/v1/trades/${zhujiTrade}`).set(auth(reg.token))).status).to.equal(200);
      expect((await t.request.get(`/api/v1/trades/${yuechengTrade}`).set(auth(reg.token))).status).to.equal(404);
    }
    expect((await t.request.get('/api/v1/trades').set(auth(elsewhere.token)).expect(200)).body.items).to.deep.equal([]);
    expect((await t.request.get(`/api/v1/trades/${zhujiTrade}`).set(auth(elsewhere.token))).status).to.equal(404);
  });

  it('a city regulator and the admin see every trade', async () => {
    const admin = await adminToken(t.request);
    const city = await createRegulator(t.request, 'city', admin);
    for (const token of [city.token, admin]) {
      const all = ids((await t.request.get('/api/v1/trades').query({ limit: 100 }).set(auth(token)).expect(200)).body);
      expect(all).to.include.members([zhujiTrade, yuechengTrade]);
    }
  });

  it('pages with a cursor, newest first, and filters by status', async () => {
    const g = await createGenerator(t.request);
    const r = await createRecycler(t.request, { licence: null });
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      const l = await createListing(t.request, g, steelListing());
      made.push((await placeBid(t.request, r, l.id, { pricePerTonneFen: 258_500, quantityKg: 10_000 })).tradeIds[0]!);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 5; page++) {
      const res: { body: { items: TTrade[]; nextCursor: string | null } } = await t.request
        .get('/api/v1/trades')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set(auth(g.token))
        .expect(200);
      seen.push(...ids(res.body));
      cursor = res.body.nextCursor;
      if (!cursor) break;
    }
    expect(seen).to.deep.equal([...made].reverse());
    expect(
      (await t.request.get('/api/v1/trades').query({ status: 'awaiting_payment' }).set(auth(g.token)).expect(200)).body.items,
    ).to.have.length(5);
    expect(
      (await t.request.get('/api/v1/trades').query({ status: 'settled' }).set(auth(g.token)).expect(200)).body.items,
    ).to.deep.equal([]);
    expect((await t.request.get('/api/v1/trades').query({ status: 'bogus' }).set(auth(g.token))).status).to.equal(400);
  });
});

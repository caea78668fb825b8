import { expect } from 'chai';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { makeParties, makeTrade, pay, tradeStatus, type Parties } from '../helpers/settlement.js';

/** Issue 10 item 5: an Idempotency-Key answers for one request (method, concrete path, body), not for a route pattern. */
describe('security: Idempotency-Key is scoped to the concrete resource', () => {
  let t: TestApp;
  let p: Parties;
  before(async () => {
    t = await createTestApp();
    p = await makeParties(t.request);
  });
  after(async () => {
    await t?.close();
  });

  it('the key of POST /trades/A/pay reused on POST /trades/B/pay is 409 IDEMPOTENCY_MISMATCH and B stays unpaid', async () => {
    const a = await makeTrade(t, p, { pricePerTonneFen: 258_500, quantityKg: 1_000 });
    const b = await makeTrade(t, p, { pricePerTonneFen: 258_500, quantityKg: 2_000 });
    const key = `pay-${a.id}`;
    const first = await pay(t.request, p.recycler, a.id).set('Idempotency-Key', key);
    expect(first.status, first.text).to.equal(200);
    expect(first.body.status).to.equal('funded');

    const reused = await pay(t.request, p.recycler, b.id).set('Idempotency-Key', key);
    expect(reused.status, reused.text).to.equal(409);
    expect(reused.body.error.code).to.equal('IDEMPOTENCY_MISMATCH');
    expect(reused.headers['idempotent-replayed']).to.equal(undefined);
    expect(await tradeStatus(t, b.id)).to.equal('awaiting_payment');
  });

  it('the same key on the same trade still replays the first answer', async () => {
    const a = await makeTrade(t, p, { pricePerTonneFen: 258_500, quantityKg: 1_000 });
    const key = `pay-again-${a.id}`;
    const first = await pay(t.request, p.recycler, a.id).set('Idempotency-Key', key).expect(200);
    const again = await pay(t.request, p.recycler, a.id).set('Idempotency-Key', key).expect(200);
    expect(again.headers['idempotent-replayed']).to.equal('true');
    expect(again.body).to.deep.equal(first.body);
  });

  it('an Idempotency-Key that is not printable ASCII is 400 naming the header, and nothing is paid', async () => {
    const a = await makeTrade(t, p, { pricePerTonneFen: 258_500, quantityKg: 1_000 });
    for (const key of ['two words', 'clé-\u00e9', 'tab\there']) {
      const res = await pay(t.request, p.recycler, a.id).set('Idempotency-Key', key);
      expect(res.status, `${key}: ${res.text}`).to.equal(400);
      expect(res.body.error.details.fields.map((f: { path: string }) => f.path)).to.deep.equal(['Idempotency-Key']);
    }
    expect(await tradeStatus(t, a.id)).to.equal('awaiting_payment');
  });
});

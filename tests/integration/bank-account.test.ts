import { expect } from 'chai';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { auth } from '../helpers/actors.js';
import { makeParties, makeTrade, pay, payeeOf, payerOf, type Parties } from '../helpers/settlement.js';

const ACCOUNT = { name: '绍兴无废交易服务有限公司', number: '3301 0400 1234 5678 901', bank: '中国工商银行绍兴柯桥支行' };

describe('bank transfers name the platform’s receiving account (BANK_ACCOUNT_NAME, BANK_ACCOUNT_NUMBER, BANK_NAME)', () => {
  describe('with the account configured', () => {
    let t: TestApp;
    let p: Parties;
    before(async () => {
      t = await createTestApp({
        startJobs: false,
        env: { BANK_ACCOUNT_NAME: ACCOUNT.name, BANK_ACCOUNT_NUMBER: ACCOUNT.number, BANK_NAME: ACCOUNT.bank },
      });
      p = await makeParties(t.request);
    });
    after(async () => {
      await t?.close();
    });

    it('paying by bank transfer answers with the account, the reference and the amount; the trade’s payment shows the same to both parties', async () => {
      const trade = await makeTrade(t, p, { pricePerTonneFen: 258_500, quantityKg: 10_000 });
      const payer = payerOf(p, trade);
      const res = await pay(t.request, payer, trade.id, { provider: 'bank_transfer' });
      expect(res.status, res.text).to.equal(200);
      expect(res.body).to.deep.include({ provider: 'bank_transfer', amountFen: 2_585_000, status: 'pending' });
      expect(res.body.reference).to.match(/^ZWX\d{10,}$/);
      expect(res.body.account).to.deep.equal(ACCOUNT);

      for (const who of [payer, payeeOf(p, trade)]) {
        const seen = await t.request.get(`/api/v1/trades/${trade.id}/payment`).set(auth(who.token)).expect(200);
        expect(seen.body.payment).to.deep.include({
          provider: 'bank_transfer',
          reference: res.body.reference,
          amountFen: 2_585_000,
        });
        expect(seen.body.payment.bankAccount).to.deep.equal(ACCOUNT);
      }
    });

    it('a payment by another provider carries no bank account', async () => {
      const trade = await makeTrade(t, p, { pricePerTonneFen: 100_000, quantityKg: 1_000 });
      await pay(t.request, payerOf(p, trade), trade.id).expect(200);
      const seen = await t.request
        .get(`/api/v1/trades/${trade.id}/payment`)
        .set(auth(payerOf(p, trade).token))
        .expect(200);
      expect(seen.body.payment.provider).to.equal('simulated');
      expect(seen.body.payment.bankAccount).to.equal(null);
    });
  });

  describe('without it (allowed outside production)', () => {
    let t: TestApp;
    let p: Parties;
    before(async () => {
      t = await createTestApp({ startJobs: false });
      p = await makeParties(t.request);
    });
    after(async () => {
      await t?.close();
    });

    it('the reference and amount come with account null, which the page turns into "ask the operator"', async () => {
      const trade = await makeTrade(t, p, { pricePerTonneFen: 258_500, quantityKg: 2_000 });
      const res = await pay(t.request, payerOf(p, trade), trade.id, { provider: 'bank_transfer' });
      expect(res.status, res.text).to.equal(200);
      expect(res.body).to.deep.include({ provider: 'bank_transfer', amountFen: 517_000, account: null });
      const seen = await t.request
        .get(`/api/v1/trades/${trade.id}/payment`)
        .set(auth(payerOf(p, trade).token))
        .expect(200);
      expect(seen.body.payment.bankAccount).to.equal(null);
    });
  });
});

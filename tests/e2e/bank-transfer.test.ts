import path from 'node:path';
import { expect } from 'chai';
import { type Browser } from 'playwright-core';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { launchChromium, SCREENSHOTS, signInThroughUi, textOf } from '../helpers/browser.js';
import { makeParties, makeTrade, payerOf } from '../helpers/settlement.js';

const ACCOUNT = { name: '绍兴无废交易服务有限公司', number: '3301 0400 1234 5678 901', bank: '中国工商银行绍兴柯桥支行' };

/** Issue 13 items 5 and 11: a bank transfer shows the platform's receiving account, the reference and the amount in yuan. */
describe('bank transfer on the trade page in Chromium', function () {
  this.timeout(60_000);

  let t: TestApp;
  let browser: Browser;

  before(async function () {
    this.timeout(300_000);
    browser = await launchChromium(this);
    t = await createTestApp({
      listen: true,
      env: { BANK_ACCOUNT_NAME: ACCOUNT.name, BANK_ACCOUNT_NUMBER: ACCOUNT.number, BANK_NAME: ACCOUNT.bank },
    });
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the payer chooses bank transfer and sees the receiving account, the reference and the amount, also after a reload', async () => {
    const base = t.server!.url;
    const p = await makeParties(t.request);
    const trade = await makeTrade(t, p, { pricePerTonneFen: 258_500, quantityKg: 10_000 });
    const payer = payerOf(p, trade);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signInThroughUi(page, base, payer, payer.password, `/trades/${trade.id}`);
    await page.getByTestId('pay-bank-button').click();

    for (const pass of ['after paying', 'after a reload']) {
      expect(await textOf(page, 'payment-bank-account-name'), pass).to.equal(ACCOUNT.name);
      expect(await textOf(page, 'payment-bank-account-number'), pass).to.equal(ACCOUNT.number);
      expect(await textOf(page, 'payment-bank-name'), pass).to.equal(ACCOUNT.bank);
      expect(await textOf(page, 'payment-bank-amount'), pass).to.equal('¥25,850');
      expect(await textOf(page, 'payment-reference'), pass).to.match(/^ZWX\d{10,}$/);
      if (pass === 'after paying') {
        await page.getByTestId('payment-bank').screenshot({ path: path.join(SCREENSHOTS, 'bank-transfer.png') });
        await page.reload();
      }
    }
    await context.close();
  });
});

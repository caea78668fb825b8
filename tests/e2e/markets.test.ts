import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { PASSWORD, type OrgActor } from '../helpers/actors.js';
import { launchChromium, signInThroughUi } from '../helpers/browser.js';
import { createGenerator, createRecycler } from '../helpers/trading.js';

/** The live feed of this page is connected (its socket joined the rooms the page asked for). */
async function live(page: Page): Promise<void> {
  await page.locator('[data-testid="live-status"][data-status="live"]').first().waitFor();
}

/** Places an order through the market page's form. */
async function placeOrder(page: Page, o: { side: 'buy' | 'sell'; yuan: string; tonnes: string }): Promise<void> {
  await page.getByTestId('order-side').selectOption(o.side);
  await page.getByTestId('order-price-amount').fill(o.yuan);
  await page.locator('[data-testid="price-check"][data-status="ok"]').first().waitFor();
  await page.getByTestId('order-quantity').fill(o.tonnes);
  await page.getByTestId('order-submit').click();
  await page.getByTestId('order-result').waitFor();
}

describe('web client: two traders on a continuous market page see the print live (Chromium)', function () {
  this.timeout(120_000);
  let t: TestApp;
  let browser: Browser;
  let contexts: BrowserContext[] = [];
  let seller: OrgActor;
  let buyer: OrgActor;

  before(async function () {
    this.timeout(300_000);
    browser = await launchChromium(this);
    t = await createTestApp({ listen: true });
    seller = await createGenerator(t.request);
    buyer = await createRecycler(t.request, { licence: null });
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await t?.close();
  });

  it('a sell rests, a buy crosses it, and both pages show the print and the emptied book without reload', async () => {
    const base = t.server!.url;
    const options = { viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
    contexts = [await browser.newContext(options), await browser.newContext(options)];
    const [s, b] = [await contexts[0]!.newPage(), await contexts[1]!.newPage()];
    await signInThroughUi(s, base, seller, PASSWORD, '/markets/SW17-01');
    await signInThroughUi(b, base, buyer, PASSWORD, '/markets/SW17-01');
    for (const p of [s, b]) {
      await p.getByTestId('grade-market-page').waitFor();
      await live(p);
      expect(await p.getByTestId('print-row').count()).to.equal(0);
    }

    await placeOrder(s, { side: 'sell', yuan: '2580', tonnes: '5' });
    // The resting sell reaches the buyer's ladder by the live depth event.
    await b.locator('[data-testid="depth-ask"]').first().waitFor();
    await s.getByTestId('my-order').waitFor();

    await placeOrder(b, { side: 'buy', yuan: '2590', tonnes: '5' });
    for (const p of [s, b]) {
      const row = p.locator('[data-testid="print-row"][data-price="258000"]');
      await row.waitFor();
      expect(await row.textContent()).to.contain('¥2,580');
      await p.locator('[data-testid="depth-ask"]').waitFor({ state: 'detached' });
    }
    // The seller's open order is gone (filled), without a reload.
    await s.getByTestId('my-order').waitFor({ state: 'detached' });
    // Phone width: nothing wider than the screen.
    expect(await s.evaluate<number>('document.documentElement.scrollWidth'), 'no sideways scroll').to.be.at.most(390);
  });
});

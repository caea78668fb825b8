import { expect } from 'chai';
import { type Browser, type Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { PASSWORD, type OrgActor } from '../helpers/actors.js';
import { launchChromium, signInThroughUi, textOf } from '../helpers/browser.js';
import { createGenerator } from '../helpers/trading.js';

/**
 * Issue 12 item 4 in the browser: the listing form's price-direction toggle starts at the material's
 * usual direction, and a price the other way is flagged live with its reason, in words.
 */
describe('web client: the usual direction of a material in the listing form', function () {
  this.timeout(90_000);

  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let base: string;
  let generator: OrgActor;

  before(async function () {
    this.timeout(300_000);
    browser = await launchChromium(this);
    t = await createTestApp({ listen: true });
    base = t.server!.url;
    generator = await createGenerator(t.request);
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    page = await context.newPage();
  });

  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it('dyeing sludge starts at 处置费; a 收购价 for it is flagged with the direction reason and needs a justification', async () => {
    await signInThroughUi(page, base, generator, PASSWORD, '/listings/new');
    await page.getByTestId('material-search').fill('印染污泥');
    await page.getByTestId('material-option-SW07-01').click();
    // No band for sludge: the toggle follows the catalogue's usual direction, not a band.
    await page.locator('[data-testid="listing-price-usual"][data-usual="fee"]').waitFor();
    expect(await page.getByTestId('listing-price-direction-fee').isChecked()).to.equal(true);

    await page.getByTestId('listing-price-amount').fill('120');
    await page.locator('[data-testid="listing-price-check"][data-status="ok"]').waitFor();
    expect(await page.getByTestId('listing-justification').count()).to.equal(0);

    await page.getByTestId('listing-price-direction-paid').check();
    const flagged = page.locator('[data-testid="listing-price-check"][data-status="flagged"]');
    await flagged.waitFor();
    const reason = page.locator('[data-testid="listing-price-check-reasons"] [data-reason="AGAINST_USUAL_DIRECTION"]');
    expect(await reason.textContent()).to.contain('通常由产废单位支付处置费');
    await page.getByTestId('listing-justification').waitFor();
    expect(await textOf(page, 'listing-price-preview')).to.contain('收购价 ¥120/吨');
  });

  it('changing the material to waste paper moves an empty price to 收购价', async () => {
    await page.getByTestId('listing-price-direction-fee').check();
    await page.getByTestId('listing-price-amount').fill('');
    await page.getByTestId('material-change').click();
    await page.getByTestId('material-search').fill('黄板纸');
    await page.getByTestId('material-option-SW17-02').click();
    await page.locator('[data-testid="listing-price-usual"][data-usual="price"]').waitFor();
    // The toggle follows the new material in an effect, one render after the hint: wait for it.
    await page.locator('[data-testid="listing-price-direction-paid"]:checked').waitFor({ timeout: 5_000 });
    expect(await page.getByTestId('listing-price-direction-paid').isChecked()).to.equal(true);
  });
});

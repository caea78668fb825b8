import { expect } from 'chai';
import { type Browser, type Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { PASSWORD, auth } from '../helpers/actors.js';
import { launchChromium, signInThroughUi, textOf } from '../helpers/browser.js';
import { DAY, createGenerator, createListing, createRecycler, inSeconds } from '../helpers/trading.js';

/**
 * Issue 12 items 1–2 in the browser: the offer form on a hazardous demand listing asks for the hazard
 * declaration and sends it with where the material is (the offering org's district by default).
 */
describe('web client: an offer into a hazardous demand listing declares its hazard and origin', function () {
  this.timeout(90_000);

  let t: TestApp;
  let browser: Browser;
  let page: Page;

  before(async function () {
    this.timeout(300_000);
    browser = await launchChromium(this);
    t = await createTestApp({ listen: true });
    page = await (
      await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
    ).newPage();
  });

  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it('a Keqiao mill must declare characteristics, form and packaging; the trade then starts in Keqiao and the manifest data is on the bid', async () => {
    const receiver = await createRecycler(t.request, { district: '330602', licence: { wasteCodes: ['HW08'] } });
    const mill = await createGenerator(t.request, { district: '330603' });
    const listing = await createListing(t.request, receiver, {
      side: 'demand',
      materialCode: '900-249-08',
      quantityKg: 10_000,
      pricePerTonneFen: -50_000,
      mode: 'fixed',
      pickupFrom: inSeconds(DAY),
      pickupTo: inSeconds(10 * DAY),
      district: '330602',
    });

    await signInThroughUi(page, t.server!.url, mill, PASSWORD, `/listings/${listing.id}`);
    await page.getByTestId('bid-form').waitFor();
    expect(await page.getByTestId('bid-district').inputValue(), 'default: the mill’s own district').to.equal('330603');

    await page.getByTestId('bid-submit').click();
    expect(await textOf(page, 'bid-hazard-characteristics-error')).to.contain('至少申报一项危险特性');

    await page.getByTestId('bid-hazard-T').check();
    await page.getByTestId('bid-hazard-I').check();
    await page.getByTestId('bid-hazard-form').selectOption('liquid');
    await page.getByTestId('bid-hazard-packaging').selectOption('drum');
    await page.getByTestId('bid-submit').click();
    expect(await textOf(page, 'bid-result')).to.contain('已成交 10 吨');

    const bids = await t.request.get('/api/v1/bids').set(auth(mill.token));
    expect(bids.status, bids.text).to.equal(200);
    const bid = bids.body.items[0];
    expect(bid).to.include({ district: '330603' });
    expect(bid.hazard).to.deep.equal({ characteristics: ['T', 'I'], form: 'liquid', packaging: 'drum' });
    const trade = await t.request.get(`/api/v1/trades/${bid.tradeIds[0]}`).set(auth(mill.token));
    expect(trade.body).to.include({ originDistrict: '330603', destinationDistrict: '330602' });
  });
});

import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { expect } from 'chai';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { PASSWORD, type OrgActor } from '../helpers/actors.js';
import { launchChromium, SCREENSHOTS, signInThroughUi, textOf } from '../helpers/browser.js';
import { createGenerator, createListing, createRecycler, steelListing } from '../helpers/trading.js';

function signIn(page: Page, base: string, who: OrgActor, next: string): Promise<void> {
  return signInThroughUi(page, base, who, PASSWORD, next);
}

/** The live feed of this page is connected (its socket joined the rooms the page asked for). */
async function live(page: Page): Promise<void> {
  await page.locator('[data-testid="live-status"][data-status="live"]').first().waitFor();
}

describe('web client: trading in Chromium (market, listing, live price check, bids, my trades)', function () {
  this.timeout(90_000);

  let t: TestApp;
  let browser: Browser;
  let generatorContext: BrowserContext;
  let recyclerContext: BrowserContext;
  let gen: Page;
  let rec: Page;
  let base: string;
  let generator: OrgActor;
  let recycler: OrgActor;
  let listingId: string;
  const run = randomBytes(3).toString('hex');
  const description = `重废钢 ${run}，厂区自提，可开增值税专票`;

  before(async function () {
    this.timeout(300_000);
    browser = await launchChromium(this);
    t = await createTestApp({ listen: true });
    base = t.server!.url;
    generator = await createGenerator(t.request, { name: `绍兴柯桥金属制品有限公司 ${run}` });
    // General industrial waste needs no licence; the recycler is a plain registered recycler.
    recycler = await createRecycler(t.request, { name: `上虞再生资源利用有限公司 ${run}`, licence: null });
    const options = {
      viewport: { width: 1280, height: 900 },
      deviceScaleFactor: 1,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    };
    generatorContext = await browser.newContext(options);
    recyclerContext = await browser.newContext(options);
    gen = await generatorContext.newPage();
    rec = await recyclerContext.newPage();
  });

  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it('a generator posts a fixed-price lot of heavy scrap steel through the form, with the price checked as typed', async () => {
    await signIn(gen, base, generator, '/listings/new');
    expect(await textOf(gen, 'nav-new-listing')).to.equal('发布');
    await gen.getByRole('heading', { level: 1, name: '发布挂牌' }).waitFor();
    expect(await gen.locator('h1').textContent()).to.equal('发布挂牌');
    expect(await gen.getByTestId('listing-side').getAttribute('data-side')).to.equal('supply');

    await gen.getByTestId('material-search').fill('废钢');
    await gen.getByTestId('material-option-SW17-01').click();
    expect(await gen.getByTestId('material-picked').getAttribute('data-code')).to.equal('SW17-01');
    await gen.getByTestId('band-bar').waitFor();

    await gen.getByTestId('listing-quantity').fill('10');
    // The band (¥2,540 – ¥2,630/吨, a price paid) sets the direction to 收购价.
    expect(await gen.getByTestId('listing-price-direction-paid').isChecked()).to.equal(true);
    await gen.getByTestId('listing-price-amount').fill('2800');
    await gen.locator('[data-testid="listing-price-check"][data-status="rejected"]').waitFor();
    await gen.getByTestId('listing-price-amount').fill('2585');
    expect(await textOf(gen, 'listing-price-preview')).to.contain('收购价 ¥2,585/吨');
    await gen.locator('[data-testid="listing-price-check"][data-status="ok"]').waitFor();
    expect(await gen.getByTestId('listing-justification').count()).to.equal(0);
    expect(await gen.getByTestId('listing-district').inputValue()).to.equal('330603');
    await gen.getByTestId('listing-hazard-form').selectOption('solid');
    await gen.getByTestId('listing-hazard-packaging').selectOption('bulk');
    await gen.getByTestId('listing-description').fill(description);
    await gen.evaluate('window.scrollTo(0, 0)');
    await gen.screenshot({ path: path.join(SCREENSHOTS, 'new-listing.png'), fullPage: true });

    await gen.getByTestId('listing-submit').click();
    await gen.waitForURL(/\/listings\/[0-9a-f-]{36}$/);
    listingId = gen.url().split('/').pop()!;
    await gen.getByTestId('listing-detail').waitFor();
    expect(await textOf(gen, 'listing-title')).to.equal('废钢（重废）');
    expect(await textOf(gen, 'listing-price')).to.equal('收购价 ¥2,585/吨');
    expect(await textOf(gen, 'listing-quantity')).to.contain('10 吨');
    expect(await textOf(gen, 'listing-district')).to.equal('柯桥区');
    expect(await textOf(gen, 'listing-pricecheck-status')).to.contain('在参考区间内');
    await gen.getByTestId('owner-panel').waitFor();
  });

  it('the listing is in the market list, and another one appears there live', async () => {
    await gen.getByTestId('nav-market').click();
    await gen.waitForURL(`${base}/market`);
    const row = gen.locator(`[data-testid="listing-row"][data-id="${listingId}"]`);
    await row.waitFor();
    expect(await row.getByTestId('listing-row-price').textContent()).to.equal('收购价 ¥2,585/吨');
    expect(await row.getByTestId('listing-row-quantity').textContent()).to.contain('10 吨');
    expect(await row.getByTestId('listing-mode').textContent()).to.equal('一口价');
    expect(await row.textContent())
      .to.contain('柯桥区')
      .and.contain('SW17-01')
      .and.contain('供应');

    // Posted over the API while the page is open: it arrives through public:listings, no reload.
    await live(gen);
    const other = await createListing(
      t.request,
      generator,
      steelListing({ quantityKg: 3_500, description: `第二批重废钢 ${run}` }),
    );
    const otherRow = gen.locator(`[data-testid="listing-row"][data-id="${other.id}"]`);
    await otherRow.waitFor();
    expect(await otherRow.getByTestId('listing-row-quantity').textContent()).to.contain('3.5 吨');

    await gen.getByTestId('market-search').fill(run);
    await gen.getByTestId('market-search-submit').click();
    await gen.locator(`[data-testid="market-results"][aria-busy="false"][data-loaded-for="status=open&q=${run}"]`).waitFor();
    expect(await gen.getByTestId('listing-row').count()).to.equal(2);
    await gen.screenshot({ path: path.join(SCREENSHOTS, 'market.png'), fullPage: true });
  });

  it('a recycler types a price outside the band and sees it flagged while typing, then beyond it refused', async () => {
    // The generator watches its own listing in the other browser context.
    await gen.goto(`${base}/listings/${listingId}`);
    await live(gen);
    expect(await gen.getByTestId('bid-count').getAttribute('data-count')).to.equal('0');

    await signIn(rec, base, recycler, `/listings/${listingId}`);
    await rec.getByTestId('bid-form').waitFor();
    expect(await rec.getByTestId('bid-price-amount').inputValue()).to.equal('2585');
    expect(await rec.getByTestId('bid-quantity').inputValue()).to.equal('10');

    // Band ¥2,540 – ¥2,630: one band width either side (¥2,450 – ¥2,720) is flagged.
    await rec.getByTestId('bid-price-amount').fill('2700');
    const flagged = rec.locator('[data-testid="price-check"][data-status="flagged"]');
    await flagged.waitFor();
    expect(await flagged.textContent())
      .to.contain('超出参考区间')
      .and.contain('须填写理由');
    await rec.getByTestId('bid-justification').waitFor();
    await rec.evaluate('window.scrollTo(0, 0)');
    await rec.screenshot({ path: path.join(SCREENSHOTS, 'listing.png'), fullPage: true });

    await rec.getByTestId('bid-price-amount').fill('3000');
    const rejected = rec.locator('[data-testid="price-check"][data-status="rejected"]');
    await rejected.waitFor();
    expect(await rejected.textContent()).to.contain('将被拒绝');
    await rec.getByTestId('bid-submit').click();
    expect(await textOf(rec, 'bid-price-error')).to.contain('平台不会接受');

    await rec.getByTestId('bid-price-amount').fill('2585');
    await rec.locator('[data-testid="price-check"][data-status="ok"]').waitFor();
    expect(await rec.getByTestId('bid-justification').count()).to.equal(0);
  });

  it('the recycler places a valid bid; it matches, and the generator’s page counts it live', async () => {
    await rec.getByTestId('bid-submit').click();
    expect(await textOf(rec, 'bid-result')).to.contain('已成交 10 吨');

    // No reload on the generator's side: bid.placed and listing.updated arrive over socket.io.
    await gen.locator('[data-testid="bid-count"][data-count="1"]').waitFor();
    expect(await textOf(gen, 'bid-count')).to.contain('1');
    await gen.locator('[data-testid="listing-detail"][data-status="matched"]').waitFor();
    expect(await textOf(gen, 'listing-status')).to.equal('已成交');
  });

  it('the trade is in the recycler’s 我的交易: amount, who pays, fees and status in Chinese', async () => {
    await rec.getByTestId('nav-trades').click();
    await rec.waitForURL(`${base}/trades`);
    const row = rec.getByTestId('trade-row').first();
    await row.waitFor();
    expect(await rec.getByTestId('trade-row').count()).to.equal(1);
    expect(await row.getAttribute('data-status')).to.equal('awaiting_payment');
    expect(await row.getByTestId('trade-link').textContent()).to.equal('废钢（重废）');
    expect(await row.getByTestId('trade-quantity').textContent()).to.equal('10 吨');
    expect(await row.getByTestId('trade-amount').textContent()).to.equal('¥25,850');
    expect(await row.getByTestId('trade-money-role').textContent()).to.equal('我方付款');
    expect(await row.getByTestId('trade-status').textContent()).to.equal('待付款');
    // Keqiao → Shangyu: solid waste leaving its district pays its stream's eco rate (default 10 yuan/t × 10 t).
    expect(await row.getByTestId('trade-eco-fee').textContent()).to.equal('生态补偿金 ¥100');
    await rec.screenshot({ path: path.join(SCREENSHOTS, 'my-trades.png'), fullPage: true });

    await row.getByTestId('trade-link').click();
    await rec.getByTestId('trade-detail').waitFor();
    expect(await textOf(rec, 'trade-our-role')).to.equal('接收单位（利用处置）');
    // The rate and where it came from (issue 12 item 6): the default table's general-industrial row.
    await rec.locator('[data-testid="trade-eco-rate"][data-source="default"]').waitFor();
    const rate = await textOf(rec, 'trade-eco-rate');
    for (const part of ['¥10/吨', '一般工业固废', '全市统一费率', '2019-01-01 起执行', '默认费率表'])
      expect(rate).to.contain(part);
    expect(await textOf(rec, 'trade-next-step')).to.contain('付入平台托管');

    // The generator's side of the same trade: it is paid.
    await gen.getByTestId('nav-trades').click();
    const genRow = gen.getByTestId('trade-row').first();
    await genRow.waitFor();
    expect(await genRow.getByTestId('trade-money-role').textContent()).to.equal('我方收款');
  });
});

/**
 * Issue 13 items 4 and 5 in Chromium: a generator opens a trip by typing part of the carrier's name
 * (the directory offers only carriers licensed for the hazardous code), and after settlement the trade
 * page leads with the settled figures and names the other organisation, linked to its credit.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { expect } from 'chai';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { PASSWORD, adminToken, approvedLicence, auth, registerOrg, type OrgActor } from '../helpers/actors.js';
import { launchChromium, SCREENSHOTS, signInThroughUi, textOf } from '../helpers/browser.js';
import { fund, openTrip, trade, walkTrip, type Deal } from '../helpers/manifests.js';
import { createListing, createRecycler, flyAshListing, placeBid } from '../helpers/trading.js';
import type { TManifest } from '../../shared/src/schemas/manifests.js';

const DESKTOP = { viewport: { width: 1280, height: 1000 }, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
};

describe('web client: carriers by name and a settled trade in words, in Chromium', function () {
  this.timeout(120_000);

  let t: TestApp;
  let browser: Browser;
  let base: string;
  let admin: string;
  const contexts: BrowserContext[] = [];
  /** A word in this run's carrier names, so the typeahead sees only this test's carriers. */
  const run = randomBytes(2).toString('hex').toUpperCase();
  let licensed: OrgActor;
  let unlicensed: OrgActor;

  before(async function () {
    this.timeout(300_000);
    browser = await launchChromium(this);
    t = await createTestApp({ listen: true });
    base = t.server!.url;
    admin = await adminToken(t.request);
    licensed = await registerOrg(t.request, { roles: ['carrier'], district: '330603', name: `绍兴危运${run}物流有限公司` });
    await approvedLicence(
      t.request,
      licensed,
      { kind: 'transport', wasteCodes: ['HW18', 'HW08'], validFrom: '2024-01-01', validTo: '2029-12-31' },
      admin,
    );
    // Same name stem, licensed for waste oils only: never offered for fly ash (HW18).
    unlicensed = await registerOrg(t.request, { roles: ['carrier'], district: '330602', name: `绍兴危运${run}油品车队` });
    await approvedLicence(t.request, unlicensed, { kind: 'transport', wasteCodes: ['HW08'] }, admin);
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await t?.close();
  });

  /** A funded fly-ash trade between named orgs (Keqiao generator pays the disposal fee to a Shangyu recycler). */
  async function deal(quantityKg = 20_000): Promise<Deal> {
    const generator = await registerOrg(t.request, { roles: ['generator'], district: '330603', name: `柯桥印染${run}有限公司` });
    const recycler = await createRecycler(t.request, { name: `上虞固废处置${run}有限公司`, admin });
    const listing = await createListing(t.request, generator, flyAshListing({ quantityKg, minLotKg: quantityKg }));
    const bid = await placeBid(t.request, recycler, listing.id, { pricePerTonneFen: -189_300, quantityKg });
    const tr = await trade(t, generator, bid.tradeIds[0]!);
    const funded = await fund(t, { generator, recycler, trade: tr });
    return { generator, recycler, carrier: licensed, trade: funded };
  }

  async function page(options: typeof DESKTOP | typeof PHONE): Promise<Page> {
    const c = await browser.newContext(options);
    contexts.push(c);
    return c.newPage();
  }

  /** Opens the trip form, types part of the carrier's name and waits for the directory's answer. */
  async function typeCarrier(p: Page, d: Deal): Promise<void> {
    await signInThroughUi(p, base, d.generator, PASSWORD, `/trades/${d.trade.id}`);
    await p.getByTestId('open-trip').click();
    await p.getByTestId('trip-carrier').pressSequentially(`危运${run}`);
    await p.locator(`[data-testid="carrier-option"][data-id="${licensed.orgId}"]`).waitFor();
  }

  it('a generator opens a trip by typing part of the carrier’s name; only carriers licensed for the code are offered', async () => {
    const d = await deal();
    const gen = await page(DESKTOP);
    await typeCarrier(gen, d);
    const options = gen.getByTestId('carrier-option');
    expect(await options.count(), 'the HW08-only carrier is not offered for fly ash').to.equal(1);
    const offered = (await options.first().textContent()) ?? '';
    expect(offered)
      .to.contain(`绍兴危运${run}物流有限公司`)
      .and.contain(licensed.org.uscc)
      .and.contain('HW18')
      .and.contain('2029-12-31');
    expect(offered).to.not.match(/[0-9a-f]{8}-[0-9a-f]{4}-/, 'no org id is shown');
    await gen.getByTestId('open-trip-form').screenshot({ path: path.join(SCREENSHOTS, 'carrier-picker-desktop.png') });

    await options.first().click();
    expect(await textOf(gen, 'carrier-chosen-name')).to.equal(`绍兴危运${run}物流有限公司`);
    await gen.getByTestId('trip-plate').fill('浙D·12345');
    await gen.getByTestId('trip-driver').fill('王师傅');
    await gen.getByTestId('trip-declared').fill('12');
    await gen.getByTestId('open-trip-submit').click();
    const row = gen.getByTestId('manifest-row').first();
    await row.waitFor();
    const res = await t.request.get(`/api/v1/manifests/${await row.getAttribute('data-id')}`).set(auth(d.generator.token));
    expect(res.status, res.text).to.equal(200);
    expect((res.body as TManifest).carrierOrgId).to.equal(licensed.orgId);
  });

  it('at 390 px the picker fits the screen and picks by keyboard', async () => {
    const d = await deal();
    const gen = await page(PHONE);
    await typeCarrier(gen, d);
    expect(await gen.evaluate<number>('document.documentElement.scrollWidth'), 'no sideways scroll').to.be.at.most(390);
    await gen.getByTestId('open-trip-form').screenshot({ path: path.join(SCREENSHOTS, 'carrier-picker-phone.png') });
    await gen.getByTestId('trip-carrier').press('Enter');
    await gen.locator(`[data-testid="carrier-chosen"][data-id="${licensed.orgId}"]`).waitFor();
  });

  it('after settlement the trade page leads with the settled figures, says settled and names the counterparty', async () => {
    const d = await deal(20_000);
    const m = await openTrip(t, d, 20_000);
    await walkTrip(t, d, m, { loadedKg: 20_000, receivedKg: 19_900 });
    await t.ctx.jobs.drain();
    expect((await trade(t, d.generator, d.trade.id)).status).to.equal('settled');

    for (const [name, options] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      const gen = await page(options);
      await signInThroughUi(gen, base, d.generator, PASSWORD, `/trades/${d.trade.id}`);
      await gen.getByTestId('settled-accepted').waitFor();
      // The settled figures come first, before the contracted terms.
      const order = await gen.evaluate<number>(
        "document.querySelector('[data-testid=\"trade-settled\"]').compareDocumentPosition(document.getElementById('trade-terms')) & Node.DOCUMENT_POSITION_FOLLOWING",
      );
      expect(order, 'settled figures before the terms').to.not.equal(0);
      expect(await textOf(gen, 'trade-status')).to.equal('已结算');
      expect(await textOf(gen, 'settled-accepted')).to.contain('19.9 吨');
      // 19.9 t × ¥1,893 = ¥37,670.70; the eco fee and the refund of the 0.1 t not accepted, in yuan.
      expect(await textOf(gen, 'settled-amount')).to.equal('¥37,670.70');
      for (const id of ['settled-platform-fee', 'settled-eco-fee', 'settled-refund', 'settled-net'])
        expect(await textOf(gen, id), id).to.match(/^-?¥[\d,]+(\.\d\d)?/);
      expect(await textOf(gen, 'trade-receiver-link')).to.equal(`上虞固废处置${run}有限公司`);
      expect(await gen.getByTestId('trade-receiver-link').getAttribute('href')).to.equal(`/credit/${d.recycler.orgId}`);
      await gen.getByTestId('trade-receiver').getByTestId('credit-chip').waitFor();
      const text = (await gen.getByTestId('trade-detail').textContent()) ?? '';
      expect(text, 'no raw id or status on the page').to.not.match(
        /[0-9a-f]{8}-[0-9a-f]{4}-|awaiting_payment|in_transit|\bsettled\b/,
      );
      if (name === 'phone')
        expect(await gen.evaluate<number>('document.documentElement.scrollWidth'), 'no sideways scroll').to.be.at.most(390);
      await gen.screenshot({ path: path.join(SCREENSHOTS, `trade-settled-${name}.png`), fullPage: true });
    }
  });
});

/**
 * Issue 18 in Chromium on a phone-sized screen (390×844): a small producer signs in, chooses a
 * collection point, declares a small lot, and sees it waiting for the collector; the collector
 * accepts it and the producer's list then links to the trade to pay and follow. Saves
 * docs/screenshots/collection-phone.png.
 */
import path from 'node:path';
import { createRequire } from 'node:module';
import { expect } from 'chai';
import { type Browser, type Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { PASSWORD, adminToken, approvedLicence, auth, createRegulator, makeUscc, registerOrg } from '../helpers/actors.js';
import { createListing, createRecycler, flyAshListing } from '../helpers/trading.js';
import { shanghaiDate } from '../../shared/src/calendar.js';
import { launchChromium, SCREENSHOTS, signInThroughUi } from '../helpers/browser.js';
import { rows } from '../../server/src/db/tx.js';
import { sql } from 'drizzle-orm';

const PHONE = { width: 390, height: 844 };
const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Serious or critical axe-core violations on the page as it stands (the accessibility suite's rule). */
async function seriousAxeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE_PATH });
  const found = (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id + ': ' + v.help))`,
  )) as string[];
  return found;
}

describe('web client: a small producer declares a lot at a collection point (phone, Chromium)', function () {
  this.timeout(120_000);
  let t: TestApp;
  let browser: Browser;
  let base: string;

  before(async function () {
    this.timeout(300_000);
    browser = await launchChromium(this);
    t = await createTestApp({ listen: true });
    base = t.server!.url;
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it('chooses a point, declares 300 kg of fly ash and sees it in its intakes', async () => {
    const admin = await adminToken(t.request);
    const collector = await registerOrg(t.request, {
      roles: ['collector', 'carrier'],
      district: '330603',
      name: '柯桥危废收集有限公司',
    });
    await approvedLicence(t.request, collector, { kind: 'collection', wasteCodes: ['HW18'], annualCapacityKg: 50_000 }, admin);
    const point = await t.request
      .post('/api/v1/collection/points')
      .set(auth(collector.token))
      .send({ name: '齐贤收集点', address: '柯桥区齐贤街道工业园 8 号', district: '330603', feePerTonneFen: 150_000 });
    expect(point.status, point.text).to.equal(201);
    const producer = await registerOrg(t.request, { roles: ['generator'], district: '330603', name: '柯桥小型印染厂' });

    const context = await browser.newContext({
      viewport: PHONE,
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    const page = await context.newPage();
    await signInThroughUi(page, base, producer, PASSWORD, '/collection');
    await page.getByTestId('collection-page').waitFor();
    await page.getByTestId('col-point').selectOption(point.body.id as string);
    expect(await page.getByTestId('col-point-details').textContent()).to.contain('齐贤街道');
    await page.getByTestId('col-material').fill('772-002-18');
    await page.getByTestId('col-kg').fill('300');
    await page.getByTestId('col-declare').click();
    await page.getByTestId('col-declared').waitFor();
    await page.getByTestId('col-intakes').getByText('772-002-18').waitFor();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow, 'the collection page scrolls sideways at 390 px').to.be.at.most(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'collection-phone.png'), fullPage: true });

    const [intake] = await rows<{ id: string; quantity_kg: string; status: string }>(
      t.ctx.db,
      sql`select id, quantity_kg, status from intakes where producer_org_id = ${producer.orgId}`,
    );
    expect(intake).to.include({ status: 'declared' });
    expect(Number(intake!.quantity_kg)).to.equal(300);

    // The collector accepts; the producer's list now links to the trade where it pays the fee.
    const acc = await t.request.post(`/api/v1/collection/intakes/${intake!.id}/accept`).set(auth(collector.token)).send({});
    expect(acc.status, acc.text).to.equal(200);
    await page.reload();
    await page.getByTestId(`col-trade-${intake!.id}`).click();
    await page.waitForURL(/\/trades\//);
    await context.close();
  });
  it('a producer asks for fallback directly: sees the designated disposer and tariff with its source, accepts it, and follows the request to its trade', async () => {
    const admin = await adminToken(t.request);
    const producer = await registerOrg(t.request, { roles: ['generator'], district: '330603', name: '柯桥某化工厂' });
    const disposer = await createRecycler(t.request, { admin, name: '绍兴危废处置中心' });
    const city = await createRegulator(t.request, 'city', admin);
    const d = await t.request
      .post('/api/v1/regulator/fallback/designations')
      .set(auth(city.token))
      .send({
        wasteCode: 'HW18',
        disposerOrgId: disposer.orgId,
        feePerTonneFen: 200_000,
        effectiveFrom: shanghaiDate(new Date()),
        source: '绍市发改〔2026〕12号',
      });
    expect(d.status, d.text).to.equal(201);
    // No acceptable bid: the producer withdraws the lot to ask for fallback directly.
    const l = await createListing(t.request, producer, flyAshListing({ quantityKg: 5_000, minLotKg: 5_000 }));
    const cancel = await t.request.post(`/api/v1/listings/${l.id}/cancel`).set(auth(producer.token)).send({});
    expect(cancel.status, cancel.text).to.equal(200);

    const context = await browser.newContext({
      viewport: PHONE,
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      // axe-core's source is injected as an inline script, which the app's CSP refuses.
      bypassCSP: true,
    });
    const page = await context.newPage();
    await signInThroughUi(page, base, producer, PASSWORD, `/listings/${l.id}`);
    await page.getByTestId('fallback-offer').waitFor();
    expect(await seriousAxeViolations(page)).to.deep.equal([]);
    expect(await page.getByTestId('fallback-disposer').textContent()).to.equal('绍兴危废处置中心');
    expect(await page.getByTestId('fallback-fee').textContent()).to.contain('2,000');
    expect(await page.getByTestId('fallback-source').textContent()).to.contain('绍市发改〔2026〕12号');
    expect(await page.getByTestId('fallback-estimate').textContent()).to.equal('¥10,000');
    // Nothing is sent before the producer accepts the tariff.
    expect(await page.getByTestId('fallback-send').isDisabled()).to.equal(true);
    const none = await rows<{ n: number }>(
      t.ctx.db,
      sql`select count(*)::int as n from fallback_requests where listing_id = ${l.id}`,
    );
    expect(none[0]!.n).to.equal(0);
    await page.getByTestId('fallback-accept').check();
    await page.getByTestId('fallback-send').click();
    await page.locator('[data-testid="fallback-request"][data-status="pending"]').waitFor();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow, 'the listing page scrolls sideways at 390 px').to.be.at.most(0);
    expect(await seriousAxeViolations(page)).to.deep.equal([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'fallback-phone.png'), fullPage: true });

    const [req] = await rows<{ id: string; fee_per_tonne_fen: string; status: string }>(
      t.ctx.db,
      sql`select id, fee_per_tonne_fen, status from fallback_requests where listing_id = ${l.id}`,
    );
    expect(req).to.include({ status: 'pending' });
    expect(Number(req!.fee_per_tonne_fen)).to.equal(200_000);

    // The designated disposer accepts; the producer follows the request to the trade at the tariff.
    const acc = await t.request.post(`/api/v1/fallback/requests/${req!.id}/accept`).set(auth(disposer.token)).send({});
    expect(acc.status, acc.text).to.equal(200);
    await page.reload();
    await page.locator('[data-testid="fallback-request"][data-status="accepted"]').waitFor();
    await page.getByTestId('fallback-trade').click();
    await page.waitForURL(new RegExp(`/trades/${acc.body.tradeId as string}`));
    await context.close();
  });
  it('a laboratory signs up with the short small-producer form (no roles, no licence) and lands on the collection points', async () => {
    const context = await browser.newContext({
      viewport: PHONE,
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      bypassCSP: true,
    });
    const page = await context.newPage();
    const uscc = makeUscc('lab-e2e');
    const email = `lab-${Date.now()}@example.test`;
    await page.goto(`${base}/signup`);
    await page.getByTestId('signup-page').waitFor();
    await page.getByTestId('signup-kind-small').check();
    // The short form: no role choice.
    expect(await page.getByTestId('signup-roles').count()).to.equal(0);
    await page.getByTestId('signup-small-note').waitFor();
    await page.getByTestId('signup-org-name').fill('绍兴文理学院化学实验室');
    await page.getByLabel('统一社会信用代码').fill(uscc);
    await page.getByTestId('signup-district').selectOption('330602');
    await page.getByTestId('signup-name').fill('李老师');
    await page.getByTestId('signup-email').fill(email);
    await page.getByTestId('signup-password').fill(PASSWORD);
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow, 'the sign-up page scrolls sideways at 390 px').to.be.at.most(0);
    expect(await seriousAxeViolations(page)).to.deep.equal([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'signup-small-phone.png'), fullPage: true });
    await page.getByTestId('signup-submit').click();
    await page.waitForURL(`${base}/collection`);
    await page.getByTestId('collection-page').waitFor();

    const [org] = await rows<{ roles: string[]; district: string }>(
      t.ctx.db,
      sql`select roles, district from orgs where uscc = ${uscc}`,
    );
    expect(org).to.deep.equal({ roles: ['generator'], district: '330602' });
    await context.close();
  });
});
